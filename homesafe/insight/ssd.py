"""The Standard Safeguarding Dataset's `ssd_missing` table (data-to-insight's SSD, item refs
MISS001A-MISS007A), from HomeSafe's episodes: one row per missing or away episode of the local
authority's children that began in the period.

| column | HomeSafe |
| --- | --- |
| miss_table_id | the episode's record number |
| miss_person_id | the child's LA child ID (HS and HomeSafe's number where none) |
| miss_missing_episode_start_date | last seen, London time, YYYY-MM-DD HH:MM:SS |
| miss_missing_episode_type | M (missing) or A (away from placement without authorisation) |
| miss_missing_episode_end_date | found or returned, London time; blank while still missing |
| miss_missing_rhi_offered | Y offered, N returned and not offered, NA still missing |
| miss_missing_rhi_accepted | Y interview held, N declined, NA not offered, blank: no answer yet |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from homesafe.episodes.facts import missing_periods_by_child
from homesafe.insight.ssda903 import LONDON, london_date
from homesafe.interviews.facts import interviews_by_episode
from homesafe.people.facts import children_of_authority

SSD_MISSING_COLUMNS = [
    "miss_table_id",
    "miss_person_id",
    "miss_missing_episode_start_date",
    "miss_missing_episode_type",
    "miss_missing_episode_end_date",
    "miss_missing_rhi_offered",
    "miss_missing_rhi_accepted",
]


def _moment(moment) -> str | None:
    return None if moment is None else moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class SsdMissing:
    table: pl.DataFrame
    child_ids: list[int]

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.table.write_csv(path, null_value="")
        return path


def ssd_missing_build(*, la_id: int, first_day: date, last_day: date) -> SsdMissing:
    """The LA's children's episodes that began (last seen, London date) between the days given."""
    children = children_of_authority(la_id=la_id)
    periods = missing_periods_by_child(children)
    interviews = interviews_by_episode(children)
    rows, shown = [], set()
    for child_id, its_periods in periods.items():
        for period in its_periods:
            if not first_day <= london_date(period.last_seen_at) <= last_day:
                continue
            shown.add(child_id)
            interview = interviews.get(period.id)
            offered = interview is not None and interview.offered_at is not None
            if period.returned_at is None and not offered:
                offered_code, accepted_code = "NA", "NA"
            elif not offered:
                offered_code, accepted_code = "N", "NA"
            else:
                offered_code = "Y"
                accepted_code = (
                    "Y" if interview.completed_at else "N" if interview.declined_at else None
                )
            rows.append(
                [
                    str(period.id),
                    children[child_id] or f"HS{child_id}",
                    _moment(period.last_seen_at),
                    period.episode_type,
                    _moment(period.returned_at),
                    offered_code,
                    accepted_code,
                ]
            )
    table = pl.DataFrame(
        rows, schema=dict.fromkeys(SSD_MISSING_COLUMNS, pl.String), orient="row"
    ).sort("miss_person_id", "miss_missing_episode_start_date")
    return SsdMissing(table=table, child_ids=sorted(shown))
