"""The worker's sweep: reminders reserved (duties), then e-mailed as people chose.

Every five minutes (homesafe/schedules.py):
1. `duties_sweep` reserves a reminder for each owner of each duty newly due soon or overdue; it
   shows in the app at once.
2. Each reminder still owed an e-mail is settled, per person:
   - history (overdue by more than HISTORY_AFTER when the duty was planned: years of records
     loaded at once, the demo) and reminders to a person with no e-mail are never e-mailed;
   - an alert (IMMEDIATE_KINDS) goes in this sweep's e-mail;
   - anything else waits for the person's next digest time, or is never e-mailed if they chose
     in-app only.
   A person's e-mail is reserved first: a row unique per person, kind and slot (the digest time,
   or the sweep's time for alerts), with its reminders (each in one e-mail at most), committed.
   So a person gets at most one e-mail a sweep, and one digest a slot, however many duties.
   A told person's notices (homesafe.duties.telling) ride the same way: in their digest, or in
   this sweep's e-mail for a high-risk or senior leadership alert; the e-mail says they have
   been told, and names no child.
3. Each reserved e-mail is sent, then marked sent. A sweep that dies part way leaves reserved
   e-mails that the next sweep sends; nothing reserved is ever reserved again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from itertools import batched

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from homesafe.access.models import User
from homesafe.duties.choices import ReminderKind, ReminderState
from homesafe.duties.models import Notice, Reminder
from homesafe.duties.protocol import protocol_current
from homesafe.duties.reminders import duties_sweep
from homesafe.protocol.calendar import WorkingCalendar
from homesafe.reminders.choices import IMMEDIATE_KINDS, ReminderEmailKind, ReminderEmailState
from homesafe.reminders.emails import email_compose
from homesafe.reminders.models import (
    ReminderEmail,
    ReminderEmailItem,
    ReminderEmailNotice,
    ReminderPreference,
)
from homesafe.reminders.queries import reminder_preference_default
from homesafe.reminders.schedule import digest_slot_at_or_before

logger = logging.getLogger(__name__)

# A digest at a given time holds the reminders reserved by then, and by the sweep that runs at
# that time (every five minutes, so a little after it); later ones wait for the next digest.
DIGEST_GRACE = timedelta(minutes=10)
# An overdue reminder of a duty that was already this overdue when it was planned is history
# (an import of past records, the demo's years): shown in HomeSafe, never e-mailed.
HISTORY_AFTER = timedelta(hours=24)
PEOPLE_PER_BATCH = 200


def _is_history(reminder: Reminder) -> bool:
    return (
        reminder.kind == ReminderKind.OVERDUE
        and reminder.due_at < reminder.duty.planned_at - HISTORY_AFTER
    )


def _notice_is_history(notice: Notice) -> bool:
    """Told of something long past (a re-plan of old records): shown in HomeSafe only."""
    return notice.duty.due_at < notice.created_at - HISTORY_AFTER


def _reserve_email(
    *,
    person: User,
    kind: str,
    slot_at: datetime,
    reminders: list[Reminder],
    now: datetime,
    notices: list[Notice] = (),
) -> bool:
    """Reserve one e-mail with its reminders and notices; False if this person already has it."""
    try:
        with transaction.atomic():
            email = ReminderEmail.objects.create(
                recipient=person, kind=kind, slot_at=slot_at, created_at=now
            )
            ReminderEmailItem.objects.bulk_create(
                [ReminderEmailItem(email=email, reminder=r) for r in reminders]
            )
            ReminderEmailNotice.objects.bulk_create(
                [ReminderEmailNotice(email=email, notice=n) for n in notices]
            )
    except IntegrityError:  # a concurrent sweep reserved it, or took one of the reminders
        return False
    return True


def _gather_for(
    person: User,
    reminders: list[Reminder],
    preference: ReminderPreference,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    notices: list[Notice] = (),
) -> tuple[int, int]:
    """Settle what is never e-mailed; reserve this sweep's e-mail, if one is owed. Returns
    (reminders settled, e-mails reserved)."""
    never, alerts, routine = [], [], []
    never_told, told_now, told_later = [], [], []
    for notice in notices:
        if _notice_is_history(notice) or not (person.email and person.is_active):
            never_told.append(notice.pk)
        elif notice.duty.kind in IMMEDIATE_KINDS:
            told_now.append(notice)
        elif preference.wants_email:
            told_later.append(notice)
        else:
            never_told.append(notice.pk)
    if never_told:
        Notice.objects.filter(pk__in=never_told, emailed_at__isnull=True).update(emailed_at=now)
    for reminder in reminders:
        if _is_history(reminder) or not (person.email and person.is_active):
            never.append(reminder.pk)
        elif reminder.duty.kind in IMMEDIATE_KINDS:
            alerts.append(reminder)
        elif preference.wants_email:
            routine.append(reminder)
        else:
            never.append(reminder.pk)
    if never:
        Reminder.objects.filter(pk__in=never, state=ReminderState.PENDING).update(
            state=ReminderState.SENT
        )
    slot = digest_slot_at_or_before(
        now,
        times=preference.times,
        working_days_only=preference.working_days_only,
        calendar=calendar,
    )
    digest = [r for r in routine if slot is not None and r.created_at <= slot + DIGEST_GRACE]
    told_digest = [
        n for n in told_later if slot is not None and n.created_at <= slot + DIGEST_GRACE
    ]
    reserved = 0
    if (digest or told_digest) and _reserve_email(
        person=person,
        kind=ReminderEmailKind.DIGEST,
        slot_at=slot,
        reminders=digest + alerts,
        notices=told_digest + told_now,
        now=now,
    ):
        reserved, alerts, told_now = 1, [], []
    if alerts or told_now:
        reserved += _reserve_email(
            person=person,
            kind=ReminderEmailKind.ALERTS,
            slot_at=now,
            reminders=alerts,
            notices=told_now,
            now=now,
        )
    return len(never), reserved


def _people_to_settle(now: datetime, waiting, calendar: WorkingCalendar) -> list[int]:
    """The people with something to do in this sweep: a digest due that they have not had,
    an alert, or reminders never to be e-mailed. The rest wait, at the cost of two grouped
    queries (every five minutes, with thousands of reminders waiting for the morning)."""
    firsts = dict(
        waiting.order_by()
        .values("recipient_id")
        .annotate(first=Min("created_at"))
        .values_list("recipient_id", "first")
    )
    for person_id, first in (
        _notices_waiting()
        .order_by()
        .values("recipient_id")
        .annotate(first=Min("created_at"))
        .values_list("recipient_id", "first")
    ):
        firsts[person_id] = min(first, firsts.get(person_id, first))
    users = User.objects.only("pk", "email", "is_active").in_bulk(firsts)
    preferences = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=firsts)}
    due: set[int] = set()
    slots: dict[int, datetime] = {}
    for person_id, first in firsts.items():
        person = users[person_id]
        preference = preferences.get(person_id) or reminder_preference_default(user=person)
        if not (preference.wants_email and person.email and person.is_active):
            due.add(person_id)  # everything they have waiting is settled, alerts e-mailed
            continue
        slot = digest_slot_at_or_before(
            now,
            times=preference.times,
            working_days_only=preference.working_days_only,
            calendar=calendar,
        )
        if slot is not None and first <= slot + DIGEST_GRACE:
            slots[person_id] = slot
    had = set(
        ReminderEmail.objects.filter(
            kind=ReminderEmailKind.DIGEST,
            recipient_id__in=slots,
            slot_at__in=set(slots.values()),
        ).values_list("recipient_id", "slot_at")
    )
    due |= {person_id for person_id, slot in slots.items() if (person_id, slot) not in had}
    due |= set(
        _notices_waiting()
        .filter(duty__kind__in=IMMEDIATE_KINDS)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    due |= set(
        waiting.filter(
            Q(duty__kind__in=IMMEDIATE_KINDS)
            | Q(kind=ReminderKind.OVERDUE, due_at__lt=F("duty__planned_at") - HISTORY_AFTER)
        )
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sorted(due)


def _notices_waiting():
    """Notices whose e-mail is neither sent nor settled, and in no e-mail yet."""
    return Notice.objects.filter(emailed_at__isnull=True, email_item__isnull=True)


def _gather(now: datetime) -> tuple[int, int]:
    """Per person with something to do, the reminders owed an e-mail and in none yet: settle
    or reserve."""
    _, protocol = protocol_current()
    waiting = Reminder.objects.filter(state=ReminderState.PENDING, email_item__isnull=True)
    people = _people_to_settle(now, waiting, protocol.calendar)
    settled = reserved = 0
    for chunk in batched(people, PEOPLE_PER_BATCH):
        users = User.objects.in_bulk(chunk)
        preferences = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=chunk)}
        by_person: dict[int, list[Reminder]] = {}
        for reminder in (
            waiting.filter(recipient_id__in=chunk)
            .select_related("duty")
            .only(
                "pk",
                "recipient_id",
                "kind",
                "due_at",
                "created_at",
                "duty__kind",
                "duty__planned_at",
            )
            .order_by("pk")
        ):
            by_person.setdefault(reminder.recipient_id, []).append(reminder)
        notices_by_person: dict[int, list[Notice]] = {}
        for notice in (
            _notices_waiting()
            .filter(recipient_id__in=chunk)
            .select_related("duty")
            .only("pk", "recipient_id", "created_at", "duty__kind", "duty__due_at")
            .order_by("pk")
        ):
            notices_by_person.setdefault(notice.recipient_id, []).append(notice)
        for person_id in sorted(set(by_person) | set(notices_by_person)):
            person = users[person_id]
            preference = preferences.get(person_id) or reminder_preference_default(user=person)
            s, r = _gather_for(
                person,
                by_person.get(person_id, []),
                preference,
                now=now,
                calendar=protocol.calendar,
                notices=notices_by_person.get(person_id, []),
            )
            settled, reserved = settled + s, reserved + r
    return settled, reserved


def _send_reserved(now: datetime, batch: int) -> int:
    """Send each reserved e-mail, then mark it and its reminders sent."""
    sent = 0
    while True:
        emails = list(
            ReminderEmail.objects.filter(state=ReminderEmailState.PENDING)
            .select_related("recipient")
            .order_by("pk")[:batch]
        )
        if not emails:
            return sent
        reminders: dict[int, list[Reminder]] = {}
        for item in ReminderEmailItem.objects.filter(email__in=emails).select_related(
            "reminder__duty"
        ):
            reminders.setdefault(item.email_id, []).append(item.reminder)
        notices: dict[int, list[Notice]] = {}
        for item in ReminderEmailNotice.objects.filter(email__in=emails).select_related(
            "notice__duty"
        ):
            notices.setdefault(item.email_id, []).append(item.notice)
        preferences = {
            p.user_id: p
            for p in ReminderPreference.objects.filter(user_id__in={e.recipient_id for e in emails})
        }
        for email in emails:
            preference = preferences.get(email.recipient_id) or reminder_preference_default(
                user=email.recipient
            )
            composed = email_compose(
                email=email,
                reminders=reminders.get(email.pk, []),
                preference=preference,
                now=now,
                notices=notices.get(email.pk, []),
            )
            if composed is not None:
                EmailMessage(composed.subject, composed.body, to=[email.recipient.email]).send()
            with transaction.atomic():
                ReminderEmail.objects.filter(pk=email.pk).update(
                    state=ReminderEmailState.SENT if composed else ReminderEmailState.NOT_NEEDED,
                    sent_at=now if composed else None,
                )
                Reminder.objects.filter(email_item__email=email).update(
                    state=ReminderState.SENT, sent_at=now if composed else None
                )
                Notice.objects.filter(email_item__email=email).update(emailed_at=now)
            sent += composed is not None


def reminders_sweep(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Reserve what is due soon or overdue (in-app at once), then e-mail as each person chose."""
    now = now or timezone.now()
    reserved = duties_sweep(now=now, batch=batch)["reserved"]
    settled, emails = _gather(now)
    sent = _send_reserved(now, batch)
    logger.info(
        "reminders sweep: %s reminders reserved, %s in-app only, %s e-mails reserved, %s sent",
        reserved,
        settled,
        emails,
        sent,
    )
    return {"reserved": reserved, "in_app_only": settled, "emails": emails, "sent": sent}
