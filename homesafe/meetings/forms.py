from django import forms
from django.core.exceptions import ValidationError

from homesafe.access.models import Organisation
from homesafe.concerns.models import PersonOfConcern
from homesafe.meetings.choices import (
    Attendance,
    DifferenceStage,
    DifferenceSubject,
    FulfilledDuty,
    MeetingKind,
    NoteKind,
)
from homesafe.meetings.queries import child_reference
from homesafe.web.fields import GovukDateField, GovukDateTimeField
from homesafe.web.forms import GovukForm

HELD_OR_PLANNED = [("held", "It has been held"), ("planned", "It is planned")]
FULFILS_NONE = "none"
FULFILS_CHOICES = [*FulfilledDuty.choices, (FULFILS_NONE, "Neither")]
FULFILS_BOTH_AND_NONE = "Select the duties the meeting fulfils, or 'Neither'"
FULFILS_HINT = (
    "For the child's latest episode before the meeting. Leave blank to go by the kind of "
    "meeting: a strategy meeting fulfils both, a multi-agency meeting the meeting after repeat "
    "episodes, other meetings neither"
)


def fulfils_field(**kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Which duties does this meeting fulfil?",
        choices=FULFILS_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


def clean_fulfils(values: list[str]) -> list[str] | None:
    """The duties chosen; None (blank: go by the kind of meeting); [] for 'Neither'."""
    if FULFILS_NONE in values:
        if len(values) > 1:
            raise ValidationError(FULFILS_BOTH_AND_NONE)
        return []
    return values or None


CHILD_NOT_CHOSEN = "Choose the children discussed from the list: search for a child to add one"
SEARCH_EMPTY = "Enter a name, a date of birth or an ID to search for"
WHOLE_MEETING = "meeting"
# The same words whether or not the address has an account elsewhere: the field must not
# tell anyone who uses HomeSafe (issue 12 point 9).
OWNER_NOT_FOUND = (
    "Enter the email of someone at the agency that owns the action who uses HomeSafe, "
    "or leave it empty"
)


def child_label(child) -> str:
    """A child as the meeting pages name them: name, date of birth and an ID to tell them apart."""
    born = (
        f"born {child.date_of_birth:%-d %B %Y}"
        if child.date_of_birth
        else "date of birth not known"
    )
    return f"{child.full_name}, {born}, {child.la_child_id or child_reference(child)}"


class ChildrenSearchForm(forms.Form):
    """Search for the children of a meeting: the same terms as Find a child."""

    name = forms.CharField(label="Name or alias", required=False, max_length=200)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    identifier = forms.CharField(
        label="ID",
        required=False,
        max_length=50,
        help_text="LA child ID, police person ID, NHS number, UPN or HomeSafe ID (like HS-123)",
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("name", "").strip()
            or data.get("date_of_birth")
            or data.get("identifier", "").strip()
        ):
            raise ValidationError(SEARCH_EMPTY)
        return data


def _agencies():
    return Organisation.objects.filter(is_active=True).order_by("type", "name")


def _text(label: str, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=10000, widget=forms.Textarea, **kwargs
    )


class MeetingForm(GovukForm):
    field_order = ["children"]
    required_messages = {
        "kind": "Select the kind of meeting",
        "status": "Select whether the meeting has been held",
        "when": "Enter the date and time of the meeting",
        "chair_name": "Enter who chaired the meeting",
        "children": "Choose the children discussed",
    }
    kind = forms.ChoiceField(
        label="Kind of meeting", choices=MeetingKind.choices, widget=forms.RadioSelect
    )
    status = forms.ChoiceField(
        label="Has the meeting been held?", choices=HELD_OR_PLANNED, widget=forms.RadioSelect
    )
    when = GovukDateTimeField(label="Date and time of the meeting")
    chair_name = forms.CharField(label="Chair", max_length=200)
    chair_organisation = forms.ModelChoiceField(
        label="Chair's agency (optional)", required=False, queryset=Organisation.objects.none()
    )
    children = forms.MultipleChoiceField(
        label="Children discussed",
        widget=forms.CheckboxSelectMultiple,
        help_text="Only a locality MACE discusses several children. Untick a child who was not "
        "discussed",
    )
    persons_discussed = _text(
        "Notes on persons of concern discussed (optional)",
        help_text="Once the meeting is saved, record the persons of concern themselves from the "
        "meeting page, about each child. Note here anyone not yet known to HomeSafe",
    )
    locations = _text(
        "Places discussed (optional)", help_text="One place per line, like 'Victoria bus station'"
    )
    fulfils = fulfils_field(required=False, help_text=FULFILS_HINT)

    def __init__(self, *args, children, **kwargs):
        """`children`: the children chosen for the meeting (people.queries' gate passed)."""
        super().__init__(*args, **kwargs)
        self.chosen = {str(child.pk): child for child in children}
        self.fields["children"].choices = [
            (pk, child_label(child)) for pk, child in self.chosen.items()
        ]
        self.fields["children"].error_messages["invalid_choice"] = CHILD_NOT_CHOSEN
        self.fields["chair_organisation"].queryset = _agencies()

    def clean_children(self):
        return [self.chosen[pk] for pk in self.cleaned_data["children"]]

    def clean_locations(self):
        return [line for line in self.cleaned_data["locations"].splitlines() if line.strip()]

    def clean_fulfils(self):
        return clean_fulfils(self.cleaned_data["fulfils"])


class FulfilsForm(GovukForm):
    """Which duties of its episodes a meeting fulfils (meeting_change_fulfils)."""

    required_messages = {"fulfils": "Select the duties the meeting fulfils, or 'Neither'"}
    fulfils = fulfils_field(
        help_text="For the episodes the meeting is about. The duties are done once the meeting "
        "is held"
    )

    def clean_fulfils(self):
        return clean_fulfils(self.cleaned_data["fulfils"]) or []


class HeldForm(GovukForm):
    required_messages = {"held_at": "Enter the date and time the meeting was held"}
    held_at = GovukDateTimeField(label="When was the meeting held?")


class InvitationForm(GovukForm):
    required_messages = {
        "organisation": "Select the agency",
        "attendance": "Select whether the agency attended",
    }
    organisation = forms.ModelChoiceField(label="Agency", queryset=Organisation.objects.none())
    attendance = forms.ChoiceField(
        label="Attendance", choices=Attendance.choices, widget=forms.RadioSelect
    )
    attendee_name = forms.CharField(label="Who attended (optional)", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _agencies()


def _child_choices(links) -> list[tuple[str, str]]:
    return [(WHOLE_MEETING, "The whole meeting")] + [
        (str(link.child_id), link.child.full_name) for link in links
    ]


class _AboutChildForm(GovukForm):
    """A form with a choice of the meeting's children the user may see (or the whole meeting)."""

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.links = {link.child_id: link.child for link in links}
        self.fields["child"].choices = _child_choices(links)

    def clean_child(self):
        value = self.cleaned_data["child"]
        return self.links[int(value)] if value not in ("", WHOLE_MEETING) else None


class NoteForm(_AboutChildForm):
    required_messages = {
        "kind": "Select whether this is a decision or a risk",
        "child": "Select who the decision or risk is about",
        "text": "Enter the decision or risk",
    }
    kind = forms.ChoiceField(
        label="Decision or risk?", choices=NoteKind.choices, widget=forms.RadioSelect
    )
    child = forms.ChoiceField(
        label="About",
        help_text="Write about one child under that child: the whole meeting's notes are read "
        "by every agency that sees any of its children",
    )
    text = _text("Decision or risk", required=True)


class ActionForm(_AboutChildForm):
    required_messages = {
        "description": "Enter the action",
        "child": "Select who the action is about",
        "owner_organisation": "Select the agency that owns the action",
        "due_on": "Enter the date the action is due",
    }
    description = _text("Action", required=True)
    child = forms.ChoiceField(label="About")
    owner_organisation = forms.ModelChoiceField(
        label="Agency that owns it", queryset=Organisation.objects.none()
    )
    owner_email = forms.EmailField(
        label="Email of the person who owns it (optional)", required=False
    )
    due_on = GovukDateField(label="Due date")

    def __init__(self, *args, find_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.find_user = find_user
        self.fields["owner_organisation"].queryset = _agencies()

    def clean(self):
        """The owner is looked up among the owning agency's people only."""
        data = super().clean()
        email, organisation = data.get("owner_email"), data.get("owner_organisation")
        if not email:
            data["owner_email"] = None
        elif organisation is not None:
            data["owner_email"] = self.find_user(email, organisation=organisation)
            if data["owner_email"] is None:
                self.add_error("owner_email", OWNER_NOT_FOUND)
        return data


class PersonsDiscussedForm(_AboutChildForm):
    """Persons of concern discussed about one child of the meeting, chosen by key."""

    required_messages = {
        "child": "Select the child the persons were discussed about",
        "persons": "Choose at least one person of concern",
    }
    child = forms.ChoiceField(label="Discussed about", widget=forms.RadioSelect)
    persons = forms.ModelMultipleChoiceField(
        label="Persons of concern discussed",
        queryset=PersonOfConcern.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Only the persons of concern you can see are listed. To add someone new, "
        "record them on the child's people and places of concern page",
    )
    note = _text("Note (optional)")

    def __init__(self, *args, links, persons, **kwargs):
        links = list(links)
        if len(links) == 1:
            kwargs.setdefault("initial", {"child": str(links[0].child_id)})
        super().__init__(*args, links=links, **kwargs)
        self.fields["child"].choices = _child_choices(links)[1:]  # not the whole meeting
        self.fields["persons"].queryset = persons


class CompleteActionForm(GovukForm):
    required_messages = {"completed_at": "Enter the date and time the action was completed"}
    completed_at = GovukDateTimeField(label="When was the action completed?")
    note = _text("What was done (optional)")


class DifferenceForm(GovukForm):
    required_messages = {
        "raised_at": "Enter the date and time the difference was raised",
        "raised_by_name": "Enter who raised the difference",
        "raised_with_organisation": "Select the agency the difference is with",
        "subject": "Select what the difference is about",
        "detail": "Enter what the difference is about",
    }
    raised_at = GovukDateTimeField(label="When was it raised?")
    raised_by_name = forms.CharField(label="Who raised it", max_length=200)
    raised_with_organisation = forms.ModelChoiceField(
        label="Which agency is it with?", queryset=Organisation.objects.none()
    )
    subject = forms.ChoiceField(
        label="What is it about?", choices=DifferenceSubject.choices, widget=forms.RadioSelect
    )
    detail = _text("The difference, in a few words", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_with_organisation"].queryset = _agencies()


class EscalateForm(GovukForm):
    required_messages = {
        "stage": "Select the stage reached",
        "reached_at": "Enter the date and time the stage was reached",
    }
    stage = forms.ChoiceField(
        label="Stage reached", choices=DifferenceStage.choices, widget=forms.RadioSelect
    )
    reached_at = GovukDateTimeField(label="When was it reached?")
    note = _text("Note (optional)")


class ResolveForm(GovukForm):
    required_messages = {
        "resolved_at": "Enter the date and time the difference was resolved",
        "outcome": "Enter the outcome",
    }
    resolved_at = GovukDateTimeField(label="When was it resolved?")
    outcome = _text("Outcome", required=True)
