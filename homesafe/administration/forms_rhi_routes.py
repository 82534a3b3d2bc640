"""The form of a partnership rule on who offers return interviews (RhiRoute). What only the
service can check (an order taken, a service missing for the service route) comes back from
homesafe.interviews.services_routes and is put on its field."""

from __future__ import annotations

from django import forms

from homesafe.access.choices import OrganisationType
from homesafe.access.models import Organisation
from homesafe.interviews.choices import RouteAllocated, RouteProvider
from homesafe.people.choices import Cohort
from homesafe.web.forms import GovukForm


def _authorities() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY).order_by(
            "name"
        ),
        empty_label="",
    )


class RhiRouteForm(GovukForm):
    required_messages = {
        "local_authority": "Choose the responsible local authority",
        "order": "Enter the rule's order, a whole number such as 10",
        "allocated": "Choose which children the rule is for",
        "provider_kind": "Choose who offers the interview",
    }
    local_authority = _authorities()
    order = forms.IntegerField(
        label="Order",
        min_value=1,
        max_value=9999,
        help_text="The authority's rules are tried lowest first; the first that matches the "
        "child wins. Leave gaps (10, 20, 30) to add rules in between later.",
        error_messages={
            "invalid": "Enter the rule's order as a whole number, such as 10",
            "min_value": "The order must be 1 or more",
            "max_value": "The order must be 9999 or less",
        },
    )
    cohort = forms.ChoiceField(
        label="Cohort (optional)",
        choices=[("", "Any cohort"), *Cohort.choices],
        required=False,
        help_text="A child with no current cohort is 'not known to social care'.",
    )
    allocated = forms.ChoiceField(
        label="Allocated social worker",
        choices=RouteAllocated.choices,
        widget=forms.RadioSelect,
        initial=RouteAllocated.ANY,
    )
    host_authority = forms.ModelChoiceField(
        label="Placed in the area of (optional)",
        queryset=Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY).order_by(
            "name"
        ),
        required=False,
        empty_label="Anywhere",
        help_text="The host authority of the child's current placement, for a service that "
        "covers one area.",
    )
    provider_kind = forms.ChoiceField(
        label="Who offers the interview",
        choices=RouteProvider.choices,
        widget=forms.RadioSelect,
        help_text="The allocated social worker route covers only children who have one; others "
        "go on to the next rule.",
    )
    provider = forms.ModelChoiceField(
        label="Return interview service",
        queryset=Organisation.objects.filter(
            type=OrganisationType.RHI_SERVICE, is_active=True
        ).order_by("name"),
        required=False,
        empty_label="",
        help_text="When a return interview service offers it: the children are referred to "
        "this service when they come back.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].label = "Responsible local authority"
