"""A person's choice of when they are e-mailed their reminders."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.reminders.choices import DigestDays, DigestTime
from homesafe.reminders.models import ReminderPreference
from homesafe.use_cases import use_case

TIMES_UNKNOWN = "Choose digest times from 08:00, 12:00 and 16:00."
DAYS_UNKNOWN = "Choose working days or every day."
NOT_YOURS = "You can change only your own reminder e-mails."


@use_case
def reminder_preference_set(
    *, user: User, digest_times: list[str], digest_days: str, actor: User
) -> ReminderPreference:
    """Save when `user` wants their digest e-mails (no times: in-app only). Only for oneself:
    an administrator sees the choice but does not make it."""
    if actor.pk != user.pk:
        raise ValidationError(NOT_YOURS)
    times = sorted(set(digest_times))
    if any(t not in DigestTime.values for t in times):
        raise ValidationError({"digest_times": TIMES_UNKNOWN})
    if digest_days not in DigestDays.values:
        raise ValidationError({"digest_days": DAYS_UNKNOWN})
    preference, _ = ReminderPreference.objects.update_or_create(
        user=user,
        defaults={"digest_times": times, "digest_days": digest_days, "updated_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.REMINDER_PREFERENCE_CHANGED,
        target=preference,
        payload={"digest_times": times, "digest_days": digest_days},
    )
    return preference
