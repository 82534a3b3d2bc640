"""Telling: HomeSafe tells a notification's or alert's told party itself when it can.

When the party told by a duty (`Duty.tells_role`, resolved to `told_user` or
`told_organisation`/`told_team`) has HomeSafe users, each of them gets an in-app notice to
acknowledge (My work names the child; the e-mail that says a notice is waiting never does), and
the duty is done by that: the one who had to tell has nothing left to do. The notifications of a
report are told as soon as they are planned; alerts and escalations by how long the child has
been missing are told when they fall due (a senior leader is not alerted before the 24 hours).

When the told party has no users (a host council or a school not yet on HomeSafe, an IRO known
only by e-mail), the duty stays open with its owner, who tells them from outside HomeSafe.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import User
from homesafe.bulk import BulkInsert
from homesafe.bulk_reads import ids_in
from homesafe.duties.choices import DutyEventKind, DutyState
from homesafe.duties.models import Duty, DutyEvent, Notice
from homesafe.duties.owners import people_told_by_party
from homesafe.protocol.facts import DutyKind
from homesafe.use_cases import use_case

# Told when due, not when planned: these depend on the child still being missing by then.
TELL_WHEN_DUE = frozenset(
    {
        DutyKind.SENIOR_LEADER_ALERT,
        DutyKind.ESCALATE_TEAM_MANAGER,
        DutyKind.ESCALATE_SERVICE_MANAGER,
        DutyKind.ESCALATE_HEAD_OF_SERVICE,
    }
)
NOT_YOUR_NOTICE = "This notice is not yours."


def _told_note(people: list[int]) -> str:
    return f"Told in HomeSafe: {len(people)} {'person' if len(people) == 1 else 'people'}."


def tell_due_on_creation(duties: list[dict], *, now: datetime) -> list[tuple[int, list[int]]]:
    """Of new duties' values (a re-plan's, before they are written), those that
    duties_tell_due would tell at once: made done here as it makes them (state, closing time
    and note, told_at), so they are written once rather than written open and updated.
    Returns (index in `duties`, the people told) of each, for told_on_creation to write their
    notices and events once the duties have ids (tests/duties/test_replan_batch.py holds the
    two ways equal)."""
    due = [
        (i, (values["tells_role"], values["told_user_id"], values["told_organisation_id"],
             values["told_team_id"]))
        for i, values in enumerate(duties)
        if values["state"] == DutyState.OPEN
        and values["tells_role"]
        and not values["needs_owner"]
        and (values["kind"] not in TELL_WHEN_DUE or values["due_at"] <= now)
    ]  # fmt: skip
    if not due:
        return []
    people_of = people_told_by_party(party for _, party in due)
    told = []
    for i, party in due:
        people = people_of[party]
        if not people:
            continue  # no users: the owner tells them from outside HomeSafe
        duties[i].update(
            state=DutyState.DONE, closed_at=now, told_at=now, closing_note=_told_note(people)
        )
        told.append((i, people))
    return told


def told_on_creation(
    told: list[tuple[int, list[int]]], duty_ids: list[int], *, now: datetime
) -> None:
    """The notices and "told" events of the duties tell_due_on_creation told (their ids in the
    order of its `duties`), as duties_tell_due writes them."""
    notices: list[dict] = []
    events: list[dict] = []
    for i, people in told:
        pk = duty_ids[i]
        for person in people:
            notices.append({"duty_id": pk, "recipient_id": person, "created_at": now})
            events.append(
                {
                    "duty_id": pk,
                    "kind": DutyEventKind.TOLD,
                    "about_user_id": person,
                    "actor_id": None,
                    "detail": "",
                    "at": now,
                }
            )
    bulk = BulkInsert()
    bulk.insert(Notice, notices, now=now, ids=False, grouped=True)
    bulk.insert(DutyEvent, events, now=now, ids=False, grouped=True)


def duties_tell_due(*, now: datetime | None = None, child_ids: Iterable[int] | None = None) -> int:
    """Tell, in HomeSafe, every told party with users whose notification is due to be told:
    a notice for each of its people, and the duty done. Returns the duties told. Runs inside
    the caller's transaction (a re-plan, or the sweep)."""
    now = now or timezone.now()
    duties = (
        Duty.objects.filter(state=DutyState.OPEN, told_at__isnull=True, needs_owner="")
        .exclude(tells_role="")
        .filter(~Q(kind__in=TELL_WHEN_DUE) | Q(due_at__lte=now))
    )
    if child_ids is not None:
        duties = duties.filter(child_id__in=ids_in(child_ids))
    rows = list(
        duties.order_by("pk").values_list(
            "pk", "tells_role", "told_user_id", "told_organisation_id", "told_team_id"
        )
    )
    people_of = people_told_by_party(row[1:] for row in rows)
    told: list[tuple[int, str]] = []  # (duty id, closing note)
    notices: list[dict] = []
    events: list[dict] = []
    for pk, *party in rows:
        people = people_of[tuple(party)]
        if not people:
            continue  # no users: the owner tells them from outside HomeSafe
        told.append((pk, _told_note(people)))
        for person in people:
            notices.append({"duty_id": pk, "recipient_id": person, "created_at": now})
            events.append(
                {
                    "duty_id": pk,
                    "kind": DutyEventKind.TOLD,
                    "about_user_id": person,
                    "actor_id": None,
                    "detail": "",
                    "at": now,
                }
            )
    if not told:
        return 0
    # One UPDATE for each closing note (each number of people told), not a CASE for each duty.
    by_note: dict[str, list[int]] = {}
    for pk, note in told:
        by_note.setdefault(note, []).append(pk)
    for note, ids in by_note.items():
        Duty.objects.filter(pk__in=ids_in(ids)).update(
            state=DutyState.DONE, closed_at=now, told_at=now, closing_note=note
        )
    bulk = BulkInsert()
    bulk.insert(Notice, notices, now=now, ids=False, grouped=True)
    bulk.insert(DutyEvent, events, now=now, ids=False, grouped=True)
    return len(told)


def notices_unacknowledged(*, user: User) -> list[Notice]:
    """My notices still to acknowledge, newest first (My work shows them, naming the child)."""
    return list(
        Notice.objects.filter(recipient=user, acknowledged_at__isnull=True)
        .select_related("duty__child", "duty__episode", "duty__owner_organisation")
        .order_by("-created_at", "-pk")[:100]
    )


@use_case
def notice_acknowledge(*, notice: Notice, actor: User) -> Notice:
    """The told person says they have read the notice: recorded on the duty's history."""
    notice = Notice.objects.select_for_update().select_related("duty").get(pk=notice.pk)
    if notice.recipient_id != actor.pk:
        raise ApplicationError(NOT_YOUR_NOTICE, code="not_your_notice")
    if notice.acknowledged_at is not None:
        return notice
    notice.acknowledged_at = timezone.now()
    notice.save(update_fields=["acknowledged_at"])
    DutyEvent.objects.create(
        duty_id=notice.duty_id, kind=DutyEventKind.ACKNOWLEDGED, actor=actor, about_user=actor
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.NOTICE_ACKNOWLEDGED,
        target=notice.duty,
        payload={"kind": notice.duty.kind, "notice_id": notice.pk},
    )
    return notice
