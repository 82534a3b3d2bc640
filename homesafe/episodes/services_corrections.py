"""Correcting an episode's details, and voiding an episode recorded in error (docs/adr/0004).

Both take a reason, keep what was there before (the correction's history row and the audit
entry), carry the version the person or client saw (homesafe.access.edits) and re-plan the
child's duties. A voided episode stays on the child's record, labelled, and leaves everything
else: counts, lists, "missing now", the screening list and the protocol's facts.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb, OrganisationType
from homesafe.access.edits import edit_check, edit_version
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.access.times import not_in_future
from homesafe.episodes.choices import (
    EpisodeStatus,
    EpisodeType,
    FoundBy,
    PrePlannedIndicator,
    ReportedBy,
    RiskGrade,
)
from homesafe.episodes.events import EpisodeVoided
from homesafe.episodes.models import EpisodeCorrection, Location, MissingEpisode, RiskGrading
from homesafe.episodes.services import (
    DUPLICATE_REFERENCE,
    REPORTED_BEFORE_LAST_SEEN,
    RETURN_BEFORE_LAST_SEEN,
    episode_check_transition,
)
from homesafe.use_cases import announce, facts_changed, use_case

REASON_MISSING = "Enter why you are correcting this episode"
VOID_REASON_MISSING = "Enter why this episode was recorded in error"
NOTHING_CHANGED = "Change at least one detail of the episode, or go back"
EPISODE_VOIDED = "This episode was recorded in error: it cannot be changed."
ALREADY_VOIDED = "This episode is already recorded in error."
RETURN_ONLY = "The child has not returned: record the return instead of correcting it."
OVERLAPS_OTHER = (
    "The child was already missing then: another episode runs from {start} until {end}. "
    "Check the times."
)
CHOOSE = "Choose one of the options"
TIME_MISSING = "Enter the date and time"
CHOOSE_FORCE = "Choose a police force."
REASON_MAX_LENGTH = 1000

# What a correction may change: what the report and return forms record.
CORRECTABLE_FIELDS = (
    "episode_type",
    "last_seen_at",
    "last_seen_location",
    "reported_at",
    "reported_by",
    "reported_by_name",
    "police_force",
    "police_reference",
    "risk",
    "pre_planned_indicators",
    "exploitation_concern",
    "trafficking_concern",
    "circumstances",
    "description_and_clothing",
    "returned_at",
    "found_by",
    "found_location",
    "stayed_where",
    "stayed_with",
)
# Only a returned episode has these.
RETURN_FIELDS = {"returned_at", "found_by", "found_location", "stayed_where", "stayed_with"}
# The times the police's download and API give for an episode they report: theirs win.
POLICE_TIMES = {"last_seen_at", "reported_at", "returned_at"}
# Free text about the child and the people around them: the audit names these fields but
# keeps no copy of their values (the correction's own history row, in the record, does).
FREE_TEXT = {
    "reported_by_name",
    "circumstances",
    "description_and_clothing",
    "stayed_where",
    "stayed_with",
}
FIELD_LABELS = {
    "episode_type": "Missing or away",
    "last_seen_at": "Last seen",
    "last_seen_location": "Where last seen",
    "reported_at": "Reported to police",
    "reported_by": "Reported by",
    "reported_by_name": "Name of who reported",
    "police_force": "Police force",
    "police_reference": "Police reference",
    "risk": "Current police risk",
    "pre_planned_indicators": "Signs the absence was planned",
    "exploitation_concern": "Exploitation concern",
    "trafficking_concern": "Trafficking concern",
    "circumstances": "What happened before",
    "description_and_clothing": "Description and clothing",
    "returned_at": "Found or returned",
    "found_by": "How the child came back",
    "found_location": "Where found",
    "stayed_where": "Where the child stayed",
    "stayed_with": "Who the child was with",
}
_CHOICES: dict[str, type[Enum]] = {
    "episode_type": EpisodeType,
    "reported_by": ReportedBy,
    "risk": RiskGrade,
    "found_by": FoundBy,
}


def _current_grading(episode: MissingEpisode) -> RiskGrading | None:
    return episode.gradings.order_by("-graded_at", "-id").first()


def episode_values(episode: MissingEpisode) -> dict[str, object]:
    """The episode's correctable values (ids for related rows): what its version is made of."""
    grading = _current_grading(episode)
    values: dict[str, object] = {}
    for name in CORRECTABLE_FIELDS:
        if name == "risk":
            values[name] = grading.grade if grading else ""
        elif name in ("police_force", "last_seen_location", "found_location"):
            values[name] = getattr(episode, f"{name}_id")
        elif name == "pre_planned_indicators":
            values[name] = sorted(episode.pre_planned_indicators)
        else:
            values[name] = getattr(episode, name)
    values["status"] = episode.status
    return values


def episode_edit_version(episode: MissingEpisode) -> str:
    """The version a correction or a void sends back (a form's hidden field, the API's ETag)."""
    return edit_version(episode_values(episode))


def _shown(name: str, value: object) -> object:
    """A value as the history shows it: times in London, codes as their labels."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%-d %b %Y %H:%M")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name in _CHOICES:
        return _CHOICES[name](value).label
    if name == "pre_planned_indicators":
        return ", ".join(PrePlannedIndicator(v).label for v in value)
    return str(value)


def _audited(name: str, value: object) -> object:
    """A value as the audit entry keeps it: times in ISO 8601, codes and ids."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Organisation | Location):
        return value.pk
    return value


def _clean(episode: MissingEpisode, changes: dict[str, object]) -> dict[str, object]:
    """The changes, checked field by field (a ValidationError names the field)."""
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise TypeError(f"episode_correct() got unexpected fields {sorted(unknown)}")
    cleaned: dict[str, object] = {}
    for name, value in changes.items():
        if name in RETURN_FIELDS and not episode.returned_at:
            raise ValidationError({name: RETURN_ONLY})
        if name in _CHOICES:
            try:
                value = _CHOICES[name](value).value
            except ValueError:
                raise ValidationError({name: CHOOSE}) from None
        elif name == "pre_planned_indicators":
            try:
                value = sorted(PrePlannedIndicator(v).value for v in value or [])
            except ValueError:
                raise ValidationError({name: CHOOSE}) from None
        elif name in ("exploitation_concern", "trafficking_concern"):
            value = bool(value)
        elif isinstance(value, str):
            value = value.strip()
        if name in POLICE_TIMES:
            if value is None:
                raise ValidationError({name: TIME_MISSING})
            not_in_future(value, field=name)
        if (
            name == "police_force"
            and value is not None
            and (not isinstance(value, Organisation) or value.type != OrganisationType.POLICE)
        ):
            raise ValidationError({name: CHOOSE_FORCE})
        cleaned[name] = value
    return cleaned


def _check_times(episode: MissingEpisode, after: dict[str, object]) -> None:
    last_seen, reported, returned = (
        after["last_seen_at"],
        after["reported_at"],
        after["returned_at"],
    )
    if reported < last_seen:
        raise ValidationError({"reported_at": REPORTED_BEFORE_LAST_SEEN})
    if returned is not None and returned < last_seen:
        raise ValidationError({"returned_at": RETURN_BEFORE_LAST_SEEN})
    # Another episode of the child (not recorded in error) whose time overlaps this one's.
    other = (
        MissingEpisode.objects.filter(
            child_id=episode.child_id, last_seen_at__lt=returned or timezone.now()
        )
        .exclude(pk=episode.pk)
        .exclude(status=EpisodeStatus.VOIDED)
        .exclude(returned_at__lte=last_seen)
        .order_by("last_seen_at")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "last_seen_at": OVERLAPS_OTHER.format(
                    start=_shown("last_seen_at", other.last_seen_at),
                    end=_shown("returned_at", other.returned_at) or "now",
                )
            }
        )


def _check_reference(episode: MissingEpisode, after: dict[str, object]) -> None:
    reference = after["police_reference"]
    if not reference:
        return
    if after["police_force"] is None:
        raise ValidationError({"police_force": "Choose the police force that gave this reference"})
    taken = (
        MissingEpisode.objects.filter(
            police_force_id=after["police_force"], police_reference=reference
        )
        .exclude(pk=episode.pk)
        .exists()
    )
    if taken:
        raise ValidationError({"police_reference": DUPLICATE_REFERENCE})


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"The reason must be {REASON_MAX_LENGTH} characters or fewer"}
        )
    return reason


def _lock(episode: MissingEpisode) -> MissingEpisode:
    return (
        MissingEpisode.objects.select_for_update(of=("self",))
        .select_related("police_force", "last_seen_location", "found_location")
        .get(pk=episode.pk)
    )


@use_case
def episode_correct(
    *,
    episode: MissingEpisode,
    changes: dict[str, object],
    reason: str,
    actor: Actor,
    version: str | None = None,
) -> EpisodeCorrection:
    """Correct an episode's details (CORRECTABLE_FIELDS) with the reason; the values before are
    kept in the correction's history row and the audit entry, and the duties are re-planned.

    `changes` holds only what the person changed or every field of the form: fields whose
    value stays the same are left out of the correction. `risk` corrects the grade of the
    current police grading in place (a grading recorded wrongly, not a re-grading). With
    `version` (episode_edit_version of what the person saw), a correction made after someone
    else's change is refused with StaleEdit naming the fields they changed.
    """
    reason = _reason(reason, REASON_MISSING)
    episode = _lock(episode)
    if episode.is_voided:
        raise ApplicationError(EPISODE_VOIDED, code="episode_voided")
    before = episode_values(episode)
    edit_check(version=version, current=before)
    cleaned = _clean(episode, changes)
    after_ids = {
        name: value.pk if isinstance(value, Organisation | Location) else value
        for name, value in cleaned.items()
    }
    changed = sorted(name for name in cleaned if after_ids[name] != before[name])
    if not changed:
        raise ValidationError(NOTHING_CHANGED)
    after = {**before, **{name: after_ids[name] for name in changed}}
    if POLICE_TIMES & set(changed):
        _check_times(episode, after)
    if "police_force" in changed or "police_reference" in changed:
        _check_reference(episode, after)
    shown_before = {
        "last_seen_location": str(episode.last_seen_location or ""),
        "found_location": str(episode.found_location or ""),
        "police_force": episode.police_force.name if episode.police_force else "",
    }
    history = {}
    for name in changed:
        value = cleaned[name]
        old = shown_before.get(name, before[name])
        new = value.name if isinstance(value, Organisation) else value
        history[name] = [_shown(name, old), _shown(name, new)]
        if name == "risk":
            grading = _current_grading(episode)
            if grading is None:
                RiskGrading.objects.create(
                    episode=episode,
                    grade=value,
                    graded_at=after["reported_at"],
                    recorded_by=actor if isinstance(actor, User) else None,
                    rationale=f"Corrected: {reason}"[:2000],
                )
            else:
                grading.grade = value
                grading.save(update_fields=["grade"])
        else:
            setattr(episode, name, value)
    if "pre_planned_indicators" in changed:
        episode.pre_planned = bool(episode.pre_planned_indicators)
    episode.full_clean()
    episode.save()
    correction = EpisodeCorrection.objects.create(
        episode=episode,
        corrected_by=actor if isinstance(actor, User) else None,
        corrected_by_label="" if isinstance(actor, User) else actor.label,
        reason=reason,
        changes=history,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.EPISODE_CORRECTED,
        target=episode,
        payload={
            "correction_id": correction.pk,
            "fields": changed,
            "before": {n: _audited(n, before[n]) for n in changed if n not in FREE_TEXT},
            "after": {n: _audited(n, after[n]) for n in changed if n not in FREE_TEXT},
        },
    )
    facts_changed(child_id=episode.child_id)
    return correction


@use_case
def episode_void(
    *, episode: MissingEpisode, reason: str, actor: Actor, version: str | None = None
) -> MissingEpisode:
    """Mark an episode recorded in error, with the reason: its open duties are closed as not
    needed with that reason, and the child's other duties re-planned without it (the
    protocol's facts leave voided episodes out). The episode stays on the record, labelled."""
    reason = _reason(reason, VOID_REASON_MISSING)
    episode = _lock(episode)
    if episode.is_voided:
        raise ApplicationError(ALREADY_VOIDED, code="episode_voided")
    edit_check(version=version, current=episode_values(episode))
    episode_check_transition(episode, to=EpisodeStatus.VOIDED)
    previous = episode.status
    episode.status = EpisodeStatus.VOIDED
    episode.voided_at = timezone.now()
    episode.voided_by = actor if isinstance(actor, User) else None
    episode.void_reason = reason
    episode.full_clean()
    episode.save(update_fields=["status", "voided_at", "voided_by", "void_reason", "updated_at"])
    # Its open duties are closed with the reason (the duties app subscribes), so whoever owned
    # one reads why rather than the re-plan's generic "no longer needed".
    announcement = EpisodeVoided(episode_id=episode.pk, reason=reason, actor=actor)
    closed = sorted(pk for ids in announce(announcement) for pk in ids)
    audit_record(
        actor=actor,
        verb=AuditVerb.EPISODE_VOIDED,
        target=episode,
        payload={"previous_status": previous, "duties_closed": closed},
    )
    facts_changed(child_id=episode.child_id)
    return episode
