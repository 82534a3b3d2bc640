"""Reminders are reserved here: one per duty, owner, kind and due time, for duties due soon
and overdue.

A reminder is a row with a unique constraint on duty, person, kind and the duty's due time, so
a duty is never reminded twice of the same thing, however often the worker restarts. A reserved
reminder shows in the app at once (My work, naming the child) and the duty's history records it.
Whether and when it is e-mailed is the reminders app's business (homesafe/reminders/sweep.py:
one digest per person at the times they chose, at once for alerts); until then it is pending.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from homesafe.duties.choices import DutyEventKind, DutyState, ReminderKind
from homesafe.duties.models import Duty, DutyEvent, Reminder
from homesafe.duties.owners import owners_of
from homesafe.duties.protocol import protocol_current

logger = logging.getLogger(__name__)


def _due(now: datetime, lead: timedelta):
    """Open duties that need a reminder they have not had: (queryset, reminder kind) pairs."""

    def without(kind: str):
        return ~Exists(
            Reminder.objects.filter(duty=OuterRef("pk"), kind=kind, due_at=OuterRef("due_at"))
        )

    open_duties = Duty.objects.filter(state=DutyState.OPEN)
    return [
        (
            open_duties.filter(due_at__lte=now).filter(without(ReminderKind.OVERDUE)),
            ReminderKind.OVERDUE,
        ),
        (
            open_duties.filter(due_at__gt=now, due_at__lte=now + lead).filter(
                without(ReminderKind.DUE_SOON)
            ),
            ReminderKind.DUE_SOON,
        ),
    ]


def _reserve(now: datetime, lead: timedelta, batch: int) -> int:
    """Reserve the reminders owed, a batch at a time (keyset pages, owners looked up once per
    kind of owner), each page with its history entries in one transaction. Returns the rows
    reserved."""
    reserved = 0
    owners_cache: dict[tuple, list] = {}
    for duties, kind in _due(now, lead):
        label = ReminderKind(kind).label
        last_pk = 0
        while True:
            page = list(
                duties.filter(pk__gt=last_pk)
                .select_related("owner_user", "owner_team")
                .order_by("pk")[:batch]
            )
            if not page:
                break
            last_pk = page[-1].pk
            rows = []
            for duty in page:
                key = (
                    duty.owner_user_id,
                    duty.owner_role,
                    duty.owner_organisation_id,
                    duty.owner_team_id,
                )
                if key not in owners_cache:
                    owners_cache[key] = owners_of(duty)
                rows += [
                    Reminder(
                        duty=duty, recipient=person, kind=kind, due_at=duty.due_at, created_at=now
                    )
                    for person in owners_cache[key]
                ]
            with transaction.atomic():
                Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
                # The rows this sweep made (a concurrent sweep's conflicting rows are skipped
                # above and carry another time): each is in the duty's history.
                made = Reminder.objects.filter(
                    duty_id__in=[duty.pk for duty in page], kind=kind, created_at=now
                ).values_list("duty_id", "recipient_id")
                events = [
                    DutyEvent(
                        duty_id=duty_id,
                        kind=DutyEventKind.REMINDED,
                        at=now,
                        about_user_id=recipient_id,
                        detail=label,
                    )
                    for duty_id, recipient_id in made
                ]
                DutyEvent.objects.bulk_create(events, batch_size=1000)
            reserved += len(events)
    return reserved


def duties_sweep(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Tell what is now due to be told (telling.py), then reserve a reminder for each owner of
    each duty newly due soon or overdue (shown in the app at once). E-mail is sent by
    homesafe.reminders.sweep.reminders_sweep, which calls this."""
    now = now or timezone.now()
    _, protocol = protocol_current()
    lead = timedelta(hours=protocol.reminder_lead_hours)
    from homesafe.duties.telling import duties_tell_due

    with transaction.atomic():
        told = duties_tell_due(now=now)  # alerts and escalations now due
    reserved = _reserve(now, lead, batch)
    logger.info("duties sweep: %s told, %s reminders reserved", told, reserved)
    return {"told": told, "reserved": reserved}
