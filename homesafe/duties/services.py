"""Duties: stored from the protocol engine's plan, worked by people, reminded by the worker.

Every use case that changes a child's facts says so (`facts_changed`, homesafe.use_cases); the
duties app re-plans those children once at its end (`duties_replan_facts_changed`, subscribed in
DutiesConfig.ready), and a bulk import queues them for the worker (`ReplanQueue`). Re-planning is
idempotent: planning twice changes nothing; done duties stay done; open duties the protocol no
longer calls for are closed with the reason (`duties_replan`, homesafe.duties.replan).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.duties.choices import DutyEventKind, DutyState
from homesafe.duties.models import Duty, DutyEvent, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.duties.replan import duties_replan
from homesafe.episodes.models import MissingEpisode
from homesafe.use_cases import facts_changed, use_case

logger = logging.getLogger(__name__)

DUTY_NOT_OPEN = "This duty is already closed ({state})."
NOT_NEEDED_REASON_MISSING = "Enter why this duty is not needed"
REASSIGN_OUTSIDE = "Choose someone in the organisation that owns this duty."


# Children a queued re-plan task takes at most (a task is one transaction of the worker).
REPLAN_TASK_SIZE = 1000


def duties_replan_facts_changed(child_ids: set[int]) -> None:
    """The duties app's subscription to use cases: re-plan the children whose facts changed,
    once, at the end of the use case (homesafe.use_cases; registered in DutiesConfig.ready)."""
    duties_replan(child_ids=sorted(child_ids))


def duties_replan_enqueue(*, child_ids: Iterable[int]) -> int:
    """Queue re-plans for the worker, in the caller's transaction (the task rows commit with
    the facts that call for them). Returns the number of tasks queued."""
    return ReplanQueue().enqueue(child_ids=child_ids)


class ReplanQueue:
    """Re-plans queued for the worker by one writer over several transactions (an import's
    chunks), each child once while their task still waits.

    A child queued by an earlier transaction whose task the worker has not yet taken is not
    queued again: that task reads the child's facts when it runs, after this transaction
    commits. The waiting tasks are locked in this transaction (PostgreSQL: the worker takes
    tasks with SKIP LOCKED, so it leaves them until this transaction commits; one it has already
    taken is no longer waiting, and its children are queued again; SQLite: the worker's taking a
    task is a write, which waits for this transaction's).

    `enqueue(..., hold=True)` queues the tasks held: not to be taken before `hold_seconds` from
    now, a time each later `enqueue` moves on, until `release()` lets the worker take them.
    An import holds every chunk's re-plans but the last one's and releases them when it ends,
    so a child reported in every chunk of a police year is re-planned once, after the import,
    even when a worker is idle and would take each chunk's task at once (it re-planned such a
    child once per chunk, and held SQLite's one write lock while the import waited). If the
    writer dies before `release()`, the held tasks run when their hold runs out, or when the
    next import starts (`release_orphans`).
    """

    def __init__(self, *, hold_seconds: int = 60) -> None:
        self.task_of: dict[int, str] = {}  # child id -> the id of the task queued for them
        self.hold_seconds = hold_seconds
        self.held: list[str] = []  # the ids of the tasks queued held, not yet released

    def enqueue(self, *, child_ids: Iterable[int], hold: bool = False) -> int:
        """Queue these children's re-plans in the caller's transaction (held: see the class);
        the tasks queued."""
        from django.tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from homesafe.duties.tasks import replan_children

        ids = set(child_ids)
        earlier = {self.task_of[pk] for pk in ids if pk in self.task_of}
        waiting: set[str] = set()
        if earlier:
            waiting = {
                str(pk)
                for pk in DBTaskResult.objects.filter(pk__in=earlier, status=TaskResultStatus.READY)
                .select_for_update()
                .order_by()
                .values_list("pk", flat=True)
            }
        if self.held:  # held a while longer, with this transaction's
            self._hold_until(timezone.now() + timedelta(seconds=self.hold_seconds))
        ids_to_queue = sorted(pk for pk in ids if self.task_of.get(pk) not in waiting)
        task = replan_children
        # (A backend that runs each task as it is queued, as some tests use, holds none.)
        hold = hold and bool(ids_to_queue) and task.get_backend().supports_defer
        if hold:
            task = task.using(run_after=timezone.now() + timedelta(seconds=self.hold_seconds))
        for start in range(0, len(ids_to_queue), REPLAN_TASK_SIZE):
            part = ids_to_queue[start : start + REPLAN_TASK_SIZE]
            result = task.enqueue(child_ids=part)
            for pk in part:
                self.task_of[pk] = str(result.id)
            if hold:
                self.held.append(str(result.id))
        return -(-len(ids_to_queue) // REPLAN_TASK_SIZE)

    def release(self) -> None:
        """Let the worker take the held tasks now, in the order they were queued (as tasks
        queued without a time to wait for). Nothing if the caller's transaction is already
        failing: the held tasks then run when their hold runs out."""
        from django_tasks_db.models import get_date_max

        if self.held and not connection.needs_rollback:
            self._hold_until(get_date_max())
            self.held = []

    @staticmethod
    def release_orphans() -> int:
        """Let the worker take now the re-plans that an earlier writer (an import that died)
        still holds; the tasks released. An import calls it as it starts: its children's
        re-plans then run with the new import's, not when their hold runs out. (A writer still
        running that loses its hold so only re-plans a child more than once.)"""
        from django.tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult, get_date_max

        from homesafe.duties.tasks import replan_children

        return DBTaskResult.objects.filter(
            task_path=replan_children.module_path,
            status=TaskResultStatus.READY,
            run_after__gt=timezone.now(),
            run_after__lt=get_date_max(),
        ).update(run_after=get_date_max())

    def _hold_until(self, run_after: datetime) -> None:
        from django.tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(pk__in=self.held, status=TaskResultStatus.READY).update(
            run_after=run_after
        )


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
