"""The screening forms: one radio question per indicator, built from the tool's data."""

from django import forms

from homesafe.protocol.screening import ANSWER_LABELS, Tool
from homesafe.web.fields import GovukDateField, GovukDateTimeField
from homesafe.web.forms import GovukForm

KEEP_BAND = ""


def _band_field(tool: Tool, *, computed_label: str = "") -> forms.ChoiceField:
    keep = "Keep the tool's band" + (f" ({computed_label})" if computed_label else "")
    return forms.ChoiceField(
        label="Band in your professional judgement",
        required=False,
        help_text="Choose a different band only when your judgement differs from the tool's, "
        "and say why.",
        choices=[(KEEP_BAND, keep), *((band.code, band.label) for band in tool.bands)],
        widget=forms.RadioSelect,
        initial=KEEP_BAND,
    )


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label="Why you chose a different band",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
    )


class ScreeningForm(GovukForm):
    """Complete a screening with `tool`: fields `answer_<indicator>` in the tool's order."""

    required_messages = {"completed_at": "Enter the date and time of the screening"}
    completed_at = GovukDateTimeField(label="When was the screening completed?")

    def __init__(self, *args, tool: Tool, **kwargs):
        self.tool = tool
        super().__init__(*args, **kwargs)
        for indicator in tool.indicators:
            heading = tool.groups[indicator.group]
            self.fields[f"answer_{indicator.code}"] = forms.ChoiceField(
                label=indicator.text,
                help_text=heading,
                choices=[(str(a), ANSWER_LABELS[a]) for a in indicator.answers],
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer “{indicator.text}”"},
            )
        self.fields["override_band"] = _band_field(tool)
        self.fields["override_reason"] = _reason_field()
        self.fields["review_on"] = GovukDateField(
            label="Review by (optional)",
            required=False,
            help_text="Leave blank for the protocol's review date (SERAF: every 3 months). "
            "For example, 27 3 2026",
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "answers": {
                indicator.code: data[f"answer_{indicator.code}"]
                for indicator in self.tool.indicators
            },
            "completed_at": data["completed_at"],
            "override_band": data["override_band"],
            "override_reason": data["override_reason"],
            "review_on": data["review_on"],
        }


class OverrideForm(GovukForm):
    def __init__(self, *args, tool: Tool, computed_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["override_band"] = _band_field(tool, computed_label=computed_label)
        self.fields["override_reason"] = _reason_field()
