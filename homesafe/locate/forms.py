"""The search's forms: one per use case (each posts to one service)."""

from django import forms

from homesafe.access.models import Organisation
from homesafe.episodes.choices import LocationKind
from homesafe.locate.choices import (
    LocateActionKind,
    MissingAgency,
    PublicityChannel,
    PublicityConsent,
    PublicityDecisionKind,
    SightingKind,
    SightingSource,
)
from homesafe.web.edits import VersionedForm
from homesafe.web.fields import GovukDateTimeField
from homesafe.web.forms import GovukForm


def _text(label: str, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SightingForm(GovukForm):
    required_messages = {
        "kind": "Select whether the child was seen or this is a lead",
        "seen_at": "Enter when the child was seen or the lead came in",
        "source": "Select who saw the child or gave the lead",
    }
    kind = forms.ChoiceField(
        label="Was the child seen?", choices=SightingKind.choices, widget=forms.RadioSelect
    )
    seen_at = GovukDateTimeField(label="When")
    source = forms.ChoiceField(
        label="Who saw the child or gave the lead?", choices=SightingSource.choices
    )
    source_detail = forms.CharField(
        label="Who exactly (optional)",
        required=False,
        max_length=200,
        help_text="For example, the foster carer's neighbour or PC 1234",
    )
    place = forms.CharField(
        label="Where (optional)",
        required=False,
        max_length=300,
        help_text="For example, the bus station on Queen Street",
    )
    place_kind = forms.ChoiceField(
        label="What kind of place (optional)",
        choices=[("", "Not known"), *LocationKind.choices],
        required=False,
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=8,
        help_text="Puts the place on the map",
    )
    note = _text("What was seen or said (optional)")


class SightingChangeForm(VersionedForm, SightingForm):
    """The same fields, with the version the person saw (a stale save is refused)."""


class SightingRemoveForm(GovukForm):
    required_messages = {"reason": "Say why the sighting is removed"}
    reason = _text("Why is it removed?", required=True)


class LocateActionForm(GovukForm):
    required_messages = {
        "kind": "Select what kind of action it is",
        "description": "Say what is to be done",
        "owner_organisation": "Choose the agency that acts",
    }
    kind = forms.ChoiceField(
        label="Kind of action", choices=LocateActionKind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label="What is to be done",
        max_length=500,
        help_text="For example, check the friend's flat on Mill Road",
    )
    owner_organisation = forms.ModelChoiceField(
        label="Agency that acts", queryset=Organisation.objects.none()
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = agencies


class ActionOutcomeForm(GovukForm):
    required_messages = {"outcome": "Say what came of the action"}
    outcome = _text("What came of it", required=True)


class PublicityForm(GovukForm):
    required_messages = {
        "decision": "Select whether publicity was approved",
        "decided_at": "Enter when publicity was decided",
    }
    decision = forms.ChoiceField(
        label="Decision", choices=PublicityDecisionKind.choices, widget=forms.RadioSelect
    )
    decided_at = GovukDateTimeField(label="When was it decided")
    approved_by = forms.CharField(
        label="Approved by, name and role (if approved)",
        required=False,
        max_length=200,
        help_text="For example, Inspector Grey, duty inspector",
    )
    channels = forms.MultipleChoiceField(
        label="Channels (if approved)",
        choices=PublicityChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.ChoiceField(
        label="Whose consent (if approved)",
        choices=[("", "Choose"), *PublicityConsent.choices],
        required=False,
    )
    reasons = _text("Reasons (required when not approved)")


class AgencyContactForm(GovukForm):
    required_messages = {
        "agency": "Select who was contacted",
        "contacted_at": "Enter when they were contacted",
    }
    agency = forms.ChoiceField(
        label="Who was contacted", choices=MissingAgency.choices, widget=forms.RadioSelect
    )
    contacted_at = GovukDateTimeField(label="When")
    reference = forms.CharField(label="Their reference (optional)", required=False, max_length=100)
    note = _text("Note (optional)")


class SafeAndWellForm(GovukForm):
    required_messages = {
        "held_at": "Enter when the Safe and Well check was held",
        "findings": "Record what the Safe and Well check found",
    }
    held_at = GovukDateTimeField(label="When was it held")
    officer = forms.CharField(
        label="Officer, name or number (optional)", required=False, max_length=200
    )
    findings = _text("Findings", required=True)
    harm_disclosed = forms.BooleanField(label="The child disclosed harm", required=False)
    exploitation_indicators = forms.BooleanField(
        label="There are signs of exploitation", required=False
    )
