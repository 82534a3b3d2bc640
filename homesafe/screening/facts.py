"""What the protocol reads from exploitation screenings (homesafe.duties.facts assembles it with
the other apps' facts): plain data, one query for any number of children."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from homesafe.bulk_reads import ids_in
from homesafe.screening.models import ExploitationScreening


@dataclass(frozen=True, slots=True)
class ScreeningRecord:
    """A completed screening: when, its review date and the concerns it raises
    (ExploitationScreening.concerns_raised())."""

    id: int
    completed_at: datetime
    review_on: date | None
    concerns: tuple[str, ...]


def screenings_by_child(child_ids: Iterable[int]) -> dict[int, list[ScreeningRecord]]:
    """Each child's screenings, the latest first, in one query."""
    screenings: dict[int, list[ScreeningRecord]] = {}
    for screening in ExploitationScreening.objects.filter(child_id__in=ids_in(child_ids)).only(
        "id",
        "child_id",
        "completed_at",
        "review_on",
        "tool",
        "tool_version",
        "band",
        "override_band",
        "group_bands",
    ):
        screenings.setdefault(screening.child_id, []).append(
            ScreeningRecord(
                id=screening.pk,
                completed_at=screening.completed_at,
                review_on=screening.review_on,
                concerns=screening.concerns_raised(),
            )
        )
    return screenings
