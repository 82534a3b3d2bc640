from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from homesafe.constraints import ChecksInOneQuery
from homesafe.protocol.screening import (
    ANSWER_LABELS,
    Answer,
    ScreeningAnswersError,
    Tool,
    tool_get,
)
from homesafe.screening.choices import CONCERN_BAND, TOOL_CHOICES, TRAFFICKING_GROUP


class ExploitationScreening(ChecksInOneQuery, models.Model):
    """One completed exploitation screening of a child with one version of one tool."""

    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="exploitation_screenings"
    )
    tool = models.CharField(max_length=30, choices=TOOL_CHOICES)
    tool_version = models.CharField(max_length=20)
    answers = models.JSONField(
        default=dict, help_text="Indicator code -> answer, validated against the tool's version."
    )
    score = models.PositiveIntegerField(null=True, blank=True, help_text="Scored tools only.")
    band = models.CharField("computed band", max_length=30)
    group_bands = models.JSONField(
        default=dict, blank=True, help_text="Categorical tools: the band per type of exploitation."
    )
    override_band = models.CharField("band chosen by the professional", max_length=30, blank=True)
    override_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField()
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_by_organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    review_on = models.DateField("review by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(override_band="") | ~Q(override_reason=""),
                name="screening_override_has_reason",
                violation_error_message="A band chosen by the professional records the reason.",
            ),
            models.CheckConstraint(
                condition=~Q(override_band=models.F("band")),
                name="screening_override_differs",
                violation_error_message="A professional's band differs from the computed band.",
            ),
        ]
        indexes = [models.Index(fields=["child", "-completed_at"])]

    def __str__(self) -> str:
        return f"{self.tool_definition.name} on {self.completed_at:%d/%m/%Y}"

    def clean(self) -> None:
        try:
            tool = tool_get(self.tool, self.tool_version)
        except ScreeningAnswersError as error:
            raise ValidationError({"tool": str(error)}) from None
        for name in ("band", "override_band"):
            value = getattr(self, name)
            if value and value not in tool.band_codes:
                raise ValidationError({name: f"{value!r} is not a band of {tool.name}."})

    @property
    def tool_definition(self) -> Tool:
        return tool_get(self.tool, self.tool_version)

    @property
    def final_band(self) -> str:
        """The band in force: the professional's, when they chose one, else the computed one."""
        return self.override_band or self.band

    def _at_least_concern_band(self, band: str) -> bool:
        codes = self.tool_definition.band_codes
        return (
            CONCERN_BAND in codes
            and band in codes
            and codes.index(band) >= codes.index(CONCERN_BAND)
        )

    def concerns_raised(self) -> tuple[str, ...]:
        """The concerns (concerns.ConcernKind values) this screening raises: exploitation when
        the band in force is significant or above; trafficking too when, in a categorical tool,
        the trafficking group also is."""
        if not self._at_least_concern_band(self.final_band):
            return ()
        if self._at_least_concern_band(self.group_bands.get(TRAFFICKING_GROUP, "")):
            return ("exploitation", "trafficking")
        return ("exploitation",)

    @property
    def final_band_label(self) -> str:
        return self.tool_definition.band_label(self.final_band)

    @property
    def band_label(self) -> str:
        return self.tool_definition.band_label(self.band)

    @property
    def override_band_label(self) -> str:
        return self.tool_definition.band_label(self.override_band) if self.override_band else ""

    def answer_rows(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(group heading, [(indicator text, answer label)]) in the tool's order."""
        tool = self.tool_definition
        rows: dict[str, list[tuple[str, str]]] = {group: [] for group in tool.groups}
        for indicator in tool.indicators:
            value = self.answers.get(indicator.code, "")
            label = ANSWER_LABELS[Answer(value)] if value in Answer else "Not answered"
            rows[indicator.group].append((indicator.text, label))
        return [(tool.groups[group], answers) for group, answers in rows.items()]

    def group_band_rows(self) -> list[tuple[str, str]]:
        tool = self.tool_definition
        return [
            (heading, tool.band_label(self.group_bands.get(group, tool.bands[0].code)))
            for group, heading in tool.groups.items()
        ]
