"""Writes of police intake: a notification applied to the right child's episode, events from
police systems (idempotent, out of order) and identity reviews (merging two records of a
child is services_merge.py).

Every function here is one use case in a transaction, audited; the record's own rules are the
episode and child services' (episode_report, episode_regrade, episode_record_return, ...).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from homesafe.access.audit import Actor, ClientActor, audit_record
from homesafe.access.choices import AuditVerb, OrganisationType
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.episodes.choices import EpisodeStatus, EpisodeType, ReportedBy
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.services import (
    episode_link_police_report,
    episode_record_police_closure,
    episode_record_return,
    episode_regrade,
    episode_report,
    location_create,
)
from homesafe.intake.choices import (
    EventOutcome,
    NotificationSource,
    PoliceEventType,
    ReviewStatus,
    RowOutcome,
)
from homesafe.intake.matching import REVIEW_NOT_FOUND, IdentityMatcher, MatchResult
from homesafe.intake.models import (
    ChildMerge,
    IdentityCandidate,
    IdentityReview,
    PoliceEvent,
    PoliceReport,
)
from homesafe.intake.notifications import NotificationError, PoliceNotification
from homesafe.intake.police_times import PoliceTimes, episode_apply_police_times
from homesafe.locate.choices import SightingSource
from homesafe.locate.services import sighting_record
from homesafe.people.models import Child
from homesafe.people.services import child_create, child_update
from homesafe.use_cases import facts_changed, use_case

UNKNOWN_FORCE = "No police force has the code {code}. `homesafe organisations` lists the codes."
WRONG_FORCE = "This key belongs to another force: it may only send events for its own."
ALREADY_MISSING_OTHER_REPORT = (
    "The child already has an open missing episode under police reference {reference}."
)
REVIEW_NOT_OPEN = "This notification has already been decided."
REVIEW_CHOOSE = "Choose a child, or create a new record."
NEW_CHILD_NEEDS_NAME = "A new record needs the child's forename, surname and date of birth."
EPISODE_NOT_FOUND_YET = "Kept: the missing report for this reference has not arrived yet."
# Where a service names a field the notification calls differently.
FIELD_NAMES = {
    "returned_at": "found_at",
    "graded_at": "risk",
    "police_closed_at": "closed_reason",
    "child": "police_reference",
}


def force_by_code(code: str) -> Organisation:
    force = Organisation.objects.filter(code=code, type=OrganisationType.POLICE).first()
    if force is None:
        raise ApplicationError(UNKNOWN_FORCE.format(code=code), code="unknown_force")
    return force


def force_default_local_authority(force: Organisation) -> Organisation | None:
    """Where an unknown child is recorded: the force's mapping setting, or its only LA."""
    mapping = getattr(force, "intake_mapping", None)
    if mapping is not None and mapping.default_local_authority_id:
        return mapping.default_local_authority
    areas = list(
        Organisation.objects.filter(
            police_force=force, type=OrganisationType.LOCAL_AUTHORITY, is_active=True
        )[:2]
    )
    return areas[0] if len(areas) == 1 else None


def merged_child_ids() -> set[int]:
    return set(ChildMerge.objects.values_list("merged_child_id", flat=True))


def error_field_and_reason(error: ValidationError | ApplicationError) -> tuple[str, str]:
    """The first field a service complained about, in the notification's words, and why."""
    if isinstance(error, ApplicationError):
        return "police_reference", error.message
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        return FIELD_NAMES.get(name, name), errors[0].messages[0]
    return "", error.messages[0]


@dataclass
class Applied:
    outcome: str
    episode: MissingEpisode | None = None
    reason: str = ""
    field: str = ""


# --- One notification --------------------------------------------------------------------


def _current_risk(episode: MissingEpisode) -> str:
    grading = episode.gradings.order_by("-graded_at", "-id").first()
    return grading.grade if grading else ""


def episode_changes(
    *, status: str, current_risk: str, closed_reason: str, n: PoliceNotification
) -> list[str]:
    """What a notification would change on its episode: 'risk', 'found', 'closed' (pure)."""
    changes = []
    is_open = status == EpisodeStatus.MISSING
    if is_open and n.risk and n.risk != current_risk:
        changes.append("risk")
    if is_open and n.found_at is not None:
        changes.append("found")
    if n.closed_reason and n.closed_reason != closed_reason:
        changes.append("closed")
    return changes


def _bring_up_to_date(
    *, episode: MissingEpisode, n: PoliceNotification, actor: Actor, now: dt.datetime, source: str
) -> bool:
    # The police's times win over the ones HomeSafe holds (homesafe.intake.police_times).
    corrected = episode_apply_police_times(
        episode=episode,
        times=PoliceTimes(
            last_seen_at=n.last_seen_at if n.last_seen_known else None,
            reported_at=n.reported_at,
            returned_at=None if episode.is_open else n.found_at,
        ),
        source=source,
        actor=actor,
    )
    changes = episode_changes(
        status=episode.status,
        current_risk=_current_risk(episode),
        closed_reason=episode.police_closed_reason,
        n=n,
    )
    if "risk" in changes:
        graded_at = min(now, n.found_at) if n.found_at else now
        episode_regrade(
            episode=episode,
            grade=n.risk,
            graded_at=max(graded_at, episode.last_seen_at),
            actor=actor,
        )
    if "found" in changes:
        found_location = None
        if n.found_location:
            found_location = location_create(
                actor=actor, description=n.found_location, child_id=episode.child_id
            )
        episode_record_return(
            episode=episode,
            returned_at=n.found_at,
            found_by=n.found_by,
            found_location=found_location,
            actor=actor,
        )
    if "closed" in changes:
        episode_record_police_closure(
            episode=episode,
            closed_reason=n.closed_reason,
            closed_at=max(now, episode.last_seen_at),
            actor=actor,
        )
    return bool(changes or corrected)


def _learn_identifiers(*, child: Child, n: PoliceNotification, actor: Actor) -> None:
    """The police person ID of a child matched by other means is kept, for an exact match next time."""
    if n.person_id and not child.police_person_id:
        child_update(child=child, actor=actor, police_person_id=n.person_id)


def _open_episode_report(
    *,
    child: Child,
    force: Organisation,
    n: PoliceNotification,
    actor: Actor,
    now: dt.datetime,
    source: str,
) -> tuple[MissingEpisode, str]:
    """Create the episode, or adopt an open one recorded by hand without a police reference."""
    open_episode = child.episodes.filter(status=EpisodeStatus.MISSING).first()
    if open_episode is not None:
        if open_episode.police_reference:
            raise ApplicationError(
                ALREADY_MISSING_OTHER_REPORT.format(reference=open_episode.police_reference),
                code="already_missing",
            )
        episode = episode_link_police_report(
            episode=open_episode,
            police_force=force,
            police_reference=n.police_reference,
            actor=actor,
        )
        _bring_up_to_date(episode=episode, n=n, actor=actor, now=now, source=source)
        return episode, RowOutcome.UPDATED
    last_seen_location = None
    if n.last_seen_location:
        last_seen_location = location_create(
            actor=actor, description=n.last_seen_location, child_id=child.pk
        )
    episode = episode_report(
        child=child,
        actor=actor,
        episode_type=EpisodeType.MISSING,
        last_seen_at=n.last_seen_at,
        reported_at=n.reported_at,
        reported_by=ReportedBy.OTHER,
        risk=n.risk,
        police_force=force,
        police_reference=n.police_reference,
        last_seen_location=last_seen_location,
    )
    if n.pre_planned:
        MissingEpisode.objects.filter(pk=episode.pk).update(pre_planned=True)
        episode.pre_planned = True
    _bring_up_to_date(episode=episode, n=n, actor=actor, now=now, source=source)
    return episode, RowOutcome.CREATED


def _review_open(
    *,
    force: Organisation,
    n: PoliceNotification,
    match: MatchResult,
    source: str,
    police_event: PoliceEvent | None,
) -> IdentityReview:
    review = (
        IdentityReview.objects.select_for_update()
        .filter(force=force, police_reference=n.police_reference, status=ReviewStatus.OPEN)
        .first()
    )
    if review is not None and review.state_hash == n.state_hash:
        return review
    if review is None:
        review = IdentityReview(force=force, police_reference=n.police_reference, source=source)
    review.notification = n.as_json()
    review.state_hash = n.state_hash
    review.police_event = police_event or review.police_event
    review.reason = (match.reason or REVIEW_NOT_FOUND)[:300]
    review.save()
    review.candidates.all().delete()
    IdentityCandidate.objects.bulk_create(
        [
            IdentityCandidate(review=review, child_id=c.child_id, score=c.score, reasons=c.reasons)
            for c in match.candidates
        ]
    )
    return review


def _record_state(*, force: Organisation, n: PoliceNotification, episode: MissingEpisode) -> None:
    PoliceReport.objects.update_or_create(
        force=force,
        police_reference=n.police_reference,
        defaults={"state_hash": n.state_hash, "episode": episode, "updated_at": timezone.now()},
    )


@use_case
def police_notification_apply(
    *,
    force: Organisation,
    n: PoliceNotification,
    actor: Actor,
    source: str,
    child: Child | None = None,
    match: MatchResult | None = None,
    police_event: PoliceEvent | None = None,
    now: dt.datetime | None = None,
) -> Applied:
    """Bring HomeSafe up to date with one police missing report (its latest state).

    The report's episode is found by force and reference; a new report is matched to its
    child (or given `child`, decided by a person), and an uncertain one waits for review.
    Raises ValidationError or ApplicationError when it breaks a rule of the record.
    """
    now = now or timezone.now()
    episode = (
        MissingEpisode.objects.select_for_update()
        .filter(police_force=force, police_reference=n.police_reference)
        .first()
    )
    if episode is not None:
        changed = _bring_up_to_date(episode=episode, n=n, actor=actor, now=now, source=source)
        outcome = RowOutcome.UPDATED if changed else RowOutcome.UNCHANGED
    else:
        if child is None:
            match = match or IdentityMatcher(excluded=merged_child_ids()).match_one(n)
            if match.confident:
                child = Child.objects.get(pk=match.child_id)
            elif match.unknown_child and (la := force_default_local_authority(force)):
                child = _child_create_from(n=n, responsible_la=la, actor=actor)
            else:
                _review_open(
                    force=force, n=n, match=match, source=source, police_event=police_event
                )
                return Applied(RowOutcome.NEEDS_REVIEW, reason=match.reason or REVIEW_NOT_FOUND)
        _learn_identifiers(child=child, n=n, actor=actor)
        episode, outcome = _open_episode_report(
            child=child, force=force, n=n, actor=actor, now=now, source=source
        )
        IdentityReview.objects.filter(
            force=force, police_reference=n.police_reference, status=ReviewStatus.OPEN
        ).update(status=ReviewStatus.LINKED, child=child, resolved_at=now)
    if source == NotificationSource.DOWNLOAD:
        _record_state(force=force, n=n, episode=episode)
    if outcome != RowOutcome.UNCHANGED:
        facts_changed(child_ids=[episode.child_id])
    police_events_replay(force=force, police_reference=n.police_reference, episode=episode)
    return Applied(outcome, episode=episode)


def _child_create_from(
    *, n: PoliceNotification, responsible_la: Organisation, actor: Actor
) -> Child:
    if not (n.forename and n.surname and n.date_of_birth):
        raise ValidationError({"forename" if not n.forename else "surname": NEW_CHILD_NEEDS_NAME})
    nhs_taken = n.nhs_number and Child.objects.filter(nhs_number=n.nhs_number).exists()
    la_id_taken = (
        n.la_child_id
        and Child.objects.filter(responsible_la=responsible_la, la_child_id=n.la_child_id).exists()
    )
    return child_create(
        responsible_la=responsible_la,
        actor=actor,
        first_name=n.forename,
        last_name=n.surname,
        date_of_birth=n.date_of_birth,
        sex=n.sex,
        police_person_id=n.person_id,
        nhs_number="" if nhs_taken else n.nhs_number,
        la_child_id="" if la_id_taken else n.la_child_id,
        aliases=list(n.aliases),
    )


# --- Events from police systems (the API) --------------------------------------------------


@dataclass
class Received:
    event: PoliceEvent
    duplicate: bool


def _event_notification(event: PoliceEvent) -> PoliceNotification:
    from homesafe.intake.notifications import notification_parse

    values = {**event.payload, "police_reference": event.police_reference}
    values.setdefault("reported_at", event.occurred_at)
    return notification_parse(values, codes={}, now=None)


def _event_apply(event: PoliceEvent, *, actor: Actor, child: Child | None = None) -> None:
    """Apply one stored event to its episode, or keep it pending until the report arrives."""
    payload = event.payload
    if event.event_type == PoliceEventType.MISSING_REPORTED:
        applied = police_notification_apply(
            force=event.force,
            n=_event_notification(event),
            actor=actor,
            source=NotificationSource.API,
            child=child,
            police_event=event,
        )
        event.episode = applied.episode
        if applied.outcome == RowOutcome.NEEDS_REVIEW:
            event.outcome, event.outcome_message = EventOutcome.NEEDS_REVIEW, applied.reason
        else:
            event.outcome, event.outcome_message = EventOutcome.APPLIED, applied.outcome
        return
    episode = (
        MissingEpisode.objects.select_for_update()
        .filter(police_force=event.force, police_reference=event.police_reference)
        .first()
    )
    if episode is None:
        event.outcome, event.outcome_message = EventOutcome.PENDING, EPISODE_NOT_FOUND_YET
        return
    event.episode = episode
    message = ""
    if event.event_type == PoliceEventType.RISK_REGRADED:
        episode_regrade(
            episode=episode,
            grade=payload["risk"],
            graded_at=event.occurred_at,
            rationale=payload.get("rationale", ""),
            actor=actor,
        )
    elif event.event_type == PoliceEventType.SIGHTING:
        # A sighting on the episode's page, beside the partners' (homesafe.locate).
        sighting_record(
            episode=episode,
            seen_at=event.occurred_at,
            source=SightingSource.POLICE,
            place=payload.get("location", ""),
            postcode=payload.get("postcode", ""),
            note=payload.get("note", ""),
            actor=actor,
        )
    elif event.event_type in (PoliceEventType.FOUND, PoliceEventType.CLOSED):
        if episode.is_open:
            found_location = None
            if payload.get("found_location"):
                found_location = location_create(
                    actor=actor, description=payload["found_location"], child_id=episode.child_id
                )
            episode_record_return(
                episode=episode,
                returned_at=event.occurred_at,
                found_by=payload.get("found_by") or "other",
                found_location=found_location,
                actor=actor,
            )
        elif event.event_type == PoliceEventType.FOUND:
            message = "The episode had already ended."
            if episode_apply_police_times(
                episode=episode,
                times=PoliceTimes(returned_at=event.occurred_at),
                source=NotificationSource.API,
                actor=actor,
            ):
                message = "The episode had already ended: its found time is now the police's."
        if event.event_type == PoliceEventType.CLOSED:
            episode_record_police_closure(
                episode=episode,
                closed_reason=payload.get("closed_reason", ""),
                closed_at=event.occurred_at,
                actor=actor,
            )
    event.outcome, event.outcome_message = EventOutcome.APPLIED, message
    event.applied_at = timezone.now()
    if event.event_type != PoliceEventType.SIGHTING:
        facts_changed(child_ids=[episode.child_id])


def _event_apply_safely(event: PoliceEvent, *, actor: Actor, child: Child | None = None) -> None:
    """Apply in a savepoint; a broken rule rejects the event (kept, with the reason)."""
    try:
        with transaction.atomic():
            _event_apply(event, actor=actor, child=child)
    except (ValidationError, ApplicationError, NotificationError) as error:
        if isinstance(error, NotificationError):
            code, message = "invalid", error.reason
        elif isinstance(error, ApplicationError):
            code, message = error.code, error.message
        else:
            code, message = "invalid", error_field_and_reason(error)[1]
        event.outcome, event.outcome_code, event.outcome_message = (
            EventOutcome.REJECTED,
            code,
            message[:500],
        )
    event.save()


@use_case
def police_event_receive(
    *,
    force: Organisation,
    event_type: str,
    police_reference: str,
    event_id: str,
    occurred_at: dt.datetime,
    payload: dict,
    actor: ClientActor,
) -> Received:
    """Record an event from a police system and apply it; the same event again changes nothing."""
    key = {"force": force, "police_reference": police_reference, "event_id": event_id}
    existing = PoliceEvent.objects.filter(**key).first()
    if existing is not None:
        return Received(existing, duplicate=True)
    try:
        with transaction.atomic():
            event = PoliceEvent.objects.create(
                **key,
                event_type=PoliceEventType(event_type),
                occurred_at=occurred_at,
                payload=payload,
                outcome=EventOutcome.PENDING,
                client_label=actor.label[:200],
            )
    except IntegrityError:  # the same event, sent twice at once: the other one won
        return Received(PoliceEvent.objects.get(**key), duplicate=True)
    _event_apply_safely(event, actor=actor)
    return Received(event, duplicate=False)


def police_events_replay(
    *, force: Organisation, police_reference: str, episode: MissingEpisode
) -> int:
    """Apply the events that arrived before their missing report, in the order they happened."""
    pending = list(
        PoliceEvent.objects.filter(
            force=force, police_reference=police_reference, outcome=EventOutcome.PENDING
        )
        .exclude(event_type=PoliceEventType.MISSING_REPORTED)
        .order_by("occurred_at", "id")
    )
    for event in pending:
        _event_apply_safely(event, actor=ClientActor(event.client_label))
    return len(pending)


# --- Identity review ---------------------------------------------------------------------


@use_case
def identity_review_resolve(
    *, review: IdentityReview, actor: User, child: Child | None = None, create_new: bool = False
) -> Applied:
    """The missing coordinator decides who the notification is about; then it is applied."""
    review = IdentityReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.OPEN:
        raise ApplicationError(REVIEW_NOT_OPEN, code="review_closed")
    if (child is None) == (not create_new):
        raise ValidationError({"decision": REVIEW_CHOOSE})
    n = PoliceNotification.from_json(review.notification)
    if create_new:
        child = _child_create_from(n=n, responsible_la=actor.organisation, actor=actor)
        review.status = ReviewStatus.CREATED
    else:
        review.status = ReviewStatus.LINKED
    review.child, review.resolved_by, review.resolved_at = child, actor, timezone.now()
    review.save(update_fields=["status", "child", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        verb=AuditVerb.IDENTITY_REVIEWED,
        target=review,
        child_id=child.pk,
        payload={"decision": review.status},
    )
    if review.police_event_id:
        event = PoliceEvent.objects.select_for_update().get(pk=review.police_event_id)
        _event_apply(event, actor=ClientActor(event.client_label), child=child)
        event.save()
        if event.outcome == EventOutcome.APPLIED:
            return Applied(RowOutcome.CREATED, episode=event.episode)
        return Applied(RowOutcome.REJECTED, reason=event.outcome_message)
    return police_notification_apply(
        force=review.force,
        n=n,
        actor=actor,
        source=NotificationSource.DOWNLOAD,
        child=child,
    )
