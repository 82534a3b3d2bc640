"""Children missing together: a child's episodes that overlap in time with an episode of a child
linked to them as a brother or sister or a member of their household (people.ChildRelationship).
The child's story and the CMO's screening list show such episodes as one event, naming each
companion the user may see. Reads only: the caller has passed the access gate for the episodes.

Need to know: a family link is casework (docs/safety-plans.md), so companions are limited to the
children whose casework the user may see, and a child the user may not see is neither named nor
counted ("and 1 other child" would tell them that a child they may not know of exists and was
missing; docs/access.md: such a child is as if it did not exist)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from homesafe.access.models import User
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import MissingEpisode
from homesafe.people.choices import RelationshipKind
from homesafe.people.models import ChildRelationship
from homesafe.people.queries import children_visible_to, children_with_casework_visible_to


@dataclass(frozen=True)
class Companion:
    """An episode of a linked child that overlaps the episode it is listed under."""

    episode_id: int
    child_id: int
    child_name: str
    relationship: str  # in words: "Brother or sister"
    last_seen_at: datetime
    returned_at: datetime | None  # None: missing now


def _overlap(a: MissingEpisode, b: MissingEpisode, now: datetime) -> bool:
    return a.last_seen_at <= (b.returned_at or now) and b.last_seen_at <= (a.returned_at or now)


def episodes_missing_together(
    *, user: User, episodes: Iterable[MissingEpisode]
) -> dict[int, list[Companion]]:
    """Episode id -> the overlapping episodes of linked children whose casework the user may
    see, in three queries for any number of episodes. Episodes recorded in error take no part."""
    episodes = [e for e in episodes if e.status != EpisodeStatus.VOIDED]
    if not episodes:
        return {}
    links: dict[int, dict[int, str]] = {}
    for child_id, other_id, kind in ChildRelationship.objects.filter(
        child_id__in={e.child_id for e in episodes}
    ).values_list("child_id", "other_id", "kind"):
        links.setdefault(child_id, {})[other_id] = kind
    others = {other for linked in links.values() for other in linked}
    if not others:
        return {}
    now = timezone.now()
    earliest = min(e.last_seen_at for e in episodes)
    latest = max((e.returned_at or now) for e in episodes)
    candidates = list(
        MissingEpisode.objects.filter(
            child__in=children_with_casework_visible_to(user=user).filter(pk__in=others),
            last_seen_at__lte=latest,
        )
        .exclude(status=EpisodeStatus.VOIDED)
        .exclude(returned_at__lt=earliest)
        .select_related("child")
        .order_by("last_seen_at", "pk")
    )
    together: dict[int, list[Companion]] = {}
    for episode in episodes:
        linked = links.get(episode.child_id, {})
        for other in candidates:
            if other.child_id in linked and _overlap(episode, other, now):
                together.setdefault(episode.pk, []).append(
                    Companion(
                        episode_id=other.pk,
                        child_id=other.child_id,
                        child_name=other.child.full_name,
                        relationship=RelationshipKind(linked[other.child_id]).label,
                        last_seen_at=other.last_seen_at,
                        returned_at=other.returned_at,
                    )
                )
    return together


def missing_together_groups[T](
    items: Sequence[T],
    *,
    together: dict[int, list[Companion]],
    episode_id: Callable[[T], int],
    kind: Callable[[T], Hashable] = lambda item: None,
) -> list[list[T]]:
    """The items (one per episode, say a screening list's notifications) in groups: two items of
    the same kind whose episodes are missing together are in one group, and so is every item
    missing together with either (a family of three is one group). A group keeps the order of
    its items and stands where its first item stood; an item on its own is a group of one."""
    # Imported here: networkx takes about 0.12 s to import, and every process that re-plans
    # duties imports this module; the groups are drawn on the screening pages only.
    import networkx as nx  # noqa: PLC0415

    graph = nx.Graph()
    graph.add_nodes_from(range(len(items)))
    at: dict[tuple[Hashable, int], list[int]] = {}
    for i, item in enumerate(items):
        at.setdefault((kind(item), episode_id(item)), []).append(i)
    for i, item in enumerate(items):
        for companion in together.get(episode_id(item), []):
            graph.add_edges_from((i, j) for j in at.get((kind(item), companion.episode_id), []))
    return [[items[i] for i in sorted(c)] for c in sorted(nx.connected_components(graph), key=min)]


@dataclass(frozen=True)
class FamilyMember:
    """A linked child the user may see, with their missing history in short."""

    child_id: int
    name: str
    relationship: str
    episodes: int  # not those recorded in error
    last_seen_at: datetime | None  # their latest episode's


def family_history(*, user: User, child_id: int) -> list[FamilyMember]:
    """The children linked to this one whom the user may see, each with how many episodes they
    have had and when they were last missing (seed 001: "sharing of more historical information
    regarding the family"). Two queries."""
    kinds = dict(
        ChildRelationship.objects.filter(child_id=child_id).values_list("other_id", "kind")
    )
    if not kinds:
        return []
    counted = ~Q(episodes__status=EpisodeStatus.VOIDED)
    members = (
        children_visible_to(user=user)
        .filter(pk__in=kinds)
        .annotate(
            episode_count=Count("episodes", filter=counted),
            last_seen=Max("episodes__last_seen_at", filter=counted),
        )
        .order_by("last_name", "first_name", "pk")
    )
    return [
        FamilyMember(
            child_id=member.pk,
            name=member.full_name,
            relationship=RelationshipKind(kinds[member.pk]).label,
            episodes=member.episode_count,
            last_seen_at=member.last_seen,
        )
        for member in members
    ]
