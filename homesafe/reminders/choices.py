from django.db import models

from homesafe.protocol.facts import DutyKind


class DigestTime(models.TextChoices):
    """The times of day (Europe/London) a person can have their digest e-mail."""

    AT_0800 = "08:00", "08:00"
    AT_1200 = "12:00", "12:00"
    AT_1600 = "16:00", "16:00"


class DigestDays(models.TextChoices):
    WORKING_DAYS = "working_days", "Working days (not weekends or bank holidays)"
    EVERY_DAY = "every_day", "Every day"


class ReminderEmailKind(models.TextChoices):
    DIGEST = "digest", "Digest"
    ALERTS = "alerts", "Alerts"


class ReminderEmailState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    NOT_NEEDED = "not_needed", "Not needed: every duty in it was closed before it went"


# What a person gets when they have not chosen: one digest at 08:00 on working days.
DEFAULT_DIGEST_TIMES = (DigestTime.AT_0800.value,)
DEFAULT_DIGEST_DAYS = DigestDays.WORKING_DAYS

# Reminders of these duties are e-mailed at once, whatever a person chose for their digest.
IMMEDIATE_KINDS = frozenset({DutyKind.HIGH_RISK_ALERT.value, DutyKind.SENIOR_LEADER_ALERT.value})
