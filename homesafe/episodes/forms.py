from django import forms

from homesafe.access.choices import OrganisationType
from homesafe.access.models import Organisation
from homesafe.episodes.choices import (
    EpisodeType,
    FoundBy,
    LocationKind,
    PrePlannedIndicator,
    ReportedBy,
    RiskGrade,
)
from homesafe.people.validators import validate_postcode
from homesafe.web.edits import VersionedForm
from homesafe.web.fields import GovukDateTimeField
from homesafe.web.forms import GovukForm


class EpisodeReportForm(GovukForm):
    required_messages = {
        "episode_type": "Select whether the child is missing or away",
        "last_seen_at": "Enter the date and time the child was last seen",
        "reported_at": "Enter the date and time the child was reported to police",
        "reported_by": "Select who reported the child missing",
        "risk": "Select the police risk grading",
    }
    field_classes = {
        "last_seen_postcode": "govuk-input--width-10",
        "police_reference": "govuk-input--width-20",
    }

    episode_type = forms.ChoiceField(
        label="Is the child missing or away?", choices=EpisodeType.choices, widget=forms.RadioSelect
    )
    last_seen_at = GovukDateTimeField(label="When was the child last seen?")
    last_seen_place = forms.CharField(
        label="Where was the child last seen? (optional)", required=False, max_length=300
    )
    last_seen_postcode = forms.CharField(
        label="Postcode of that place (optional)",
        required=False,
        max_length=8,
        validators=[validate_postcode],
    )
    reported_at = GovukDateTimeField(label="When was the child reported to police?")
    reported_by = forms.ChoiceField(
        label="Who reported the child missing?",
        choices=ReportedBy.choices,
        widget=forms.RadioSelect,
    )
    police_force = forms.ModelChoiceField(
        label="Police force (optional)",
        required=False,
        queryset=Organisation.objects.filter(type=OrganisationType.POLICE, is_active=True),
    )
    police_reference = forms.CharField(
        label="Police reference (optional)", required=False, max_length=50
    )
    risk = forms.ChoiceField(
        label="Police risk grading", choices=RiskGrade.choices, widget=forms.RadioSelect
    )
    pre_planned_indicators = forms.MultipleChoiceField(
        label="Signs the absence was planned (optional)",
        required=False,
        choices=PrePlannedIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    exploitation_concern = forms.BooleanField(
        label="There is a concern the child is being exploited", required=False
    )
    trafficking_concern = forms.BooleanField(
        label="There is a concern the child has been trafficked", required=False
    )
    circumstances = forms.CharField(
        label="What happened before the child went missing? (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
    )
    description_and_clothing = forms.CharField(
        label="Description and clothing (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
    )

    def clean(self):
        data = super().clean()
        if data.get("police_reference") and not data.get("police_force"):
            self.add_error("police_force", "Choose the police force that gave this reference")
        return data


class EpisodeReturnForm(GovukForm):
    required_messages = {
        "returned_at": "Enter the date and time the child was found or returned",
        "found_by": "Select how the child came back",
    }
    field_classes = {"found_postcode": "govuk-input--width-10"}

    returned_at = GovukDateTimeField(label="When was the child found or did they return?")
    found_by = forms.ChoiceField(
        label="How did the child come back?", choices=FoundBy.choices, widget=forms.RadioSelect
    )
    found_place = forms.CharField(
        label="Where was the child found? (optional)", required=False, max_length=300
    )
    found_postcode = forms.CharField(
        label="Postcode of that place (optional)",
        required=False,
        max_length=8,
        validators=[validate_postcode],
    )
    found_place_kind = forms.ChoiceField(
        label="What kind of place was it?",
        choices=LocationKind.choices,
        initial=LocationKind.OTHER,
        required=False,
    )
    stayed_where = forms.CharField(
        label="Where did the child stay? (optional)", required=False, max_length=300
    )
    stayed_with = forms.CharField(
        label="Who was the child with? (optional)", required=False, max_length=300
    )


class RegradeForm(GovukForm):
    required_messages = {
        "grade": "Select the new police risk grading",
        "graded_at": "Enter the date and time of the new grading",
    }

    grade = forms.ChoiceField(
        label="New police risk grading", choices=RiskGrade.choices, widget=forms.RadioSelect
    )
    graded_at = GovukDateTimeField(label="When was the child re-graded?")
    rationale = forms.CharField(
        label="Reason (optional)", required=False, widget=forms.Textarea, max_length=2000
    )


class EpisodeCorrectForm(VersionedForm, EpisodeReportForm):
    """The report's (and, once the child is back, the return's) details as they stand, to
    correct, with the reason. Only the fields a person changes are corrected."""

    required_messages = {
        **EpisodeReportForm.required_messages,
        "returned_at": "Enter the date and time the child was found or returned",
        "found_by": "Select how the child came back",
        "reason": "Enter why you are correcting this episode",
    }
    field_classes = {**EpisodeReportForm.field_classes, "found_postcode": "govuk-input--width-10"}

    risk = forms.ChoiceField(
        label="Current police risk grading",
        choices=RiskGrade.choices,
        widget=forms.RadioSelect,
        help_text="Correct a grading recorded wrongly. If the police have re-graded the child, "
        "record a new risk grading instead.",
    )
    returned_at = EpisodeReturnForm.base_fields["returned_at"]
    found_by = EpisodeReturnForm.base_fields["found_by"]
    found_place = EpisodeReturnForm.base_fields["found_place"]
    found_postcode = EpisodeReturnForm.base_fields["found_postcode"]
    stayed_where = EpisodeReturnForm.base_fields["stayed_where"]
    stayed_with = EpisodeReturnForm.base_fields["stayed_with"]
    reason = forms.CharField(
        label="Why are you correcting this episode?",
        help_text="Say what was wrong and how you know. Everyone who can see the episode "
        "sees the reason and the values before.",
        widget=forms.Textarea,
        max_length=1000,
    )

    def __init__(self, *args, returned: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not returned:
            for name in RETURN_FORM_FIELDS:
                del self.fields[name]


# The return's fields on the correction form, only for an episode whose child has returned.
RETURN_FORM_FIELDS = (
    "returned_at",
    "found_by",
    "found_place",
    "found_postcode",
    "stayed_where",
    "stayed_with",
)


class EpisodeVoidForm(VersionedForm, GovukForm):
    required_messages = {"reason": "Enter why this episode was recorded in error"}

    reason = forms.CharField(
        label="Why was this episode recorded in error?",
        help_text="For example: the wrong child was chosen, or the same episode was recorded "
        "twice. Everyone who can see the child's record sees the reason.",
        widget=forms.Textarea,
        max_length=1000,
    )
