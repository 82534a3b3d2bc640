"""Re-planning: the protocol engine's plan for a batch of children, stored idempotently.

Planning twice changes nothing; done duties stay done; open duties the protocol no longer calls
for are closed with the reason. A batch of any size is read in a fixed number of queries (the
children's facts from each app's `facts.py`, homesafe.duties.facts; their stored duties) and
written in bulk: new duties and every event by homesafe.bulk, changed duties by one UPDATE
statement run for each (executemany), those told in HomeSafe by homesafe.duties.telling.
bench/bench_duties_replan.py measures it against the engine alone.

A child whose re-plan reads what a re-plan of theirs that changed nothing read is not planned
again (`PlanFingerprint`): what is read is the child's facts, their stored duties, open and
closed, the protocol version, `plan_time_bounds` (what the engine reads of the time) and
HomeSafe's code, so any change of these (a fact, a duty a person closed or reassigned, new
settings, a birthday's notice beginning, a new release) plans the child again. The due
notifications of every child of the batch are told as before (duties_tell_due).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from functools import cache
from hashlib import blake2b
from operator import attrgetter
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

import homesafe
from homesafe.bulk import BulkInsert, cycle_collector_paused
from homesafe.bulk_reads import ids_in, rows_for_ids
from homesafe.duties.choices import DutyEventKind, DutyState
from homesafe.duties.events import DutiesReplanned
from homesafe.duties.facts import ChildCase, ClosedDuty, child_cases, closed_duties_by_episode
from homesafe.duties.models import Duty, DutyEvent, PlanFingerprint, ProtocolVersion
from homesafe.duties.owners import Party, resolve_owner, resolve_told
from homesafe.duties.protocol import protocols_in_force
from homesafe.episodes.models import MissingEpisode
from homesafe.people.facts import ChildRecord, NetworkEntry
from homesafe.people.models import Child
from homesafe.protocol.duties import plan_duties, plan_time_bounds
from homesafe.protocol.facts import (
    ChildFacts,
    DutyStatus,
    EpisodeFacts,
    OwnerRole,
    ScreeningFacts,
    SearchFacts,
)
from homesafe.use_cases import announce

NO_LONGER_NEEDED = "The protocol no longer calls for this duty: the child's record changed."
DONE_BY_RECORD = "The record shows this done."


@dataclass(slots=True)
class _StoredDuty:
    """A stored duty's columns that re-planning reads and may change (_STORED_COLUMNS)."""

    id: int
    child_id: int
    episode_id: int
    kind: str
    assigned_by_person: bool
    # What a re-plan compares (_COMPARED), in the order _planned_columns gives it.
    due_at: datetime
    owner_role: str
    tells_role: str
    told_organisation_id: int | None
    told_team_id: int | None
    told_user_id: int | None
    needs_owner: str
    owner_organisation_id: int
    owner_team_id: int | None
    owner_user_id: int | None
    rule: str
    reason: str
    protocol_version: str
    state: str
    closed_at: datetime | None
    closing_note: str


# The columns read of each stored duty; those after the first five re-planning may change (all
# of them written for each changed duty).
_STORED_COLUMNS = tuple(field.name for field in fields(_StoredDuty))
_CHANGED_COLUMNS = _STORED_COLUMNS[5:]
_DUE_AT, _CLOSED_AT = _CHANGED_COLUMNS.index("due_at"), _CHANGED_COLUMNS.index("closed_at")
_COMPARED = slice(5, _STORED_COLUMNS.index("state"))
_ASSIGNED_BY_PERSON = _STORED_COLUMNS.index("assigned_by_person")


def _told_columns(tells: OwnerRole | None, told: Party | None) -> tuple:
    """The Duty columns naming whom a notification tells (blank for any other duty), in the
    order of _StoredDuty: tells_role, told_organisation_id, told_team_id, told_user_id."""
    if tells is None or told is None or told.missing:
        return (str(tells) if tells else "", None, None, None)
    return (str(tells), told.organisation_id, told.team_id, told.user_id)


def _open_duties(child_ids: list[int]) -> dict[int, dict[tuple[int, str], tuple]]:
    """The children's open duties (rows of _STORED_COLUMNS) by child, then by (episode id,
    kind)."""
    stored: dict[int, dict[tuple[int, str], tuple]] = {}
    for row in rows_for_ids(
        lambda ids: (
            Duty.objects.filter(child_id__in=ids, state=DutyState.OPEN)
            .order_by()
            .values_list(*_STORED_COLUMNS)
        ),
        child_ids,
    ):
        stored.setdefault(row[1], {})[(row[2], row[3])] = row
    return stored


# The fields of the dataclasses a fingerprint reads, as tuples (pickled faster than the
# dataclasses); the mappings and sets are sorted apart.
_EPISODE = attrgetter(
    *(f.name for f in fields(EpisodeFacts) if f.name not in ("completed", "not_needed", "search"))
)
_SEARCH = attrgetter(*(field.name for field in fields(SearchFacts)))
_SCREENING = attrgetter(*(field.name for field in fields(ScreeningFacts)))
_CHILD = attrgetter(
    *(f.name for f in fields(ChildFacts) if f.name not in ("network", "screenings"))
)
_RECORD = attrgetter(*(field.name for field in fields(ChildRecord) if field.name != "network"))
_NETWORK_ENTRY = attrgetter(*(field.name for field in fields(NetworkEntry)))


def _routes_read(routes: list) -> bytes:
    """An authority's return interview rules as the owners are named from them (every column
    and the provider's name), pickled once a batch for _fingerprint."""
    return pickle.dumps(
        tuple(
            (
                tuple(field.value_from_object(route) for field in route._meta.concrete_fields),
                route.provider.name if route.provider_id else None,
            )
            for route in routes
        ),
        protocol=5,
    )


def _fingerprint(
    case: ChildCase,
    version: ProtocolVersion,
    routes: bytes,
    stored: dict[tuple[int, str], tuple],
    closed: dict[int, dict[str, ClosedDuty]],
) -> str:
    """A digest of everything a child's re-plan reads: their facts (but the time), what their
    duties' owners and told parties are named from, their open and closed duties, the protocol
    version, what the engine reads of the time (plan_time_bounds) and HomeSafe's code.

    Pickled (a third of repr's CPU), mappings and sets sorted: their order is the database's or
    the process's, not the child's. Values the pickle shares by identity in one read and not in
    another would only make two reads of the same differ: the child planned again, never
    skipped wrongly."""
    facts = case.facts
    child = facts.child
    record = case.record
    read = (
        _code_read(),
        version.version,
        version.duties_from,
        plan_time_bounds(facts),
        routes,
        _RECORD(record),
        tuple(map(_NETWORK_ENTRY, record.network)),
        sorted(case.police_forces.items()),
        _CHILD(child),
        tuple(map(_SCREENING, child.screenings)),
        sorted(map(str, child.network)),
        tuple(
            (
                _EPISODE(episode),
                _SEARCH(episode.search),
                sorted(episode.completed.items()),
                sorted(episode.not_needed.items()),
                # Which kinds are closed (a closed kind is never created again); when and
                # why they closed is read through `completed` and `not_needed` above.
                sorted(closed.get(int(episode.id), ())),
            )
            for episode in facts.episodes
        ),
        sorted(stored.values()),
    )
    return blake2b(pickle.dumps(read, protocol=5), digest_size=16).hexdigest()


def _fingerprints_write(unchanged: list[tuple[str, int]]) -> None:
    """Keep what the re-plans that changed nothing read: one statement whatever their number
    (a batch's queries are counted by tests). A fingerprint kept stays true whatever is written
    later: the same reads always plan the same, so one that was planned without a change never
    calls for one (what the engine reads of the time is part of the reads, and so is the code)."""
    quote = connection.ops.quote_name
    table = quote(PlanFingerprint._meta.db_table)
    child, fingerprint = quote("child_id"), quote("fingerprint")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({fingerprint}, {child}) VALUES (%s, %s) ON CONFLICT ({child}) "
            f"DO UPDATE SET {fingerprint} = excluded.{fingerprint}",
            unchanged,
        )


@cache
def _code_read() -> str:
    """A digest of HomeSafe's own code (its Python modules and the protocol's settings files):
    a fingerprint kept by another release of the engine or the re-plan is never trusted."""
    root = Path(homesafe.__file__).parent
    digest = blake2b(digest_size=16)
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.toml")]):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _update(duties: list[_StoredDuty]) -> None:
    """Write the changed duties: one UPDATE statement, run for each (executemany)."""
    if not duties:
        return
    ops, quote = connection.ops, connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(Duty._meta.db_table),
        ", ".join(f"{quote(column)} = %s" for column in _CHANGED_COLUMNS),
        quote("id"),
    )
    adapt = ops.adapt_datetimefield_value
    rows = []
    for duty in duties:
        row = [getattr(duty, column) for column in _CHANGED_COLUMNS]
        row[_DUE_AT], row[_CLOSED_AT] = adapt(row[_DUE_AT]), adapt(row[_CLOSED_AT])
        row.append(duty.id)
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def duties_replan(*, child_ids: Iterable[int], now: datetime | None = None) -> dict[str, int]:
    """Re-plan the duties of several children in a fixed number of queries per batch, then
    announce it (DutiesReplanned) in the same transaction."""
    child_ids = frozenset(child_ids)
    # A transaction of its own when the worker calls it; within a use case's, no savepoint (a
    # round trip each way on PostgreSQL): an error rolls the use case back, as it should.
    with transaction.atomic(savepoint=False):
        with cycle_collector_paused(collect_at_end=0):  # a batch's many small objects
            counts = _replan(child_ids=child_ids, now=now)
        announce(DutiesReplanned(child_ids=child_ids))
    return counts


def _replan(*, child_ids: Iterable[int], now: datetime | None) -> dict[str, int]:
    now = now or timezone.now()
    default, own = protocols_in_force()
    counts = {"created": 0, "updated": 0, "closed": 0, "told": 0}
    # Only children with an episode since the protocol came into force, or with open duties,
    # can have anything to plan: the rest are skipped after two cheap queries.
    child_ids = sorted(set(child_ids))
    if connection.vendor == "postgresql":
        # One re-plan of a child at a time (the worker's and a person's change may meet): the
        # second waits for the first to commit, then sees its duties. In order of id, so two
        # batches never wait for each other. (SQLite runs one writing transaction at a time.)
        list(
            Child.objects.filter(pk__in=ids_in(child_ids))
            .order_by("pk")
            .select_for_update(no_key=True)
            .values_list("pk", flat=True)
        )
    open_by_child = _open_duties(child_ids)
    active = set(open_by_child) | set(
        MissingEpisode.objects.filter(
            child_id__in=ids_in(child_ids),
            reported_at__gte=min(v.duties_from for v, _ in [default, *own.values()]),
        )
        .order_by()
        .values_list("child_id", flat=True)
    )
    child_ids = [pk for pk in child_ids if pk in active]
    if not child_ids:
        return counts
    closed = closed_duties_by_episode(child_ids)
    fingerprints = dict(
        rows_for_ids(
            lambda ids: PlanFingerprint.objects.filter(child_id__in=ids).values_list(
                "child_id", "fingerprint"
            ),
            child_ids,
        )
    )
    routes_read: dict[int, bytes] = {}  # by responsible authority
    unchanged: list[tuple[str, int]] = []  # (fingerprint, child id) where nothing changed
    creates: list[dict] = []  # new duties' values, for BulkInsert
    updates: list[_StoredDuty] = []
    events: list[dict] = []  # events of changed duties

    def event(duty: _StoredDuty, kind: str, detail: str) -> None:
        events.append(
            {"duty_id": duty.id, "kind": kind, "detail": detail[:500], "actor_id": None, "at": now}
        )

    for case in child_cases(child_ids, now=now, closed=closed):
        child_id = case.record.id
        version, settings = own.get(case.record.responsible_la_id, default)
        eligible = {e.id for e in case.episodes if e.reported_at >= version.duties_from}
        stored = open_by_child.get(child_id, {})
        la_id = case.record.responsible_la_id
        if (routes := routes_read.get(la_id)) is None:
            routes = routes_read[la_id] = _routes_read(case.routes)
        # Worked out before planning only for a child with a fingerprint to compare; else
        # after, for a child whose plan changed nothing (a first plan writes every child's).
        read = None
        if child_id in fingerprints:
            read = _fingerprint(case, version, routes, stored, closed)
            if fingerprints[child_id] == read:
                continue  # read as at a re-plan that changed nothing: this one would not either
        writes = len(creates) + len(updates)
        seen: set[tuple[int, str]] = set()
        owners: dict[str, Party] = {}
        told_parties: dict[str, Party] = {}
        for planned in plan_duties(case.facts, settings):
            episode_id = int(planned.episode)
            if episode_id not in eligible:
                continue
            kind = str(planned.kind)
            key = (episode_id, kind)
            seen.add(key)
            row = stored.get(key)
            if row is None and (
                planned.status == DutyStatus.NOT_NEEDED or kind in closed.get(episode_id, ())
            ):
                continue  # done stays done; not needed stays not needed
            # The police's duties belong to each episode's force; the others' to the child.
            owner_key = (
                f"{planned.owner_role}:{episode_id}"
                if planned.owner_role == OwnerRole.POLICE
                else planned.owner_role
            )
            if (owner := owners.get(owner_key)) is None:
                owner = owners[owner_key] = resolve_owner(
                    case, OwnerRole(planned.owner_role), episode_id=episode_id
                )
            told = None
            if planned.tells:
                told = told_parties.get(planned.tells)
                if told is None:
                    told = told_parties[planned.tells] = resolve_told(case, planned.tells)
            needs_owner = (owner.missing or (told.missing if told else ""))[:300]
            reason = planned.reason[:500]
            told_columns = _told_columns(planned.tells, told)
            if row is None:
                done = planned.status == DutyStatus.DONE
                creates.append(
                    {
                        "child_id": child_id,
                        "episode_id": episode_id,
                        "kind": kind,
                        "state": DutyState.DONE if done else DutyState.OPEN,
                        "due_at": planned.due_at,
                        "owner_role": str(planned.owner_role),
                        "owner_organisation_id": owner.organisation_id,
                        "owner_team_id": owner.team_id,
                        "owner_user_id": owner.user_id,
                        "tells_role": told_columns[0],
                        "told_organisation_id": told_columns[1],
                        "told_team_id": told_columns[2],
                        "told_user_id": told_columns[3],
                        "needs_owner": needs_owner,
                        "rule": planned.rule,
                        "reason": reason,
                        "protocol_version": version.version,
                        "planned_at": now,
                        "closed_at": now if done else None,
                        "closing_note": DONE_BY_RECORD if done else "",
                    }
                )
                counts["created"] += 1
                continue
            if (
                planned.status not in (DutyStatus.DONE, DutyStatus.NOT_NEEDED)
                and not row[_ASSIGNED_BY_PERSON]
                and row[_COMPARED]
                == (
                    planned.due_at.astimezone(UTC),  # compared in UTC: see below
                    str(planned.owner_role),
                    *told_columns,
                    needs_owner,
                    owner.organisation_id,
                    owner.team_id,
                    owner.user_id,
                    planned.rule,
                    reason,
                    version.version,
                )
            ):
                continue  # as planned: the comparisons below would change nothing
            duty = _StoredDuty(*row)
            if planned.status in (DutyStatus.DONE, DutyStatus.NOT_NEEDED):
                done = planned.status == DutyStatus.DONE
                duty.state = DutyState.DONE if done else DutyState.NOT_NEEDED
                duty.closed_at = now
                duty.closing_note = DONE_BY_RECORD if done else reason
                updates.append(duty)
                event(
                    duty,
                    DutyEventKind.DONE_BY_RECORD if done else DutyEventKind.CLOSED_BY_PROTOCOL,
                    duty.closing_note,
                )
                counts["closed"] += 1
                continue
            changed = []
            # Compared in UTC: Python never finds a time in the autumn's repeated hour (fold=1,
            # Europe/London) equal to one in another zone, so the duty would be "re-planned"
            # every time with the same due time.
            if duty.due_at != planned.due_at.astimezone(UTC):
                changed.append(
                    f"due {timezone.localtime(duty.due_at):%d/%m/%Y %H:%M} → "
                    f"{timezone.localtime(planned.due_at):%d/%m/%Y %H:%M}"
                )
                duty.due_at = planned.due_at
            if duty.owner_role != planned.owner_role:
                duty.owner_role = str(planned.owner_role)
                changed.append("owner")  # e.g. a duty stored when the told party owned it
            if (
                duty.tells_role,
                duty.told_organisation_id,
                duty.told_team_id,
                duty.told_user_id,
            ) != told_columns:
                (
                    duty.tells_role,
                    duty.told_organisation_id,
                    duty.told_team_id,
                    duty.told_user_id,
                ) = told_columns
                changed.append("told")
            if not duty.assigned_by_person and duty.needs_owner != needs_owner:
                duty.needs_owner = needs_owner
                if "owner" not in changed:
                    changed.append("owner")
            if not duty.assigned_by_person and (
                duty.owner_organisation_id,
                duty.owner_team_id,
                duty.owner_user_id,
            ) != (owner.organisation_id, owner.team_id, owner.user_id):
                duty.owner_organisation_id = owner.organisation_id
                duty.owner_team_id, duty.owner_user_id = owner.team_id, owner.user_id
                if "owner" not in changed:
                    changed.append("owner")
            if (duty.rule, duty.reason, duty.protocol_version) != (
                planned.rule,
                reason,
                version.version,
            ):
                duty.rule, duty.reason = planned.rule, reason
                duty.protocol_version = version.version
                changed.append("reason")
            if changed:
                updates.append(duty)
                event(duty, DutyEventKind.REPLANNED, "; ".join(changed))
                counts["updated"] += 1
        for key, row in stored.items():
            if key not in seen:  # every stored row is an open duty
                duty = _StoredDuty(*row)
                duty.state, duty.closed_at, duty.closing_note = (
                    DutyState.NOT_NEEDED,
                    now,
                    NO_LONGER_NEEDED,
                )
                updates.append(duty)
                event(duty, DutyEventKind.CLOSED_BY_PROTOCOL, NO_LONGER_NEEDED)
                counts["closed"] += 1
        if len(creates) + len(updates) == writes:
            read = read or _fingerprint(case, version, routes, stored, closed)
            unchanged.append((read, child_id))
    # New duties and every event by bulk statements (homesafe.bulk): a big re-plan (a police
    # import's chunk, a settings change) writes thousands, and bulk_create spends most of its
    # time building the SQL.
    # The told parties with HomeSafe users are told at once (homesafe.duties.telling): new
    # duties written already told, then the stored ones, then the new ones' notices and events
    # (the order duties_tell_due alone would give: by duty id).
    from homesafe.duties.telling import duties_tell_due, tell_due_on_creation, told_on_creation

    told_new = tell_due_on_creation(creates, now=now)
    bulk = BulkInsert()
    created_ids = bulk.insert(Duty, creates, now=now)
    planned_events = [
        {"duty_id": duty_id, "kind": DutyEventKind.PLANNED, "detail": values["reason"], "at": now}
        for duty_id, values in zip(created_ids, creates, strict=True)
    ]
    bulk.insert(DutyEvent, planned_events + events, now=now, ids=False, grouped=True)
    _update(updates)
    counts["told"] = duties_tell_due(now=now, child_ids=child_ids) + len(told_new)
    told_on_creation(told_new, created_ids, now=now)
    _fingerprints_write(unchanged)
    return counts
