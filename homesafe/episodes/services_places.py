"""Episode writes that take a place as words and a postcode, as the pages do: the new place
and the episode's change are one use case (homesafe.use_cases), so both are written or
neither, and the child is re-planned once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homesafe.access.audit import Actor
from homesafe.episodes.choices import LocationKind
from homesafe.episodes.models import EpisodeCorrection, Location, MissingEpisode
from homesafe.episodes.services import episode_record_return, episode_report, location_create
from homesafe.episodes.services_corrections import episode_correct
from homesafe.people.models import Child
from homesafe.use_cases import use_case


def _place(
    *, actor: Actor, description: str, postcode: str, kind: str, child_id: int
) -> Location | None:
    if not (description or postcode):
        return None
    return location_create(
        actor=actor, kind=kind, description=description, postcode=postcode, child_id=child_id
    )


@use_case
def episode_report_at_place(
    *, child: Child, actor: Actor, last_seen_place: str, last_seen_postcode: str, **report: Any
) -> MissingEpisode:
    """Report a child missing or away (episode_report's arguments), last seen at a new place
    (none when both are blank)."""
    place = _place(
        actor=actor,
        description=last_seen_place,
        postcode=last_seen_postcode,
        kind=LocationKind.OTHER,
        child_id=child.pk,
    )
    return episode_report(child=child, actor=actor, last_seen_location=place, **report)


@use_case
def episode_record_return_at_place(
    *,
    episode: MissingEpisode,
    actor: Actor,
    returned_at: datetime,
    found_by: str,
    found_place: str,
    found_postcode: str,
    found_place_kind: str = "",
    stayed_where: str = "",
    stayed_with: str = "",
) -> MissingEpisode:
    """Record the return, found at a new place (none when both are blank)."""
    place = _place(
        actor=actor,
        description=found_place,
        postcode=found_postcode,
        kind=found_place_kind or LocationKind.OTHER,
        child_id=episode.child_id,
    )
    return episode_record_return(
        episode=episode,
        returned_at=returned_at,
        found_by=found_by,
        actor=actor,
        found_location=place,
        stayed_where=stayed_where,
        stayed_with=stayed_with,
    )


@use_case
def episode_correct_with_places(
    *,
    episode: MissingEpisode,
    changes: dict[str, object],
    places: dict[str, tuple[str, str]],
    reason: str,
    actor: Actor,
    version: str | None = None,
) -> EpisodeCorrection:
    """Correct the episode (episode_correct) and give it new places: `places` maps "last_seen"
    or "found" to the (description, postcode) the person entered, for the places they changed.
    Places are shared, never edited: a changed one is a new place, or none when blank."""
    changes = dict(changes)
    for prefix, (description, postcode) in places.items():
        current = getattr(episode, f"{prefix}_location")
        changes[f"{prefix}_location"] = _place(
            actor=actor,
            description=description,
            postcode=postcode,
            kind=current.kind if current else LocationKind.OTHER,
            child_id=episode.child_id,
        )
    return episode_correct(
        episode=episode, changes=changes, reason=reason, actor=actor, version=version
    )
