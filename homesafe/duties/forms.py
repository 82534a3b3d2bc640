"""The small forms on a duty's page: done, not needed (with a reason), reassign; and for a
notification told from outside HomeSafe, send and told another way."""

import secrets

from django import forms

from homesafe.access.models import OrganisationContact, User
from homesafe.duties.models import Duty
from homesafe.duties.queries import reassign_candidates
from homesafe.duties.sending import CONTACT_MISSING, TOLD_NOTE_MISSING
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


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.role}): {obj.email}"


class DutySendForm(GovukForm):
    """Send a notification to one of the told organisation's secure mailboxes. `token` is made
    when the page is drawn: a second submission of the same form sends nothing."""

    required_messages = {"contact": CONTACT_MISSING}

    contact = ContactChoiceField(
        label="Send to",
        queryset=OrganisationContact.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": CONTACT_MISSING},
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, contacts=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", secrets.token_urlsafe(24))
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = OrganisationContact.objects.filter(
            pk__in=[c.pk for c in contacts]
        ).select_related("organisation")
        if len(contacts) == 1:
            self.fields["contact"].initial = contacts[0].pk


class DutyToldForm(GovukForm):
    required_messages = {"note": TOLD_NOTE_MISSING}

    note = forms.CharField(
        label="Whom you told, how and when",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, rang the duty desk at 14:10 and spoke to J. Smith.",
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(TOLD_NOTE_MISSING)
        return note
