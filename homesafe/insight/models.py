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
