"""Duties: stored from the protocol engine's plan, worked by people, reminded by the worker.

`duties_replan_for_child` is called by every service that changes a child's facts. It is
idempotent: planning twice changes nothing; done duties stay done; open duties the protocol no
longer calls for are closed with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.bulk import BulkInsert
from homesafe.duties.choices import DutyEventKind, DutyState
from homesafe.duties.facts import case_facts, children_for_facts
from homesafe.duties.models import Duty, DutyEvent, ProtocolVersion
from homesafe.duties.owners import Party, resolve_owner, resolve_told
from homesafe.duties.protocol import protocol_current, protocols_in_force
from homesafe.episodes.models import MissingEpisode
from homesafe.people.models import Child
from homesafe.protocol.duties import plan_duties
from homesafe.protocol.facts import DutyStatus, OwnerRole
from homesafe.use_cases import facts_changed, facts_changes_gathered, in_use_case, use_case

logger = logging.getLogger(__name__)

DUTY_NOT_OPEN = "This duty is already closed ({state})."
NOT_NEEDED_REASON_MISSING = "Enter why this duty is not needed"
REASSIGN_OUTSIDE = "Choose someone in the organisation that owns this duty."
NO_LONGER_NEEDED = "The protocol no longer calls for this duty: the child's record changed."


def _event(duty: Duty, kind: str, *, actor: User | None = None, detail: str = "") -> DutyEvent:
    return DutyEvent(duty=duty, kind=kind, actor=actor, detail=detail[:500])


# Children a queued re-plan task takes at most (a task is one transaction of the worker).
REPLAN_TASK_SIZE = 1000


def duties_replans_deferred():
    """Within this block, the services' re-plans are gathered instead of run.

    For bulk imports (homesafe.intake.imports): the caller enqueues the gathered children with
    duties_replan_enqueue inside the transaction that wrote their facts, so the worker's
    re-plan commits with them or not at all, and one task re-plans a chunk's children in a few
    queries instead of a few queries for every row. (homesafe.use_cases.facts_changes_gathered.)
    """
    return facts_changes_gathered()


def duties_replan_facts_changed(child_ids: set[int]) -> None:
    """The duties app's subscription to use cases: re-plan the children whose facts changed,
    once, at the end of the use case (homesafe.use_cases; registered in DutiesConfig.ready)."""
    duties_replan(child_ids=sorted(child_ids))


def duties_replan_for_child(*, child_id: int, now: datetime | None = None) -> None:
    """Re-plan one child's duties from their facts (after every change to those facts)."""
    duties_replan_children(child_ids=[child_id], now=now)


def duties_replan_children(*, child_ids: Iterable[int], now: datetime | None = None) -> None:
    """Re-plan these children's duties now, or once at the end of the running use case (or
    gathered by the bulk path that runs)."""
    ids = set(child_ids)
    if in_use_case():
        facts_changed(child_ids=ids)
    elif ids:
        duties_replan(child_ids=sorted(ids), now=now)


def duties_replan_enqueue(*, child_ids: Iterable[int]) -> int:
    """Queue re-plans for the worker, in the caller's transaction (the task rows commit with
    the facts that call for them). Returns the number of tasks queued."""
    from homesafe.duties.tasks import replan_children

    ids = sorted(set(child_ids))
    for start in range(0, len(ids), REPLAN_TASK_SIZE):
        replan_children.enqueue(child_ids=ids[start : start + REPLAN_TASK_SIZE])
    return -(-len(ids) // REPLAN_TASK_SIZE)


@transaction.atomic
def duties_replan(*, child_ids: Iterable[int], now: datetime | None = None) -> dict[str, int]:
    """Re-plan the duties of several children in a fixed number of queries per batch."""
    now = now or timezone.now()
    default, own = protocols_in_force()
    counts = {"created": 0, "updated": 0, "closed": 0, "told": 0}
    # Only children with an episode since the protocol came into force, or with open duties,
    # can have anything to plan: the rest are skipped with two cheap queries.
    child_ids = list(child_ids)
    active = set(
        MissingEpisode.objects.filter(
            child_id__in=child_ids,
            reported_at__gte=min(v.duties_from for v, _ in [default, *own.values()]),
        ).values_list("child_id", flat=True)
    ) | set(
        Duty.objects.filter(child_id__in=child_ids, state=DutyState.OPEN).values_list(
            "child_id", flat=True
        )
    )
    child_ids = [pk for pk in child_ids if pk in active]
    if not child_ids:
        return counts
    if connection.vendor == "postgresql":
        # One re-plan of a child at a time (the worker's and a person's change may meet): the
        # second waits for the first to commit, then sees its duties. In order of id, so two
        # batches never wait for each other. (SQLite runs one writing transaction at a time.)
        list(
            Child.objects.filter(pk__in=child_ids)
            .order_by("pk")
            .select_for_update(no_key=True)
            .values_list("pk", flat=True)
        )
    stored_by_child: dict[int, dict[tuple[int, str], Duty]] = {}
    for duty in Duty.objects.filter(child_id__in=child_ids):
        stored_by_child.setdefault(duty.child_id, {})[(duty.episode_id, duty.kind)] = duty
    creates: list[dict] = []  # new duties' values, for BulkInsert
    updates: list[Duty] = []
    events: list[DutyEvent] = []
    for child in children_for_facts(child_ids):
        version, settings = own.get(child.responsible_la_id, default)
        eligible = {e.pk for e in child.facts_episodes if e.reported_at >= version.duties_from}
        stored = stored_by_child.get(child.pk, {})
        seen: set[tuple[int, str]] = set()
        for planned in plan_duties(case_facts(child, now=now), settings):
            episode_id = int(planned.episode)
            if episode_id not in eligible:
                continue
            key = (episode_id, str(planned.kind))
            seen.add(key)
            duty = stored.get(key)
            owner = resolve_owner(child, OwnerRole(planned.owner_role))
            told = resolve_told(child, planned.tells) if planned.tells else None
            needs_owner = (owner.missing or (told.missing if told else ""))[:300]
            if duty is None:
                if planned.status == DutyStatus.NOT_NEEDED:
                    continue
                done = planned.status == DutyStatus.DONE
                creates.append(
                    {
                        "child_id": child.pk,
                        "episode_id": episode_id,
                        "kind": str(planned.kind),
                        "state": DutyState.DONE if done else DutyState.OPEN,
                        "due_at": planned.due_at,
                        "owner_role": str(planned.owner_role),
                        "owner_organisation_id": owner.organisation.pk,
                        "owner_team_id": owner.team.pk if owner.team else None,
                        "owner_user_id": owner.user.pk if owner.user else None,
                        **_told_values(planned.tells, told),
                        "needs_owner": needs_owner,
                        "rule": planned.rule,
                        "reason": planned.reason[:500],
                        "protocol_version": version.version,
                        "planned_at": now,
                        "closed_at": now if done else None,
                        "closing_note": "The record shows this done." if done else "",
                    }
                )
                counts["created"] += 1
                continue
            if duty.state != DutyState.OPEN:
                continue  # done stays done; not needed stays not needed
            if planned.status in (DutyStatus.DONE, DutyStatus.NOT_NEEDED):
                done = planned.status == DutyStatus.DONE
                duty.state = DutyState.DONE if done else DutyState.NOT_NEEDED
                duty.closed_at = now
                duty.closing_note = "The record shows this done." if done else planned.reason[:500]
                updates.append(duty)
                events.append(
                    _event(
                        duty,
                        DutyEventKind.DONE_BY_RECORD if done else DutyEventKind.CLOSED_BY_PROTOCOL,
                        detail=duty.closing_note,
                    )
                )
                counts["closed"] += 1
                continue
            changed = []
            if duty.due_at != planned.due_at:
                changed.append(
                    f"due {timezone.localtime(duty.due_at):%d/%m/%Y %H:%M} → "
                    f"{timezone.localtime(planned.due_at):%d/%m/%Y %H:%M}"
                )
                duty.due_at = planned.due_at
            if duty.owner_role != planned.owner_role:
                duty.owner_role = str(planned.owner_role)
                changed.append("owner")  # e.g. a duty stored when the told party owned it
            told_values = _told_values(planned.tells, told)
            if any(getattr(duty, key) != value for key, value in told_values.items()):
                for key, value in told_values.items():
                    setattr(duty, key, value)
                changed.append("told")
            if not duty.assigned_by_person and duty.needs_owner != needs_owner:
                duty.needs_owner = needs_owner
                if "owner" not in changed:
                    changed.append("owner")
            if not duty.assigned_by_person and (
                duty.owner_organisation_id,
                duty.owner_team_id,
                duty.owner_user_id,
            ) != (
                owner.organisation.pk,
                owner.team.pk if owner.team else None,
                owner.user.pk if owner.user else None,
            ):
                duty.owner_organisation, duty.owner_team, duty.owner_user = (
                    owner.organisation,
                    owner.team,
                    owner.user,
                )
                if "owner" not in changed:
                    changed.append("owner")
            if (duty.rule, duty.reason, duty.protocol_version) != (
                planned.rule,
                planned.reason[:500],
                version.version,
            ):
                duty.rule, duty.reason = planned.rule, planned.reason[:500]
                duty.protocol_version = version.version
                changed.append("reason")
            if changed:
                updates.append(duty)
                events.append(_event(duty, DutyEventKind.REPLANNED, detail="; ".join(changed)))
                counts["updated"] += 1
        for key, duty in stored.items():
            if key not in seen and duty.state == DutyState.OPEN:
                duty.state, duty.closed_at, duty.closing_note = (
                    DutyState.NOT_NEEDED,
                    now,
                    NO_LONGER_NEEDED,
                )
                updates.append(duty)
                events.append(
                    _event(duty, DutyEventKind.CLOSED_BY_PROTOCOL, detail=NO_LONGER_NEEDED)
                )
                counts["closed"] += 1
    # New duties and every event by bulk statements (homesafe.bulk): a big re-plan (a police
    # import's chunk, a settings change) writes thousands, and bulk_create spends most of its
    # time building the SQL.
    bulk = BulkInsert()
    created_ids = bulk.insert(Duty, creates, now=now)
    event_rows = [
        {"duty_id": duty_id, "kind": DutyEventKind.PLANNED, "detail": values["reason"], "at": now}
        for duty_id, values in zip(created_ids, creates, strict=True)
    ]
    event_rows += [
        {"duty_id": e.duty.pk, "kind": e.kind, "detail": e.detail, "actor_id": None, "at": now}
        for e in events
    ]
    bulk.insert(DutyEvent, event_rows, now=now, ids=False)
    Duty.objects.bulk_update(
        updates,
        [
            "state",
            "due_at",
            "owner_role",
            "tells_role",
            "told_organisation",
            "told_team",
            "told_user",
            "needs_owner",
            "owner_organisation",
            "owner_team",
            "owner_user",
            "rule",
            "reason",
            "protocol_version",
            "closed_at",
            "closing_note",
        ],
        batch_size=1000,
    )
    # The told parties with HomeSafe users are told at once (homesafe.duties.telling).
    from homesafe.duties.telling import duties_tell_due

    counts["told"] = duties_tell_due(now=now, child_ids=child_ids)
    return counts


def _told_values(tells: OwnerRole | None, told: Party | None) -> dict:
    """The Duty columns naming whom a notification tells (blank for any other duty)."""
    if tells is None or told is None or told.missing:
        return {
            "tells_role": str(tells) if tells else "",
            "told_organisation_id": None,
            "told_team_id": None,
            "told_user_id": None,
        }
    return {
        "tells_role": str(tells),
        "told_organisation_id": told.organisation.pk,
        "told_team_id": told.team.pk if told.team else None,
        "told_user_id": told.user.pk if told.user else None,
    }


def _check_open(duty: Duty) -> None:
    if duty.state != DutyState.OPEN:
        raise ApplicationError(
            DUTY_NOT_OPEN.format(state=duty.get_state_display().lower()), code="duty_closed"
        )


@use_case
def duty_complete(*, duty: Duty, actor: User, note: str = "") -> Duty:
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    _check_open(duty)
    duty.state, duty.closed_at, duty.closed_by = DutyState.DONE, timezone.now(), actor
    duty.closing_note = note.strip()[:500]
    duty.full_clean()
    duty.save(update_fields=["state", "closed_at", "closed_by", "closing_note"])
    DutyEvent.objects.create(
        duty=duty, kind=DutyEventKind.COMPLETED, actor=actor, detail=duty.closing_note
    )
    audit_record(
        actor=actor, verb=AuditVerb.DUTY_COMPLETED, target=duty, payload={"kind": duty.kind}
    )
    facts_changed(child_id=duty.child_id)
    return duty


@use_case
def duty_mark_not_needed(*, duty: Duty, reason: str, actor: User) -> Duty:
    if not reason.strip():
        raise ValidationError({"reason": NOT_NEEDED_REASON_MISSING})
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    _check_open(duty)
    duty.state, duty.closed_at, duty.closed_by = DutyState.NOT_NEEDED, timezone.now(), actor
    duty.closing_note = reason.strip()[:500]
    duty.save(update_fields=["state", "closed_at", "closed_by", "closing_note"])
    DutyEvent.objects.create(
        duty=duty, kind=DutyEventKind.MARKED_NOT_NEEDED, actor=actor, detail=duty.closing_note
    )
    audit_record(
        actor=actor, verb=AuditVerb.DUTY_NOT_NEEDED, target=duty, payload={"kind": duty.kind}
    )
    facts_changed(child_id=duty.child_id)
    return duty


@use_case
def duty_reassign(*, duty: Duty, to: User, actor: User) -> Duty:
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    _check_open(duty)
    # A duty that needs an owner may go to anyone the coordinator chooses (e.g. a worker of a
    # provider the child is not yet referred to); any other stays in its organisation.
    if not to.is_active or (
        not duty.needs_owner and to.organisation_id != duty.owner_organisation_id
    ):
        raise ValidationError({"to": REASSIGN_OUTSIDE})
    duty.owner_user, duty.owner_team, duty.assigned_by_person = to, to.team, True
    duty.owner_organisation_id, duty.needs_owner = to.organisation_id, ""
    duty.save(
        update_fields=[
            "owner_user",
            "owner_team",
            "owner_organisation",
            "assigned_by_person",
            "needs_owner",
        ]
    )
    DutyEvent.objects.create(duty=duty, kind=DutyEventKind.REASSIGNED, actor=actor, about_user=to)
    audit_record(
        actor=actor, verb=AuditVerb.DUTY_REASSIGNED, target=duty, payload={"to_user_id": to.pk}
    )
    return duty


@use_case
def protocol_settings_save(
    *,
    settings_toml: str,
    actor: Actor,
    note: str = "",
    local_authority: Organisation | None = None,
) -> ProtocolVersion:
    """Save new protocol settings (validated), the partnership's or one council's own, and
    re-plan the children with open duties that they apply to."""
    from homesafe.protocol.settings import ProtocolSettings, ProtocolSettingsError

    try:
        parsed = ProtocolSettings.from_toml(settings_toml)
    except ProtocolSettingsError as error:
        raise ValidationError({"settings_toml": str(error)}) from None
    la_id = local_authority.pk if local_authority else None
    current, _ = protocol_current(local_authority_id=la_id)
    if parsed.version == current.version:
        raise ValidationError({"settings_toml": "These settings are the ones already in force."})
    version = ProtocolVersion.objects.create(
        version=parsed.version,
        local_authority=local_authority,
        settings_toml=settings_toml,
        created_by=actor if isinstance(actor, User) else None,
        note=note,
        duties_from=current.duties_from,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.PROTOCOL_CHANGED,
        target=version,
        payload={"version": parsed.version, "local_authority_id": la_id},
    )
    children = Duty.objects.filter(state=DutyState.OPEN).values_list("child_id", flat=True)
    if local_authority is not None:
        children = children.filter(child__responsible_la=local_authority)
    duties_replan_enqueue(child_ids=children)
    return version


@use_case
def reminders_mark_read(*, user: User) -> int:
    """Dismiss every unread in-app reminder of this person."""
    from homesafe.duties.models import Reminder

    return Reminder.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def duties_replan_turning_eighteen(*, now: datetime | None = None) -> int:
    """Re-plan the children who are missing now and turn 18 within the protocol's notice (30
    days): their `eighteenth_birthday` prompt comes into the plan as the day nears, with no
    other change to their facts. Returns the children re-planned."""
    from homesafe.episodes.choices import EpisodeStatus
    from homesafe.protocol.duties import BIRTHDAY_NOTICE

    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + BIRTHDAY_NOTICE
    try:  # born on or before this day: 18 by the horizon
        latest_birth = horizon.replace(year=horizon.year - 18)
    except ValueError:  # 29 February
        latest_birth = horizon.replace(year=horizon.year - 18, day=28)
    child_ids = sorted(
        set(
            MissingEpisode.objects.filter(
                status=EpisodeStatus.MISSING,
                child__date_of_birth__lte=latest_birth,
                child__date_of_birth__gt=latest_birth.replace(year=latest_birth.year - 1),
            ).values_list("child_id", flat=True)
        )
    )
    if child_ids:
        duties_replan(child_ids=child_ids, now=now)
    return len(child_ids)
