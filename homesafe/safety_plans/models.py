from django.conf import settings
from django.db import models
from django.utils import timezone

from homesafe.safety_plans.choices import AssessmentMethod, Indicator, RiskLevel

# The plan's own words, in the order the form, the page and the print show them; the versions'
# "what changed" is taken over these (and the assessment).
PLAN_TEXT_FIELDS = (
    "risks",
    "triggers",
    "curfew",
    "family_time",
    "contact",
    "placement",
    "who_does_what",
    "child_words",
    "carers_views",
    "advocacy_notes",
)
ASSESSMENT_FIELDS = ("indicators", "method", "risk_level", "reasons")


class SafetyPlanVersion(models.Model):
    """One version of a child's missing-from-home-and-care risk assessment and safety plan.

    The newest is the plan in force; every review saves a new version, so the history is the
    table and old versions stay readable. A version saved after a return is that return's review
    (the `safety_plan_review` duty); `review_of` names the episode the review followed.
    """

    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="safety_plan_versions"
    )
    number = models.PositiveIntegerField()
    # The risk assessment against seed 004's indicators.
    indicators = models.JSONField(default=list, blank=True)
    method = models.CharField(max_length=20, choices=AssessmentMethod.choices)
    score = models.PositiveSmallIntegerField(default=0)
    risk_level = models.CharField("risk of going missing", max_length=10, choices=RiskLevel.choices)
    reasons = models.TextField("reasons for the level", blank=True)
    # The plan, made with the child and carers.
    risks = models.TextField("risks")
    triggers = models.TextField("triggers", blank=True)
    curfew = models.TextField("agreed change: curfew", blank=True)
    family_time = models.TextField("agreed change: time with family and friends", blank=True)
    contact = models.TextField("agreed change: contact", blank=True)
    placement = models.TextField("agreed change: placement", blank=True)
    who_does_what = models.TextField("who does what")
    child_words = models.TextField("the child's own words", blank=True)
    carers_views = models.TextField("parents' or carers' views", blank=True)
    made_with_child = models.BooleanField("made with the child", default=False)
    advocacy_offered = models.BooleanField("independent advocate offered", default=False)
    advocacy_notes = models.TextField("advocacy", blank=True)
    review_of = models.ForeignKey(
        "episodes.MissingEpisode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_plan_reviews",
    )
    changed_fields = models.JSONField(default=list, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "number"],
                name="safety_plan_version_unique_number",
                violation_error_message="This version of the safety plan has already been saved.",
            ),
        ]
        indexes = [models.Index(fields=["child", "saved_at"])]

    def __str__(self) -> str:
        return f"Safety plan, version {self.number}"

    @property
    def indicator_labels(self) -> list[str]:
        return [Indicator(code).label for code in Indicator.values if code in self.indicators]

    @property
    def changed_labels(self) -> list[str]:
        names = {f.name: str(f.verbose_name) for f in self._meta.get_fields() if f.concrete}
        names["indicators"] = "indicators"
        return [names.get(name, name).capitalize() for name in self.changed_fields]
