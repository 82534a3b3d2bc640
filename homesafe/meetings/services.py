"""Writes to meetings and professional differences: one function per use case, in a
transaction, audited (ids and field names only, never what was said), then the duties of the
children discussed re-planned, so that a held meeting closes the duties it names as fulfilled
(MeetingFulfilment: the episode's strategy_meeting, repeat_meeting)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.access.policy import can_view_child
from homesafe.access.times import IN_FUTURE, in_future, not_in_future
from homesafe.access.transitions import check_transition
from homesafe.concerns.choices import LinkKind
from homesafe.concerns.models import PersonLink, PersonOfConcern
from homesafe.concerns.queries import persons_visible_to
from homesafe.concerns.services import person_of_concern_link
from homesafe.episodes.choices import EpisodeStatus, LocationKind
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.services import location_create
from homesafe.meetings.choices import (
    ALLOWED_TRANSITIONS,
    FULFILS_BY_KIND,
    SEVERAL_CHILDREN,
    STAGE_ORDER,
    Attendance,
    DifferenceStage,
    DifferenceStatus,
    DifferenceSubject,
    FulfilledDuty,
    MeetingKind,
    MeetingStatus,
    NoteKind,
)
from homesafe.meetings.models import (
    DifferenceStep,
    Meeting,
    MeetingAction,
    MeetingChild,
    MeetingFulfilment,
    MeetingInvitation,
    MeetingNote,
    ProfessionalDifference,
)
from homesafe.meetings.policy import can_complete_action, can_record_meeting, can_update_difference
from homesafe.people.models import Child
from homesafe.use_cases import facts_changed, use_case

NO_CHILDREN = "Enter at least one child"
ONE_CHILD_ONLY = "A {kind} is about one child: only a locality MACE discusses several"
CHILD_NOT_VISIBLE = "You cannot record a meeting about a child you cannot see"
NOT_YOURS = "You may record a meeting only about a child whose record you may change"
WHEN_MISSING = "Enter when the meeting is planned for or was held"
BEFORE_THE_ACTION = "The action cannot have been completed before it was agreed."
CHAIR_MISSING = "Enter who chaired the meeting"
NOT_LOCAL_AUTHORITY = "A meeting is convened by a local authority"
ATTENDED_BEFORE_HELD = "Record who attended once the meeting has been held"
CHILD_NOT_IN_MEETING = "Choose a child discussed at this meeting"
TEXT_MISSING = "Enter the decision or risk"
DESCRIPTION_MISSING = "Enter the action"
OWNER_NOT_IN_ORGANISATION = "The person who owns the action must work for the owning agency"
DUE_BEFORE_MEETING = "The due date cannot be before the meeting"
ALREADY_COMPLETED = "This action has already been completed."
NOT_ALLOWED = "You may not do this."
SAME_AGENCY = "Choose the other agency: a difference is between two agencies"
DETAIL_MISSING = "Enter what the difference is about"
RAISED_BY_MISSING = "Enter who raised the difference"
STAGE_NOT_LATER = "Choose a stage after {current}"
DIFFERENCE_CLOSED = "The difference has been resolved."
OUTCOME_MISSING = "Enter the outcome"
BEFORE_RAISED = "The time cannot be before the difference was raised"
PERSONS_MISSING = "Choose at least one person of concern"
PERSON_NOT_VISIBLE = "Choose from the persons of concern you can see"
CHILD_MISSING = "Choose the child the persons were discussed about"
CANNOT_FULFIL = "A {kind} cannot be {duty}"


def meeting_check_transition(meeting: Meeting, *, to: str) -> None:
    check_transition(
        allowed=ALLOWED_TRANSITIONS,
        statuses=MeetingStatus,
        record="meeting",
        current=meeting.status,
        to=to,
    )


def _actor_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _child_ids(meeting: Meeting) -> list[int]:
    return list(meeting.child_links.values_list("child_id", flat=True).order_by("child_id"))


def _audit_meeting(meeting: Meeting, verb: AuditVerb, actor: Actor, **payload) -> None:
    child_ids = _child_ids(meeting)
    audit_record(
        actor=actor,
        verb=verb,
        target=meeting,
        child_id=child_ids[0] if len(child_ids) == 1 else None,
        payload={"child_ids": child_ids, **payload},
    )


def _replan(meeting: Meeting) -> None:
    for child_id in _child_ids(meeting):
        facts_changed(child_id=child_id)


def _episode_concerned(child: Child, when: datetime) -> MissingEpisode | None:
    """By default a meeting concerns the child's latest episode reported before it."""
    return (
        child.episodes.filter(reported_at__lte=when)
        .exclude(status=EpisodeStatus.VOIDED)
        .order_by("-reported_at", "-id")
        .first()
    )


@use_case
def meeting_create(
    *,
    kind: str,
    local_authority: Organisation,
    chair_name: str,
    children: Iterable[Child],
    actor: Actor,
    planned_for: datetime | None = None,
    held_at: datetime | None = None,
    chair_organisation: Organisation | None = None,
    persons_discussed: str = "",
    locations: Iterable[str] = (),
    episodes: Mapping[int, Iterable[MissingEpisode]] | None = None,
    fulfils: Iterable[str] | None = None,
) -> Meeting:
    """Record a meeting, planned or held, about its children (and, for a locality MACE, the
    places and persons discussed). Episodes default to each child's latest before the meeting.

    `fulfils` names the duties of those episodes the meeting fulfils once held (FulfilledDuty);
    None: every duty a meeting of its kind may fulfil (choices.FULFILS_BY_KIND), () none."""
    kind = MeetingKind(kind)
    children = list(dict.fromkeys(children))
    errors: dict[str, str] = {}
    fulfils = _fulfils_checked(errors, kind, fulfils)
    if not children:
        errors["children"] = NO_CHILDREN
    elif len(children) > 1 and kind not in SEVERAL_CHILDREN:
        errors["children"] = ONE_CHILD_ONLY.format(kind=kind.label.lower())
    user = _actor_user(actor)
    if (
        user is not None
        and "children" not in errors
        and not all(can_view_child(user, child) for child in children)
    ):
        errors["children"] = CHILD_NOT_VISIBLE
    if not local_authority.is_local_authority:
        errors["local_authority"] = NOT_LOCAL_AUTHORITY
    if planned_for is None and held_at is None:
        errors["held_at"] = WHEN_MISSING
    if held_at is not None and in_future(held_at):
        errors["held_at"] = IN_FUTURE
    if not chair_name.strip():
        errors["chair_name"] = CHAIR_MISSING
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        kind=kind,
        status=MeetingStatus.HELD if held_at else MeetingStatus.PLANNED,
        local_authority=local_authority,
        planned_for=planned_for,
        held_at=held_at,
        chair_name=chair_name.strip(),
        chair_organisation=chair_organisation,
        persons_discussed=persons_discussed.strip(),
        recorded_by=user,
    )
    meeting.full_clean()
    meeting.save()
    when = meeting.when
    for child in children:
        link = MeetingChild.objects.create(meeting=meeting, child=child)
        chosen = list((episodes or {}).get(child.pk, ()))
        if not chosen:
            latest = _episode_concerned(child, when)
            chosen = [latest] if latest else []
        chosen = [e for e in chosen if e.child_id == child.pk]
        link.episodes.set(chosen)
        MeetingFulfilment.objects.bulk_create(
            MeetingFulfilment(link=link, episode=episode, duty=duty)
            for episode in chosen
            for duty in fulfils
        )
    if user is not None and not can_record_meeting(user, meeting):
        raise ApplicationError(NOT_YOURS, code="meeting_not_yours")
    places = [line.strip() for line in locations if line.strip()]
    for place in places:
        meeting.locations.add(
            location_create(actor=actor, kind=LocationKind.OTHER, description=place[:300])
        )
    _audit_meeting(
        meeting,
        AuditVerb.MEETING_CREATED,
        actor,
        kind=kind.value,
        status=meeting.status,
        locations=len(places),
        persons_discussed=bool(meeting.persons_discussed),
        fulfils=list(fulfils),
    )
    _replan(meeting)
    return meeting


def _fulfils_checked(
    errors: dict[str, str], kind: MeetingKind, fulfils: Iterable[str] | None
) -> tuple[str, ...]:
    allowed = FULFILS_BY_KIND.get(kind, ())
    if fulfils is None:
        return allowed
    chosen = tuple(dict.fromkeys(fulfils))
    for duty in chosen:
        if duty not in allowed:
            label = FulfilledDuty(duty).label if duty in FulfilledDuty.values else duty
            errors["fulfils"] = CANNOT_FULFIL.format(kind=kind.label.lower(), duty=label.lower())
    return chosen


@use_case
def meeting_change_fulfils(*, meeting: Meeting, fulfils: Iterable[str], actor: Actor) -> Meeting:
    """Name again which duties of its episodes the meeting fulfils (replacing what it named)."""
    errors: dict[str, str] = {}
    chosen = _fulfils_checked(errors, MeetingKind(meeting.kind), fulfils)
    if errors:
        raise ValidationError(errors)
    user = _actor_user(actor)
    if user is not None and not can_record_meeting(user, meeting):
        raise ApplicationError(NOT_YOURS, code="meeting_not_yours")
    links = list(meeting.child_links.prefetch_related("episodes"))
    MeetingFulfilment.objects.filter(link__meeting=meeting).delete()
    MeetingFulfilment.objects.bulk_create(
        MeetingFulfilment(link=link, episode=episode, duty=duty)
        for link in links
        for episode in link.episodes.all()
        for duty in chosen
    )
    _audit_meeting(meeting, AuditVerb.MEETING_FULFILS_CHANGED, actor, fulfils=list(chosen))
    _replan(meeting)
    return meeting


@use_case
def meeting_record_held(*, meeting: Meeting, held_at: datetime, actor: Actor) -> Meeting:
    meeting_check_transition(meeting, to=MeetingStatus.HELD)
    not_in_future(held_at, field="held_at")
    meeting.status, meeting.held_at = MeetingStatus.HELD, held_at
    meeting.full_clean()
    meeting.save(update_fields=["status", "held_at", "updated_at"])
    _audit_meeting(meeting, AuditVerb.MEETING_HELD, actor)
    _replan(meeting)
    return meeting


@use_case
def meeting_cancel(*, meeting: Meeting, actor: Actor) -> Meeting:
    meeting_check_transition(meeting, to=MeetingStatus.CANCELLED)
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    _audit_meeting(meeting, AuditVerb.MEETING_CANCELLED, actor)
    _replan(meeting)
    return meeting


@use_case
def meeting_record_invitation(
    *,
    meeting: Meeting,
    organisation: Organisation,
    attendance: str,
    actor: Actor,
    attendee_name: str = "",
) -> MeetingInvitation:
    """Invite an agency, or record whether it attended (one row per agency, updated)."""
    attendance = Attendance(attendance)
    if attendance == Attendance.ATTENDED and meeting.status != MeetingStatus.HELD:
        raise ValidationError({"attendance": ATTENDED_BEFORE_HELD})
    invitation, created = MeetingInvitation.objects.get_or_create(
        meeting=meeting, organisation=organisation
    )
    invitation.attendance = attendance
    invitation.attendee_name = attendee_name.strip() if attendance == Attendance.ATTENDED else ""
    invitation.full_clean()
    invitation.save()
    _audit_meeting(
        meeting,
        AuditVerb.MEETING_INVITATION_RECORDED,
        actor,
        organisation_id=organisation.pk,
        attendance=attendance.value,
        invited=created,
    )
    return invitation


def _check_child_in_meeting(meeting: Meeting, child: Child | None) -> None:
    if child is not None and not meeting.child_links.filter(child=child).exists():
        raise ValidationError({"child": CHILD_NOT_IN_MEETING})


@use_case
def meeting_record_note(
    *, meeting: Meeting, kind: str, text: str, actor: Actor, child: Child | None = None
) -> MeetingNote:
    """A decision or a risk identified, about one child or the whole meeting."""
    kind = NoteKind(kind)
    _check_child_in_meeting(meeting, child)
    if not text.strip():
        raise ValidationError({"text": TEXT_MISSING})
    note = MeetingNote(
        meeting=meeting, child=child, kind=kind, text=text.strip(), recorded_by=_actor_user(actor)
    )
    note.full_clean()
    note.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.MEETING_NOTE_RECORDED,
        target=note,
        child_id=child.pk if child else None,
        payload={"meeting_id": meeting.pk, "kind": kind.value},
    )
    return note


@use_case
def meeting_add_action(
    *,
    meeting: Meeting,
    description: str,
    owner_organisation: Organisation,
    due_on: date,
    actor: Actor,
    child: Child | None = None,
    owner_person: User | None = None,
) -> MeetingAction:
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = DESCRIPTION_MISSING
    if owner_person is not None and owner_person.organisation_id != owner_organisation.pk:
        errors["owner_person"] = OWNER_NOT_IN_ORGANISATION
    if due_on < timezone.localdate(meeting.when):
        errors["due_on"] = DUE_BEFORE_MEETING
    if child is not None and not meeting.child_links.filter(child=child).exists():
        errors["child"] = CHILD_NOT_IN_MEETING
    if errors:
        raise ValidationError(errors)
    action = MeetingAction(
        meeting=meeting,
        child=child,
        description=description.strip(),
        owner_organisation=owner_organisation,
        owner_person=owner_person,
        due_on=due_on,
    )
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.MEETING_ACTION_ADDED,
        target=action,
        child_id=child.pk if child else None,
        payload={
            "meeting_id": meeting.pk,
            "owner_organisation_id": owner_organisation.pk,
            "owner_person_id": owner_person.pk if owner_person else None,
            "due_on": due_on.isoformat(),
        },
    )
    return action


@use_case
def meeting_complete_action(
    *, action: MeetingAction, completed_at: datetime, actor: Actor, note: str = ""
) -> MeetingAction:
    action = MeetingAction.objects.select_for_update().get(pk=action.pk)
    if action.completed_at is not None:
        raise ApplicationError(ALREADY_COMPLETED, code="action_completed")
    user = _actor_user(actor)
    if user is None:
        raise ApplicationError(NOT_ALLOWED, code="not_allowed")
    if not can_complete_action(user, action):
        raise ApplicationError(NOT_ALLOWED, code="not_allowed")
    not_in_future(completed_at, field="completed_at")
    if completed_at < min(action.meeting.when, action.created_at):
        raise ValidationError({"completed_at": BEFORE_THE_ACTION})
    action.completed_at, action.completed_by = completed_at, user
    action.completion_note = note.strip()
    action.full_clean()
    action.save(update_fields=["completed_at", "completed_by", "completion_note"])
    audit_record(
        actor=actor,
        verb=AuditVerb.MEETING_ACTION_COMPLETED,
        target=action,
        child_id=action.child_id,
        payload={"meeting_id": action.meeting_id, "note": bool(action.completion_note)},
    )
    return action


@use_case
def meeting_record_persons(
    *,
    meeting: Meeting,
    child: Child | None,
    persons: Iterable[PersonOfConcern],
    actor: Actor,
    note: str = "",
) -> list[PersonLink]:
    """Record persons of concern discussed at the meeting about one of its children, by key:
    each becomes a link of the person to that child whose source is the meeting (so the person
    is seen, as ever, only by those who may see a child linked to them). Persons are chosen
    from those the recorder may see; one already recorded for this child is left as it is."""
    errors: dict[str, str] = {}
    if child is None:
        errors["child"] = CHILD_MISSING
    elif not meeting.child_links.filter(child=child).exists():
        errors["child"] = CHILD_NOT_IN_MEETING
    persons = list(dict.fromkeys(persons))
    if not persons:
        errors["persons"] = PERSONS_MISSING
    user = _actor_user(actor)
    if user is not None and persons:
        visible = set(
            persons_visible_to(user=user)
            .filter(pk__in=[p.pk for p in persons])
            .values_list("pk", flat=True)
        )
        if any(p.pk not in visible for p in persons):
            errors["persons"] = PERSON_NOT_VISIBLE
        if child is not None and "child" not in errors and not can_view_child(user, child):
            errors["child"] = CHILD_NOT_IN_MEETING
    if errors:
        raise ValidationError(errors)
    already = set(meeting.person_links.filter(child=child).values_list("person_id", flat=True))
    links = [
        person_of_concern_link(
            person=person,
            child=child,
            actor=actor,
            kind=LinkKind.DISCUSSED_AT_MEETING,
            meeting=meeting,
            note=note,
        )
        for person in persons
        if person.pk not in already
    ]
    audit_record(
        actor=actor,
        verb=AuditVerb.MEETING_PERSONS_RECORDED,
        target=meeting,
        child_id=child.pk,
        payload={"child_id": child.pk, "person_ids": sorted(link.person_id for link in links)},
    )
    return links


# --- Professional differences ------------------------------------------------------------


@use_case
def difference_raise(
    *,
    child: Child,
    raised_at: datetime,
    raised_by_name: str,
    raised_by_organisation: Organisation,
    raised_with_organisation: Organisation,
    subject: str,
    detail: str,
    actor: Actor,
) -> ProfessionalDifference:
    """Record a professional difference at its first stage (a practitioner discussion)."""
    errors: dict[str, str] = {}
    if in_future(raised_at):
        errors["raised_at"] = IN_FUTURE
    if not raised_by_name.strip():
        errors["raised_by_name"] = RAISED_BY_MISSING
    if raised_by_organisation.pk == raised_with_organisation.pk:
        errors["raised_with_organisation"] = SAME_AGENCY
    if not detail.strip():
        errors["detail"] = DETAIL_MISSING
    if errors:
        raise ValidationError(errors)
    difference = ProfessionalDifference(
        child=child,
        raised_at=raised_at,
        raised_by_name=raised_by_name.strip(),
        raised_by_organisation=raised_by_organisation,
        raised_with_organisation=raised_with_organisation,
        subject=DifferenceSubject(subject),
        detail=detail.strip(),
        recorded_by=_actor_user(actor),
    )
    difference.full_clean()
    difference.save()
    DifferenceStep.objects.create(
        difference=difference,
        stage=DifferenceStage.PRACTITIONER,
        reached_at=raised_at,
        recorded_by=_actor_user(actor),
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.DIFFERENCE_RAISED,
        target=difference,
        payload={
            "subject": difference.subject,
            "raised_by_organisation_id": raised_by_organisation.pk,
            "raised_with_organisation_id": raised_with_organisation.pk,
        },
    )
    return difference


def _check_open(difference: ProfessionalDifference, actor: Actor) -> None:
    if difference.status != DifferenceStatus.OPEN:
        raise ApplicationError(DIFFERENCE_CLOSED, code="difference_closed")
    user = _actor_user(actor)
    if user is not None and not can_update_difference(user, difference):
        raise ApplicationError(NOT_ALLOWED, code="not_allowed")


@use_case
def difference_escalate(
    *,
    difference: ProfessionalDifference,
    stage: str,
    reached_at: datetime,
    actor: Actor,
    note: str = "",
) -> ProfessionalDifference:
    """Move the escalation on to a later stage (stages may be skipped, never gone back to)."""
    _check_open(difference, actor)
    stage = DifferenceStage(stage)
    current = DifferenceStage(difference.stage)
    if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(current):
        raise ValidationError({"stage": STAGE_NOT_LATER.format(current=current.label.lower())})
    not_in_future(reached_at, field="reached_at")
    if reached_at < difference.raised_at:
        raise ValidationError({"reached_at": BEFORE_RAISED})
    DifferenceStep.objects.create(
        difference=difference,
        stage=stage,
        reached_at=reached_at,
        note=note.strip(),
        recorded_by=_actor_user(actor),
    )
    difference.stage = stage
    difference.save(update_fields=["stage", "updated_at"])
    audit_record(
        actor=actor,
        verb=AuditVerb.DIFFERENCE_ESCALATED,
        target=difference,
        payload={"from": current.value, "to": stage.value},
    )
    return difference


@use_case
def difference_resolve(
    *,
    difference: ProfessionalDifference,
    resolved_at: datetime,
    outcome: str,
    actor: Actor,
) -> ProfessionalDifference:
    _check_open(difference, actor)
    errors: dict[str, str] = {}
    if in_future(resolved_at):
        errors["resolved_at"] = IN_FUTURE
    elif resolved_at < difference.raised_at:
        errors["resolved_at"] = BEFORE_RAISED
    if not outcome.strip():
        errors["outcome"] = OUTCOME_MISSING
    if errors:
        raise ValidationError(errors)
    difference.status = DifferenceStatus.RESOLVED
    difference.resolved_at, difference.outcome = resolved_at, outcome.strip()
    difference.full_clean()
    difference.save(update_fields=["status", "resolved_at", "outcome", "updated_at"])
    audit_record(
        actor=actor,
        verb=AuditVerb.DIFFERENCE_RESOLVED,
        target=difference,
        payload={"stage": difference.stage},
    )
    return difference
