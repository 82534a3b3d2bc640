"""Writes to missing episodes: report, re-grade, return. Each in a transaction, audited."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb, OrganisationType
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.access.times import not_in_future
from homesafe.access.transitions import check_transition
from homesafe.episodes.choices import (
    ALLOWED_TRANSITIONS,
    EpisodeStatus,
    EpisodeType,
    FoundBy,
    LocationKind,
    PrePlannedIndicator,
    ReportedBy,
    RiskGrade,
)
from homesafe.episodes.events import EpisodeReturned
from homesafe.episodes.models import Location, MissingEpisode, RiskGrading
from homesafe.episodes.postcodes import postcode_lookup
from homesafe.people.models import Child
from homesafe.people.validators import normalise_postcode
from homesafe.use_cases import announce, facts_changed, use_case

OVERLAPS_EARLIER = (
    "The child was already missing then: an earlier episode runs until {until}. "
    "Check the time last seen."
)
ALREADY_MISSING = (
    "This child already has an open missing episode (from {since}); record its return first."
)
REPORTED_BEFORE_LAST_SEEN = "The report to police cannot be before the child was last seen."
RETURN_BEFORE_LAST_SEEN = "The return cannot be before the child was last seen."
DUPLICATE_REFERENCE = "An episode with this police reference already exists for this force."
REGRADE_CLOSED = "The child has returned: a closed episode is not re-graded."
GRADED_BEFORE_REPORT = "A grading cannot be before the child was last seen."


def episode_check_transition(episode: MissingEpisode, *, to: str) -> None:
    check_transition(
        allowed=ALLOWED_TRANSITIONS,
        statuses=EpisodeStatus,
        record="episode",
        current=episode.status,
        to=to,
    )


def _actor_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


@use_case
def location_create(
    *,
    actor: Actor,
    kind: str = LocationKind.OTHER,
    description: str = "",
    address: str = "",
    postcode: str = "",
    child_id: int | None = None,
) -> Location:
    """A place, with coordinates looked up from its postcode when the postcode is known."""
    location = Location(
        kind=LocationKind(kind),
        description=description.strip(),
        address=address.strip(),
        postcode=normalise_postcode(postcode) if postcode else "",
    )
    if location.postcode:
        point = postcode_lookup(location.postcode)
        if point is not None:
            location.latitude, location.longitude = point.latitude, point.longitude
    location.full_clean()
    location.save()
    audit_record(actor=actor, verb=AuditVerb.LOCATION_CREATED, target=location, child_id=child_id)
    return location


@use_case
def episode_report(
    *,
    child: Child,
    actor: Actor,
    episode_type: str,
    last_seen_at: datetime,
    reported_at: datetime,
    reported_by: str,
    risk: str,
    police_force: Organisation | None = None,
    police_reference: str = "",
    last_seen_location: Location | None = None,
    circumstances: str = "",
    description_and_clothing: str = "",
    reported_by_name: str = "",
    pre_planned_indicators: list[str] | None = None,
    exploitation_concern: bool = False,
    trafficking_concern: bool = False,
) -> MissingEpisode:
    """Record that a child is missing or away, with the police's first risk grading."""
    Child.objects.select_for_update().filter(pk=child.pk).first()  # one report at a time per child
    open_episode = child.episodes.filter(status=EpisodeStatus.MISSING).first()
    if open_episode is not None:
        raise ApplicationError(
            ALREADY_MISSING.format(
                since=timezone.localtime(open_episode.last_seen_at).strftime("%d/%m/%Y %H:%M")
            ),
            code="already_missing",
        )
    not_in_future(last_seen_at, field="last_seen_at")
    not_in_future(reported_at, field="reported_at")
    overlapping = (
        child.episodes.filter(returned_at__gt=last_seen_at)
        .exclude(status=EpisodeStatus.VOIDED)
        .order_by("-returned_at")
        .first()
    )
    if overlapping is not None:
        until = timezone.localtime(overlapping.returned_at).strftime("%d/%m/%Y %H:%M")
        raise ValidationError({"last_seen_at": OVERLAPS_EARLIER.format(until=until)})
    if reported_at < last_seen_at:
        raise ValidationError({"reported_at": REPORTED_BEFORE_LAST_SEEN})
    if police_force is not None and police_force.type != OrganisationType.POLICE:
        raise ValidationError({"police_force": "Choose a police force."})
    if (
        police_reference.strip()
        and MissingEpisode.objects.filter(
            police_force=police_force, police_reference=police_reference.strip()
        ).exists()
    ):
        raise ValidationError({"police_reference": DUPLICATE_REFERENCE})
    indicators = [PrePlannedIndicator(i).value for i in pre_planned_indicators or []]
    episode = MissingEpisode(
        child=child,
        episode_type=EpisodeType(episode_type),
        last_seen_at=last_seen_at,
        last_seen_location=last_seen_location,
        reported_at=reported_at,
        police_force=police_force,
        police_reference=police_reference.strip(),
        circumstances=circumstances,
        description_and_clothing=description_and_clothing,
        reported_by=ReportedBy(reported_by),
        reported_by_name=reported_by_name,
        pre_planned=bool(indicators),
        pre_planned_indicators=indicators,
        exploitation_concern=exploitation_concern,
        trafficking_concern=trafficking_concern,
        created_by=_actor_user(actor),
    )
    episode.full_clean()
    episode.save()
    RiskGrading.objects.create(
        episode=episode,
        grade=RiskGrade(risk),
        graded_at=reported_at,
        recorded_by=_actor_user(actor),
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.EPISODE_REPORTED,
        target=episode,
        payload={"episode_type": episode.episode_type, "risk": risk},
    )
    facts_changed(child_id=child.pk)
    return episode


@use_case
def episode_regrade(
    *, episode: MissingEpisode, grade: str, graded_at: datetime, actor: Actor, rationale: str = ""
) -> RiskGrading:
    episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
    if not episode.is_open:
        raise ApplicationError(REGRADE_CLOSED, code="episode_closed")
    not_in_future(graded_at, field="graded_at")
    if graded_at < episode.last_seen_at:
        raise ValidationError({"graded_at": GRADED_BEFORE_REPORT})
    grading = RiskGrading(
        episode=episode,
        grade=RiskGrade(grade),
        graded_at=graded_at,
        rationale=rationale,
        recorded_by=_actor_user(actor),
    )
    grading.full_clean()
    grading.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.EPISODE_REGRADED,
        target=episode,
        payload={"grade": grade, "grading_id": grading.pk},
    )
    facts_changed(child_id=episode.child_id)
    return grading


@use_case
def episode_record_return(
    *,
    episode: MissingEpisode,
    returned_at: datetime,
    found_by: str,
    actor: Actor,
    found_location: Location | None = None,
    stayed_where: str = "",
    stayed_with: str = "",
) -> MissingEpisode:
    episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
    episode_check_transition(episode, to=EpisodeStatus.RETURNED)
    not_in_future(returned_at, field="returned_at")
    if returned_at < episode.last_seen_at:
        raise ValidationError({"returned_at": RETURN_BEFORE_LAST_SEEN})
    episode.status = EpisodeStatus.RETURNED
    episode.returned_at = returned_at
    episode.found_by = FoundBy(found_by)
    episode.found_location = found_location
    episode.stayed_where, episode.stayed_with = stayed_where, stayed_with
    episode.full_clean()
    episode.save(
        update_fields=[
            "status",
            "returned_at",
            "found_by",
            "found_location",
            "stayed_where",
            "stayed_with",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor, verb=AuditVerb.EPISODE_RETURNED, target=episode, payload={"found_by": found_by}
    )
    # The partnership's default provider gets the referral (the interviews app subscribes),
    # before the use case's re-plan gives it the interview duties.
    announce(EpisodeReturned(episode_id=episode.pk, actor=actor))
    facts_changed(child_id=episode.child_id)
    return episode


# --- Police intake (homesafe/intake): linking and closing from police systems ---
# (A police sighting is a sighting of the search: homesafe.locate.services.sighting_record.)

POLICE_REFERENCE_TAKEN = "The episode already has police reference {reference}."
CLOSED_BEFORE_LAST_SEEN = "The report cannot be closed before the child was last seen."


@use_case
def episode_link_police_report(
    *, episode: MissingEpisode, police_force: Organisation, police_reference: str, actor: Actor
) -> MissingEpisode:
    """Give an episode recorded by hand (no police reference) the police's force and reference."""
    episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
    if episode.police_reference:
        raise ApplicationError(
            POLICE_REFERENCE_TAKEN.format(reference=episode.police_reference),
            code="police_reference_taken",
        )
    if police_force.type != OrganisationType.POLICE:
        raise ValidationError({"police_force": "Choose a police force."})
    if MissingEpisode.objects.filter(
        police_force=police_force, police_reference=police_reference.strip()
    ).exists():
        raise ValidationError({"police_reference": DUPLICATE_REFERENCE})
    episode.police_force, episode.police_reference = police_force, police_reference.strip()
    episode.full_clean()
    episode.save(update_fields=["police_force", "police_reference", "updated_at"])
    audit_record(
        actor=actor,
        verb=AuditVerb.EPISODE_POLICE_LINKED,
        target=episode,
        payload={"police_force_id": police_force.pk},
    )
    return episode


@use_case
def episode_record_police_closure(
    *, episode: MissingEpisode, closed_reason: str, closed_at: datetime, actor: Actor
) -> MissingEpisode:
    """The police closed their report, giving their reason (the episode's return is recorded apart)."""
    episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
    not_in_future(closed_at, field="police_closed_at")
    if closed_at < episode.last_seen_at:
        raise ValidationError({"police_closed_at": CLOSED_BEFORE_LAST_SEEN})
    episode.police_closed_reason = closed_reason.strip()[:200]
    episode.police_closed_at = closed_at
    episode.full_clean()
    episode.save(update_fields=["police_closed_reason", "police_closed_at", "updated_at"])
    audit_record(actor=actor, verb=AuditVerb.EPISODE_POLICE_CLOSED, target=episode)
    facts_changed(child_id=episode.child_id)
    return episode
