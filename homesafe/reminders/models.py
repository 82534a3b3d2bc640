from django.conf import settings
from django.db import models
from django.utils import timezone

from homesafe.constraints import ChecksInOneQuery
from homesafe.reminders.choices import (
    DEFAULT_DIGEST_DAYS,
    DigestDays,
    DigestTime,
    ReminderEmailKind,
    ReminderEmailState,
)


def _default_times() -> list[str]:
    return [DigestTime.AT_0800.value]


class ReminderPreference(ChecksInOneQuery, models.Model):
    """When a person wants their reminder e-mails: digest times of day, or none (in-app only)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    digest_times = models.JSONField(
        default=_default_times,
        help_text='Times of day (Europe/London, "HH:MM") for the digest; empty: no e-mail.',
    )
    digest_days = models.CharField(
        max_length=20, choices=DigestDays.choices, default=DEFAULT_DIGEST_DAYS
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_days__in=DigestDays.values),
                name="reminder_preference_days_known",
                violation_error_message="Choose working days or every day.",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder e-mails of {self.user}"

    @property
    def times(self) -> list[str]:
        """The chosen digest times, in the day's order, known ones only."""
        return sorted(t for t in self.digest_times if t in DigestTime.values)

    @property
    def wants_email(self) -> bool:
        return bool(self.times)

    @property
    def working_days_only(self) -> bool:
        return self.digest_days == DigestDays.WORKING_DAYS

    def describe(self) -> str:
        """In words, for the person's page and the administration's."""
        if not self.wants_email:
            return "No e-mail: reminders in HomeSafe only (alerts are still e-mailed)"
        times = self.times
        at = times[0] if len(times) == 1 else ", ".join(times[:-1]) + " and " + times[-1]
        days = "on working days" if self.working_days_only else "every day"
        return f"A digest at {at} {days}"


class ReminderEmail(ChecksInOneQuery, models.Model):
    """One e-mail to one person: their digest for one slot, or the alerts of one sweep.

    Reserved (unique per person, kind and slot) with its reminders before it is sent, then
    marked sent: a sweep that dies part way sends it at the next sweep, never twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminder_emails"
    )
    kind = models.CharField(max_length=10, choices=ReminderEmailKind.choices)
    slot_at = models.DateTimeField(
        help_text="The digest time this e-mail is for, or the sweep's time for alerts."
    )
    state = models.CharField(
        max_length=10, choices=ReminderEmailState.choices, default=ReminderEmailState.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-slot_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "slot_at"],
                name="reminder_email_once_per_slot",
                violation_error_message="This person already has this e-mail for this time.",
            ),
            models.CheckConstraint(
                condition=models.Q(state=ReminderEmailState.SENT, sent_at__isnull=False)
                | (~models.Q(state=ReminderEmailState.SENT) & models.Q(sent_at__isnull=True)),
                name="reminder_email_sent_iff_sent_at",
                violation_error_message="A sent e-mail has a sending time; no other has one.",
            ),
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient} at {self.slot_at:%d/%m/%Y %H:%M}"


class ReminderEmailItem(models.Model):
    """A reminder in an e-mail: a reminder is in one e-mail at most."""

    email = models.ForeignKey(ReminderEmail, on_delete=models.CASCADE, related_name="items")
    reminder = models.OneToOneField(
        "duties.Reminder", on_delete=models.CASCADE, related_name="email_item"
    )

    def __str__(self) -> str:
        return f"Reminder {self.reminder_id} in e-mail {self.email_id}"


class ReminderEmailNotice(models.Model):
    """A told person's notice in an e-mail (the e-mail says they have been told; it names no
    child): a notice is in one e-mail at most."""

    email = models.ForeignKey(ReminderEmail, on_delete=models.CASCADE, related_name="notices")
    notice = models.OneToOneField(
        "duties.Notice", on_delete=models.CASCADE, related_name="email_item"
    )

    def __str__(self) -> str:
        return f"Notice {self.notice_id} in e-mail {self.email_id}"
