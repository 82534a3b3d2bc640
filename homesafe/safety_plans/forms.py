from django import forms
from django.utils import timezone

from homesafe.safety_plans.choices import AssessmentMethod, Indicator, RiskLevel
from homesafe.web.forms import GovukForm


def _text(label: str, *, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=10000, widget=forms.Textarea, **kwargs
    )


class EpisodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        returned = timezone.localtime(obj.returned_at).strftime("%-d %b %Y %H:%M")
        return f"Returned {returned} (reported {obj.police_reference or obj.pk})"


class SafetyPlanForm(GovukForm):
    """The risk assessment and the safety plan: each save is a new version
    (safety_plans.services.safety_plan_save)."""

    required_messages = {
        "method": "Select how the level of risk was decided",
        "risks": "Enter the risks the plan is made against",
        "who_does_what": "Enter who does what",
    }
    # The assessment (seed 004's indicators).
    indicators = forms.MultipleChoiceField(
        label="What might increase the risk of going missing",
        choices=Indicator.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. An episode before and an open record of missing "
        "education are counted from the record whether selected or not",
    )
    method = forms.ChoiceField(
        label="How is the level of risk decided?",
        choices=AssessmentMethod.choices,
        widget=forms.RadioSelect,
    )
    risk_level = forms.ChoiceField(
        label="Level of risk you judge (professional judgement only)",
        choices=RiskLevel.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    reasons = _text("Reasons for the level (needed for professional judgement)")
    # The plan, made with the child and carers.
    risks = _text("Risks", required=True, help_text="What the plan is made against")
    triggers = _text("Triggers (optional)", help_text="What has led to the child going missing")
    curfew = _text("Agreed change: curfew (optional)")
    family_time = _text("Agreed change: time with family and friends (optional)")
    contact = _text("Agreed change: contact (optional)")
    placement = _text("Agreed change: placement type or location (optional)")
    who_does_what = _text(
        "Who does what",
        required=True,
        help_text="Each person or agency and what they will do, for example 'Carer: calls 101 "
        "if not home by 21:00'",
    )
    child_words = _text("The child's own words (optional)")
    carers_views = _text("Parents' or carers' views (optional)")
    made_with_child = forms.BooleanField(label="The plan was made with the child", required=False)
    advocacy_offered = forms.BooleanField(
        label="An independent advocate was offered", required=False
    )
    advocacy_notes = _text("Advocacy: what the child decided (optional)")
    review_of = EpisodeChoiceField(
        label="The return this review follows (optional)",
        queryset=None,  # the child's returned episodes (safety_plans.queries), in __init__
        required=False,
    )

    def __init__(self, *args, review_episodes, recorded: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].item_hints = dict.fromkeys(recorded, "The record shows this")
        if review_episodes.exists():
            self.fields["review_of"].queryset = review_episodes
        else:
            del self.fields["review_of"]

    SECTIONS = (
        ("The risk assessment", ("indicators", "method", "risk_level", "reasons")),
        (
            "The safety plan",
            (
                "risks",
                "triggers",
                "curfew",
                "family_time",
                "contact",
                "placement",
                "who_does_what",
            ),
        ),
        (
            "The child and carers",
            (
                "child_words",
                "carers_views",
                "made_with_child",
                "advocacy_offered",
                "advocacy_notes",
                "review_of",
            ),
        ),
    )
