"""Reads of missing episodes, always through the access gate (an episode is seen with its child)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.access.policy import child_scope
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import EpisodeCorrection, MissingEpisode, RiskGrading
from homesafe.people.models import Child


def _with_current_risk(episodes: QuerySet[MissingEpisode]) -> QuerySet[MissingEpisode]:
    latest = RiskGrading.objects.filter(episode=OuterRef("pk")).order_by("-graded_at", "-id")
    return episodes.annotate(current_risk=Subquery(latest.values("grade")[:1]))


def episodes_visible_to(*, user: User, include_voided: bool = False) -> QuerySet[MissingEpisode]:
    """Episodes of the children the user may see. Those recorded in error are left out (lists,
    counts, the screening list) unless asked for: only the record and the audit show them."""
    visible_children = Child.objects.filter(child_scope(user)).values("pk")
    episodes = MissingEpisode.objects.filter(child_id__in=visible_children)
    if not include_voided:
        episodes = episodes.exclude(status=EpisodeStatus.VOIDED)
    return _with_current_risk(episodes)


def episodes_for_child(*, child: Child) -> QuerySet[MissingEpisode]:
    """A child's episodes, newest first; the caller has already passed the gate for the child.
    Episodes recorded in error are included (the record shows them, labelled): leave them out
    with `.exclude(status=EpisodeStatus.VOIDED)` wherever they would count."""
    return _with_current_risk(
        MissingEpisode.objects.filter(child=child).select_related(
            "police_force", "last_seen_location", "found_location"
        )
    ).order_by("-last_seen_at")


def episodes_open_visible_to(*, user: User) -> QuerySet[MissingEpisode]:
    return (
        episodes_visible_to(user=user)
        .filter(status=EpisodeStatus.MISSING)
        .select_related("child", "police_force")
        .order_by("last_seen_at")
    )


def children_missing_now(*, child_ids: list[int]) -> set[int]:
    """Which of these children (already through the gate) have an episode still open."""
    return set(
        MissingEpisode.objects.filter(
            child_id__in=child_ids, status=EpisodeStatus.MISSING
        ).values_list("child_id", flat=True)
    )


def episode_get_for_user_or_404(
    *, user: User, episode_id: int, log_read: bool = True
) -> MissingEpisode:
    # The gate, then the episode with what its pages show, in two queries. In one, PostgreSQL's
    # planner took 6 to 13 ms ordering the gate's subquery and ten joined relations for a
    # lookup that runs in 0.3 ms; apart, about 0.5 ms and 1.7 ms (docs/benchmarks.md). Who
    # created or voided the episode is read only where a page shows it.
    if not episodes_visible_to(user=user, include_voided=True).filter(pk=episode_id).exists():
        raise Http404("No episode found")
    episode = _with_current_risk(
        MissingEpisode.objects.select_related(
            "child__responsible_la",
            "child__allocated_social_worker",
            "police_force",
            "last_seen_location",
            "found_location",
        )
    ).get(pk=episode_id)
    if log_read:  # a change is audited by its service instead
        audit_record(actor=user, verb=AuditVerb.EPISODE_VIEWED, target=episode)
    return episode


def episode_corrections(*, episode: MissingEpisode) -> list[EpisodeCorrection]:
    """The corrections of an episode the caller has already read through the gate, newest first."""
    return list(episode.corrections.select_related("corrected_by__organisation"))


def episode_corrections_for_child(*, child: Child) -> list[EpisodeCorrection]:
    """The corrections of all a child's episodes (the caller has passed the gate), newest first."""
    return list(
        EpisodeCorrection.objects.filter(episode__child=child).select_related(
            "corrected_by__organisation", "episode"
        )
    )


def episode_counts_by_child(*, child_ids: list[int], since: datetime) -> dict[int, int]:
    """How many episodes (not recorded in error) each of these children (already through the
    gate) had reported since a time; children with none are left out."""
    rows = (
        MissingEpisode.objects.filter(child_id__in=child_ids, reported_at__gte=since)
        .exclude(status=EpisodeStatus.VOIDED)
        .values("child_id")
        .annotate(n=Count("pk"))
        .values_list("child_id", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class EpisodePlaceRow:
    """Where and when one episode began and ended, for patterns across children."""

    episode_id: int
    child_id: int
    reported_at: datetime
    last_seen_at: datetime
    last_seen: tuple | None  # (location id, latitude, longitude, description, address, postcode)
    found: tuple | None


_PLACE_FIELDS = ("id", "latitude", "longitude", "description", "address", "postcode")


def episode_places_for_children(
    *, children: QuerySet[Child], reported_from: datetime, reported_before: datetime
) -> list[EpisodePlaceRow]:
    """The episodes (not recorded in error) reported in [from, before) of children the caller has
    put through the gate, with their last-seen and found places, in one query."""
    seen = [f"last_seen_location__{f}" for f in _PLACE_FIELDS]
    found = [f"found_location__{f}" for f in _PLACE_FIELDS]
    rows = (
        MissingEpisode.objects.filter(
            child__in=children.values("pk"),
            reported_at__gte=reported_from,
            reported_at__lt=reported_before,
        )
        .exclude(status=EpisodeStatus.VOIDED)
        .values_list("pk", "child_id", "reported_at", "last_seen_at", *seen, *found)
    )
    n = len(_PLACE_FIELDS)
    return [
        EpisodePlaceRow(
            episode_id=row[0],
            child_id=row[1],
            reported_at=row[2],
            last_seen_at=row[3],
            last_seen=row[4 : 4 + n] if row[4] is not None else None,
            found=row[4 + n : 4 + 2 * n] if row[4 + n] is not None else None,
        )
        for row in rows
    ]


def place_key(*, location_id: int, postcode: str, address: str) -> str:
    """One key for one place across location records: two records with the same postcode and
    address (ignoring case, commas and spacing) are one place; a record without both is itself."""
    address = " ".join(address.lower().replace(",", " ").split())
    if postcode and address:
        return f"{postcode}|{address}"
    return f"#{location_id}"


def episode_report_times_for_children(
    *, child_ids: list[int], reported_from: datetime, reported_before: datetime
) -> dict[int, list[datetime]]:
    """When each of these children's episodes (not recorded in error) was reported, within
    [from, before); the caller has put the children through the gate."""
    times: dict[int, list[datetime]] = {}
    rows = (
        MissingEpisode.objects.filter(
            child_id__in=child_ids, reported_at__gte=reported_from, reported_at__lt=reported_before
        )
        .exclude(status=EpisodeStatus.VOIDED)
        .values_list("child_id", "reported_at")
    )
    for child_id, reported_at in rows:
        times.setdefault(child_id, []).append(reported_at)
    return times
