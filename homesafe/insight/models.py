"""The insight app's records: the report packs (docs/insight.md, "Packs").

A pack is the partnership's figures for a month, a quarter or a year, written once by the
worker as a PDF and an XLSX workbook and kept, so the board's papers say the same thing every
time they are opened. Its figures are those its requester sees (their scope when it was
built), suppressed if they see no names; who may download it: homesafe.insight.packs_access.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PackKind(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be built"
    BUILDING = "building", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportPack(models.Model):
    """One pack of figures for a period (London dates, both included)."""

    kind = models.CharField(max_length=10, choices=PackKind.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    organisation = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The requester's organisation: whose insight users may download it.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    suppressed = models.BooleanField(
        default=False,
        help_text='Built for someone who sees no names: counts under 5 shown as "<5".',
    )
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent built.")
    pdf = models.BinaryField(blank=True, default=b"")
    xlsx = models.BinaryField(blank=True, default=b"")
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} pack {self.first_day} to {self.last_day}"

    def file_name(self, extension: str) -> str:
        """Dates and ids only: never a child's name."""
        return (
            f"homesafe-{self.kind}-pack-{self.first_day}-to-{self.last_day}-{self.pk}.{extension}"
        )


def _organisation_id_kept(**options) -> models.ForeignKey:
    """An organisation's id on a summary row: no constraint and no index of its own (the rows
    are rewritten from the records, never the way to an organisation)."""
    return models.ForeignKey(
        "access.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
        **options,
    )


class EpisodeFacts(models.Model):
    """One narrow row per episode (none recorded in error) with what the figures read: the
    summary the dashboard, `homesafe kpis` and the packs count (docs/insight.md, "At national
    scale"). Kept by the worker (homesafe.insight.facts: refreshed for the children whose duties
    were re-planned, rebuilt whole by `homesafe rebuild_episode_facts`); the same figures counted
    from the records themselves (homesafe.insight.figures.period_episodes) are held equal to these
    by tests/insight/test_facts.py. Field names are the episode's where they mean the same, so a
    breakdown reads either."""

    episode = models.OneToOneField(
        "episodes.MissingEpisode", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    child = models.ForeignKey(
        "people.Child", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    responsible_la = _organisation_id_kept(
        help_text="The child's (now): a whole authority's rows side by side in an index."
    )
    reported_at = models.DateTimeField()
    report_day = models.DateField(help_text="The London day of the report.")
    episode_type = models.CharField(max_length=1)
    last_seen_at = models.DateTimeField(null=True)
    returned_at = models.DateTimeField(null=True)
    found_by = models.CharField(max_length=20, blank=True)
    exploitation_concern = models.BooleanField(default=False)
    trafficking_concern = models.BooleanField(default=False)
    first_grade = models.CharField(max_length=20, null=True, help_text="None: never graded.")  # noqa: DJ001 (as figures.RISK_FIGURES read it)
    rhi_offered = models.BooleanField(default=False)
    rhi_offered_in_time = models.BooleanField(
        default=False, help_text="Offered no later than its rhi_offer duty's due time."
    )
    rhi_status = models.CharField(max_length=20, blank=True)
    rhi_provider = _organisation_id_kept()
    strategy_meeting_due = models.BooleanField(
        default=False, help_text="A strategy_meeting duty not found unneeded."
    )
    strategy_meeting_in_time = models.BooleanField(default=False)
    cohort = models.CharField(max_length=20, help_text="On the report's day; not_known: none.")
    age = models.SmallIntegerField(null=True, help_text="Whole years on the report's day.")
    placement_type = models.CharField(max_length=30, blank=True, help_text="On the report's day.")
    placing_la = _organisation_id_kept()
    host_la = _organisation_id_kept()

    class Meta:
        indexes = [
            models.Index(fields=["report_day"], name="insight_facts_day"),
            # An authority's children's rows of a period, from the index alone.
            models.Index(
                fields=["responsible_la", "report_day", "episode"], name="insight_facts_la_day"
            ),
            # A person's children's rows of a period, and their months, from the index alone.
            models.Index(fields=["child", "report_day", "episode"], name="insight_facts_child_day"),
        ]

    def __str__(self) -> str:
        return f"Facts of episode {self.episode_id}"
