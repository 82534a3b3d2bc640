from django import forms

from homesafe.people.choices import (
    AdverseExperienceKind,
    EducationConcernKind,
    PreBirthPlan,
    RelationshipKind,
    UnbornRelationship,
)
from homesafe.web.fields import GovukDateField
from homesafe.web.forms import GovukForm

OTHER_NOT_FOUND = "No child you may change has that LA child ID"


class ChildLinkForm(GovukForm):
    """Link the child to a brother or sister or a member of their household, found by the
    other child's LA child ID among the children the user may change."""

    required_messages = {
        "other": "Enter the other child's LA child ID",
        "kind": "Select how the children are linked",
    }
    other = forms.CharField(
        label="The other child's LA child ID",
        max_length=30,
        help_text="On the other child's record, under Identifiers",
    )
    kind = forms.ChoiceField(
        label="How are they linked?", choices=RelationshipKind.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, candidates, may_change, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates, self.may_change = candidates, may_change

    def clean_other(self):
        value = self.cleaned_data["other"].strip()
        other = self.candidates.filter(la_child_id__iexact=value).first()
        if other is None or not self.may_change(other):
            raise forms.ValidationError(OTHER_NOT_FOUND)
        return other


class EducationConcernForm(GovukForm):
    required_messages = {
        "kind": "Select what the school records",
        "started_on": "Enter the date it started",
    }
    kind = forms.ChoiceField(
        label="What does the school record?",
        choices=EducationConcernKind.choices,
        widget=forms.RadioSelect,
    )
    started_on = GovukDateField(label="Since")
    attendance_percent = forms.IntegerField(
        label="Attendance this term, per cent of sessions (optional)",
        required=False,
        min_value=0,
        max_value=100,
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=2000, widget=forms.Textarea
    )


class EducationConcernEndForm(GovukForm):
    required_messages = {"ended_on": "Enter the date it ended"}
    ended_on = GovukDateField(label="Back in education or attending since")


class AdverseExperienceForm(GovukForm):
    required_messages = {"kind": "Select the experience"}
    kind = forms.ChoiceField(
        label="Experience", choices=AdverseExperienceKind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label="What professionals need to know (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea,
    )


class UnbornChildForm(GovukForm):
    required_messages = {
        "relationship": "Select whose baby is expected",
        "expected_on": "Enter the due date",
        "plan": "Select where the pre-birth work stands",
    }
    relationship = forms.ChoiceField(
        label="Whose baby is expected?",
        choices=UnbornRelationship.choices,
        widget=forms.RadioSelect,
    )
    expected_on = GovukDateField(label="Due date")
    plan = forms.ChoiceField(
        label="Pre-birth plan", choices=PreBirthPlan.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label="What professionals need to know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )


class UnbornChildEndForm(GovukForm):
    required_messages = {"ended_on": "Enter the date"}
    ended_on = GovukDateField(label="Born, or no longer expected, on")
