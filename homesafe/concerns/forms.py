from django import forms
from django.db.models import Q

from homesafe.access.choices import OrganisationType
from homesafe.access.models import Organisation
from homesafe.concerns.choices import (
    ConcernKind,
    DisruptionKind,
    LegalActionKind,
    LinkKind,
    NrmDecision,
    PersonKind,
)
from homesafe.concerns.models import PersonOfConcern
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.queries import episodes_for_child
from homesafe.web.edits import VersionedForm
from homesafe.web.fields import GovukDateField, GovukDateTimeField
from homesafe.web.forms import GovukForm


def _text(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=10000, widget=forms.Textarea)


def _episode_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Missing episode (optional)", required=False, queryset=PersonOfConcern.objects.none()
    )


class ChildForm(GovukForm):
    """A form about one child: offers that child's episodes, leaving out those recorded in error
    (an edit keeps the episode it already names)."""

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        if "episode" in self.fields:
            current = self.initial.get("episode")
            current_id = getattr(current, "pk", current)
            self.fields["episode"].queryset = episodes_for_child(child=child).filter(
                ~Q(status=EpisodeStatus.VOIDED) | Q(pk=current_id)
            )


class LinkFields(ChildForm):
    link_kind = forms.ChoiceField(
        label="How are they linked to the child?",
        choices=LinkKind.choices,
        widget=forms.RadioSelect,
    )
    episode = _episode_field()
    reference = forms.CharField(
        label="Interview or meeting reference (optional)",
        required=False,
        max_length=200,
        help_text="For example, return interview of 3 March or MACE 12 March",
    )


class PersonForm(LinkFields):
    required_messages = {
        "name": "Enter the person's name",
        "kind": "Select whether they are an adult or a peer",
        "link_kind": "Select how they are linked to the child",
    }
    name = forms.CharField(label="Name", max_length=200)
    aliases = forms.CharField(
        label="Other names or nicknames (optional)", required=False, max_length=500
    )
    kind = forms.ChoiceField(
        label="Adult or peer?", choices=PersonKind.choices, widget=forms.RadioSelect
    )
    date_of_birth = GovukDateField(label="Date of birth (optional)", required=False)
    approximate_age = forms.IntegerField(
        label="Approximate age, if the date of birth is not known (optional)",
        required=False,
        min_value=5,
        max_value=100,
        error_messages={
            "invalid": "Enter the approximate age as a number",
            "min_value": "The approximate age must be between 5 and 100",
            "max_value": "The approximate age must be between 5 and 100",
        },
    )
    description = _text("Description (optional)")
    notes = _text("Notes (optional)")
    field_order = [
        "name",
        "aliases",
        "kind",
        "date_of_birth",
        "approximate_age",
        "description",
        "notes",
    ]


class PersonLinkForm(LinkFields):
    required_messages = {
        "person": "Choose the person of concern",
        "link_kind": "Select how they are linked to the child",
    }
    person = forms.ModelChoiceField(
        label="Person of concern", queryset=PersonOfConcern.objects.none()
    )
    note = _text("Note (optional)")
    field_order = ["person", "link_kind", "episode", "reference", "note"]

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons


class LocationForm(ChildForm):
    required_messages = {"link_kind": "Select how the place is linked to the child"}
    description = forms.CharField(
        label="Name or description (optional)",
        required=False,
        max_length=300,
        help_text="For example, the flat above the takeaway on High Street",
    )
    address = forms.CharField(label="Address (optional)", required=False, max_length=300)
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=8)
    link_kind = LinkFields.base_fields["link_kind"]
    episode = _episode_field()
    reference = LinkFields.base_fields["reference"]
    note = _text("Note (optional)")


def _agencies():
    return Organisation.objects.filter(
        is_active=True, type__in=[OrganisationType.POLICE, OrganisationType.LOCAL_AUTHORITY]
    ).order_by("type", "name")


class DisruptionForm(ChildForm):
    required_messages = {
        "kind": "Select the disruption action",
        "taken_on": "Enter the date of the action",
        "agency": "Choose the agency that took the action",
    }
    kind = forms.ChoiceField(
        label="Action", choices=DisruptionKind.choices, widget=forms.RadioSelect
    )
    kind_other = forms.CharField(label="If other, what? (optional)", required=False, max_length=200)
    person = forms.ModelChoiceField(
        label="Against (a person of concern linked to the child)",
        required=False,
        queryset=PersonOfConcern.objects.none(),
    )
    taken_on = GovukDateField(label="Date")
    agency = forms.ModelChoiceField(label="Agency", queryset=Organisation.objects.none())
    episode = _episode_field()
    outcome = _text("Outcome (optional)")

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons
        self.fields["agency"].queryset = _agencies()


DECISIONS = [("", "Not yet decided"), *NrmDecision.choices]


class DecisionFields(GovukForm):
    granted_on = GovukDateField(label="Recovery order granted on (optional)", required=False)
    reasonable_grounds = forms.ChoiceField(
        label="NRM reasonable grounds decision",
        choices=DECISIONS,
        required=False,
        widget=forms.RadioSelect,
    )
    reasonable_grounds_on = GovukDateField(label="Reasonable grounds decision date", required=False)
    conclusive_grounds = forms.ChoiceField(
        label="NRM conclusive grounds decision",
        choices=DECISIONS,
        required=False,
        widget=forms.RadioSelect,
    )
    conclusive_grounds_on = GovukDateField(label="Conclusive grounds decision date", required=False)


class LegalActionForm(ChildForm, DecisionFields):
    required_messages = {
        "kind": "Select the legal action",
        "applied_on": "Enter the date of the application or referral",
    }
    kind = forms.ChoiceField(
        label="Legal action or referral", choices=LegalActionKind.choices, widget=forms.RadioSelect
    )
    applied_on = GovukDateField(label="Applied for or referred on")
    episode = _episode_field()
    notes = _text("Notes (optional)")
    field_order = ["kind", "applied_on", "episode"]


class LegalDecisionForm(VersionedForm, DecisionFields):
    """The decisions as known now, recorded on the version the person saw."""


class RaiseConcernForm(GovukForm):
    """An exploitation or trafficking concern about one episode (services_raised)."""

    required_messages = {"kind": "Select the concern you are raising"}
    kind = forms.ChoiceField(
        label="What is the concern?",
        choices=ConcernKind.choices,
        widget=forms.RadioSelect,
        help_text="An exploitation concern asks for a MACE referral to be considered and a "
        "strategy meeting; a trafficking concern asks for a National Referral Mechanism "
        "referral to be considered.",
    )
    raised_at = GovukDateTimeField(
        label="Date and time the concern arose",
        required=False,
        help_text="Optional: leave blank for now. The timescales run from this time.",
    )
    note = _text("Why is the concern raised? (optional)")
