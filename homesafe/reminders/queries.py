"""Reads of reminder preferences and e-mails: a person's own, or any for the administration
(preferences name no child)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from homesafe.access.models import User
from homesafe.duties.protocol import protocol_current
from homesafe.reminders.choices import DEFAULT_DIGEST_DAYS, DEFAULT_DIGEST_TIMES
from homesafe.reminders.models import ReminderPreference
from homesafe.reminders.schedule import digest_slot_after


def reminder_preference_for(*, user: User) -> ReminderPreference:
    """The person's choice, or the default (unsaved): a digest at 08:00 on working days."""
    return ReminderPreference.objects.filter(user=user).first() or reminder_preference_default(
        user=user
    )


def reminder_preference_default(*, user: User) -> ReminderPreference:
    """What a person who has not chosen gets (unsaved)."""
    return ReminderPreference(
        user=user, digest_times=list(DEFAULT_DIGEST_TIMES), digest_days=DEFAULT_DIGEST_DAYS
    )


def reminder_next_digest_at(
    *, preference: ReminderPreference, now: datetime | None = None
) -> datetime | None:
    """When this person's next digest is due (if there is anything to put in it)."""
    _, protocol = protocol_current()
    return digest_slot_after(
        now or timezone.now(),
        times=preference.times,
        working_days_only=preference.working_days_only,
        calendar=protocol.calendar,
    )
