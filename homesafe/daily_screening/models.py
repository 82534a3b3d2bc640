"""The missing coordinator's screening decisions on police notifications (docs/daily-screening.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homesafe.constraints import ChecksInOneQuery
from homesafe.daily_screening.choices import NotificationKind, ScreeningOutcome


class ScreeningDecision(ChecksInOneQuery, models.Model):
    """A decision on one notification of an episode; a new decision supersedes, never overwrites."""

    episode = models.ForeignKey(
        "episodes.MissingEpisode",
        on_delete=models.PROTECT,
        related_name="screening_decisions",
        db_index=False,  # the (episode, notification, decided_at) index serves it
    )
    notification = models.CharField(max_length=20, choices=NotificationKind.choices)
    decision = models.CharField(max_length=30, choices=ScreeningOutcome.choices)
    note = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a later decision on the same notification replaced it.",
    )

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "notification"],
                condition=Q(superseded_at__isnull=True),
                name="screeningdecision_one_current",
                violation_error_message="This notification already has a current decision.",
            ),
            models.CheckConstraint(
                condition=~Q(decision=ScreeningOutcome.OTHER, note=""),
                name="screeningdecision_other_has_note",
                violation_error_message="Say what was decided: 'other' needs a note.",
            ),
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True)
                | Q(superseded_at__gte=models.F("decided_at")),
                name="screeningdecision_superseded_after_decided",
                violation_error_message="A decision is superseded after it was made.",
            ),
        ]
        indexes = [models.Index(fields=["episode", "notification", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.get_notification_display()}: {self.get_decision_display()}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
