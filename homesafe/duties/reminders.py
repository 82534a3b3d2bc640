"""The sweep: reminders for duties due soon and overdue, each sent once to each owner.

A reminder is first reserved (a row with a unique constraint on duty, person, kind and the
duty's due time), committed, then sent and marked sent. A sweep that dies part way leaves
pending rows that the next sweep sends; a reserved row is never reserved twice, so nobody is
reminded twice of the same thing, however often the worker restarts.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from homesafe.duties.choices import DutyEventKind, DutyState, ReminderKind, ReminderState
from homesafe.duties.models import Duty, DutyEvent, Reminder
from homesafe.duties.owners import owners_of
from homesafe.duties.protocol import protocol_current

logger = logging.getLogger(__name__)

SUBJECTS = {
    ReminderKind.DUE_SOON: "HomeSafe: a duty is due soon",
    ReminderKind.OVERDUE: "HomeSafe: a duty is overdue",
}


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
    kind of owner). Returns the rows reserved."""
    reserved = 0
    owners_cache: dict[tuple, list] = {}
    for duties, kind in _due(now, lead):
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
                created = Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
            reserved += len(created)
    return reserved


def _send_pending(now: datetime, batch: int) -> int:
    sent = 0
    while True:
        pending = list(
            Reminder.objects.filter(state=ReminderState.PENDING)
            .select_related("recipient", "duty")
            .order_by("pk")[:batch]
        )
        if not pending:
            return sent
        for reminder in pending:
            link = settings.HOMESAFE_BASE_URL + reverse("duties:detail", args=[reminder.duty_id])
            # No child's name or other personal data in the e-mail: the link leads to HomeSafe,
            # where the access policy applies.
            body = (
                f"{reminder.duty.label} is {reminder.get_kind_display().lower()} "
                f"(due {timezone.localtime(reminder.due_at):%d/%m/%Y %H:%M}).\n\n"
                f"Open it in HomeSafe: {link}\n"
            )
            if reminder.recipient.email:
                EmailMessage(
                    SUBJECTS[reminder.kind],
                    body,
                    to=[reminder.recipient.email],
                ).send()
            with transaction.atomic():
                Reminder.objects.filter(pk=reminder.pk).update(
                    state=ReminderState.SENT, sent_at=now
                )
                DutyEvent.objects.create(
                    duty_id=reminder.duty_id,
                    kind=DutyEventKind.REMINDED,
                    about_user_id=reminder.recipient_id,
                    detail=reminder.get_kind_display(),
                )
            sent += 1


def duties_sweep(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Find what is due soon or overdue and remind each owner once."""
    now = now or timezone.now()
    _, protocol = protocol_current()
    lead = timedelta(hours=protocol.reminder_lead_hours)
    from homesafe.duties.telling import duties_tell_due

    with transaction.atomic():
        told = duties_tell_due(now=now)  # alerts and escalations now due
    reserved = _reserve(now, lead, batch)
    sent = _send_pending(now, batch)
    logger.info("duties sweep: %s told, %s reminders reserved, %s sent", told, reserved, sent)
    return {"told": told, "reserved": reserved, "sent": sent}
