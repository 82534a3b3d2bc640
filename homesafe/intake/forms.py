from django import forms

from homesafe.uploads import upload_check_size
from homesafe.web.forms import GovukForm


class PoliceImportForm(GovukForm):
    force = forms.ModelChoiceField(queryset=None, label="Police force", empty_label=None)
    file = forms.FileField(
        label="Download file",
        help_text="The force's daily download of missing-person reports, as CSV or XLSX.",
    )
    required_messages = {"file": "Choose the download file", "force": "Choose the police force"}

    def __init__(self, *args, forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = forces

    def clean_file(self):
        return upload_check_size(self.cleaned_data["file"])


class ReviewDecisionForm(GovukForm):
    decision = forms.ChoiceField(label="Who is this?", widget=forms.RadioSelect)
    required_messages = {"decision": "Choose a child, or create a new record"}

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (
                str(c.child_id),
                f"{c.child.full_name}, born {c.child.date_of_birth:%d/%m/%Y}, "
                f"{c.child.responsible_la} (match {c.score:.0f}%)",
            )
            for c in candidates
        ] + [("new", "None of these: create a new record")]


class ChildMergeForm(GovukForm):
    kept_child = forms.IntegerField(
        label="The record to keep (its number)", min_value=1, help_text="For example, 1234."
    )
    merged_child = forms.IntegerField(
        label="The duplicate record, to merge into it (its number)", min_value=1
    )
    reason = forms.CharField(label="Why these are the same child", max_length=300)
    required_messages = {
        "kept_child": "Enter the number of the record to keep",
        "merged_child": "Enter the number of the duplicate record",
        "reason": "Enter why these are the same child",
    }
