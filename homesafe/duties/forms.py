"""The three small forms on a duty's page: done, not needed (with a reason), reassign."""

from django import forms

from homesafe.access.models import User
from homesafe.duties.models import Duty
from homesafe.duties.queries import reassign_candidates
from homesafe.duties.services import NOT_NEEDED_REASON_MISSING, REASSIGN_OUTSIDE
from homesafe.web.forms import GovukForm

REASSIGN_MISSING = "Choose who should do this"


class DutyCompleteForm(GovukForm):
    note = forms.CharField(
        label="What was done (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, who you told and how.",
    )


class DutyNotNeededForm(GovukForm):
    required_messages = {"reason": NOT_NEEDED_REASON_MISSING}

    reason = forms.CharField(
        label="Why is this not needed?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(NOT_NEEDED_REASON_MISSING)
        return reason


class PersonChoiceField(forms.ModelChoiceField):
    # The owning organisation: its people are named with their team, others with their own.
    organisation_id: int | None = None

    def label_from_instance(self, obj: User) -> str:
        if obj.organisation_id != self.organisation_id:
            return f"{obj} ({obj.organisation.name})"
        return f"{obj} ({obj.team.name})" if obj.team_id else str(obj)


class DutyReassignForm(GovukForm):
    """Only the active people of the organisation that owns the duty can be chosen (or, for a
    duty that needs an owner, of the organisations that could act: queries.reassign_candidates)."""

    required_messages = {"to": REASSIGN_MISSING}

    to = PersonChoiceField(
        label="Who should do this?",
        queryset=User.objects.none(),
        error_messages={"invalid_choice": REASSIGN_OUTSIDE},
    )

    def __init__(self, *args, duty: Duty, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = reassign_candidates(duty=duty)
        self.fields["to"].organisation_id = duty.owner_organisation_id
