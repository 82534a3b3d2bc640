"""What the protocol reads of children's missing episodes (homesafe.duties.facts assembles it
with the other apps' facts): plain data, a fixed number of queries for any number of children."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from homesafe.bulk_reads import ids_in, rows_for_ids
from homesafe.episodes.choices import EpisodeStatus, RiskGrade
from homesafe.episodes.models import MissingEpisode, RiskGrading


@dataclass(slots=True)
class EpisodeRecord:
    """An episode as the protocol reads it (an episode recorded in error has none)."""

    id: int
    child_id: int
    reported_at: datetime
    last_seen_at: datetime
    returned_at: datetime | None
    pre_planned: bool
    exploitation_concern: bool  # raised by the report
    trafficking_concern: bool
    risk: str | None = None  # the latest police grading's RiskGrade (None: never graded)
    high_risk_at: datetime | None = None  # when first graded high


def episodes_by_child(child_ids: Iterable[int]) -> dict[int, list[EpisodeRecord]]:
    """Each child's episodes, oldest report first, with their gradings, in two queries."""
    ids = list(child_ids)
    by_id: dict[int, EpisodeRecord] = {}
    by_child: dict[int, list[EpisodeRecord]] = {}
    for values in rows_for_ids(
        lambda ids: (
            MissingEpisode.objects.filter(child_id__in=ids)
            .exclude(status=EpisodeStatus.VOIDED)
            .order_by("reported_at", "id")
            .values_list(
                "id",
                "child_id",
                "reported_at",
                "last_seen_at",
                "returned_at",
                "pre_planned",
                "exploitation_concern",
                "trafficking_concern",
            )
        ),
        ids,
    ):
        episode = by_id[values[0]] = EpisodeRecord(*values)
        by_child.setdefault(episode.child_id, []).append(episode)
    for episode_id, grade, graded_at in rows_for_ids(
        lambda ids: (
            RiskGrading.objects.filter(episode__child_id__in=ids)
            .order_by("graded_at", "id")
            .values_list("episode_id", "grade", "graded_at")
        ),
        ids,
    ):
        episode = by_id.get(episode_id)
        if episode is None:
            continue  # recorded in error
        episode.risk = grade  # the latest wins
        if grade == RiskGrade.HIGH and episode.high_risk_at is None:
            episode.high_risk_at = graded_at
    return by_child


@dataclass(frozen=True, slots=True)
class MissingPeriod:
    """An episode as the statutory returns read it (SSDA903 Missing table, Annex A, the SSD)."""

    id: int
    child_id: int
    episode_type: str  # an EpisodeType: M or A
    last_seen_at: datetime
    returned_at: datetime | None


def missing_periods_by_child(child_ids: Iterable[int]) -> dict[int, list[MissingPeriod]]:
    """Each child's episodes (none recorded in error), earliest last seen first, in one query."""
    by_child: dict[int, list[MissingPeriod]] = {}
    for values in (
        MissingEpisode.objects.filter(child_id__in=ids_in(list(child_ids)))
        .exclude(status=EpisodeStatus.VOIDED)
        .order_by("child_id", "last_seen_at", "id")
        .values_list("id", "child_id", "episode_type", "last_seen_at", "returned_at")
    ):
        period = MissingPeriod(*values)
        by_child.setdefault(period.child_id, []).append(period)
    return by_child
