"""Ofsted's Annex A, List 8 (children in care), the columns HomeSafe holds.

List 8 is every child in care on the day of the inspection's request, and every child who
ceased to be looked after in the six months before it. Its columns are named and coded here as
data-to-insight's Annex A extract for the Standard Safeguarding Dataset names them (the
"a) Yes" style of Ofsted's template). HomeSafe fills the child's details, legal status,
placement (type, start, postcode, in or out of the LA's area, the host LA) and, its own part,
the missing and away episodes in the 12 months before the day and whether a return interview
was offered and accepted after the last missing episode. The other columns of the list (reviews,
visits, health, permanence plan...) come from the LA's case-management system, joined on
ChildUniqueID.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from homesafe.access.models import Organisation
from homesafe.episodes.facts import missing_periods_by_child
from homesafe.insight.ssda903 import (
    LEGAL_STATUS_CODES,
    PLACEMENT_CODES,
    child_code,
    dmy,
    london_date,
)
from homesafe.interviews.facts import interviews_by_episode
from homesafe.people.facts import children_looked_after_between

LIST_8_COLUMNS = [
    "ChildUniqueID",
    "Gender",
    "Ethnicity",
    "DateOfBirth",
    "Age",
    "LookedAfterStartDate",
    "LegalStatus",
    "CeasedLookedAfterDate",
    "MostRecentPlacementStartDate",
    "PlacementType",
    "PlacementPostcode",
    "PlacementLocation",
    "PlacementLA",
    "EpisodesChildMissingFromPlacement",
    "EpisodesChildAbsentFromPlacement",
    "ChildOfferedReturnInterviewAfterLastMFH",
    "ChildAcceptedReturnInterviewAfterLastMFH",
]
GENDER = {
    "1": "a) Male",
    "2": "b) Female",
    "0": "c) Not stated/recorded",
    "9": "c) Not stated/recorded",
}
ETHNICITY_ORDER = [
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
]
ETHNICITY = {code: f"{chr(ord('a') + n)}) {code}" for n, code in enumerate(ETHNICITY_ORDER)}
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier (the month's last day where it has fewer)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class List8:
    table: pl.DataFrame
    child_ids: list[int]

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.table.write_csv(path, null_value="")
        return path


def annex_a_list8_build(*, la_id: int, on: date) -> List8:
    """List 8 for the LA on the day given."""
    since = months_before(on, 6)
    year_before = months_before(on, 12)
    children = [
        c
        for c in children_looked_after_between(placing_la_id=la_id, first_day=since, last_day=on)
        if any(p.started_on <= on for p in c.care_periods)
    ]
    periods = missing_periods_by_child(c.id for c in children)
    interviews = interviews_by_episode(c.id for c in children)
    names = dict(Organisation.objects.values_list("pk", "name"))
    rows = []
    for child in children:
        care = [p for p in child.care_periods if p.started_on <= on]
        latest = care[-1]
        ceased = latest.ended_on if latest.ended_on is not None and latest.ended_on <= on else None
        placements = [p for p in child.placements if p.started_on <= on]
        placement = placements[-1] if placements else None

        def in_care(day: date, care=care) -> bool:
            return any(
                p.started_on <= day and (p.ended_on is None or day <= p.ended_on) for p in care
            )

        recent = [
            p
            for p in periods.get(child.id, [])
            if year_before < london_date(p.last_seen_at) <= on
            and in_care(london_date(p.last_seen_at))
        ]
        missing = [p for p in recent if p.episode_type == "M"]
        offered = accepted = None
        if missing:
            last = missing[-1]
            interview = interviews.get(last.id)
            if interview is not None and interview.offered_at is not None:
                offered = YES
                accepted = (
                    YES if interview.completed_at else NO if interview.declined_at else UNKNOWN
                )
            elif last.returned_at is None:
                offered = UNKNOWN
            else:
                offered = NO
        rows.append(
            [
                child_code(child),
                GENDER.get(child.sex),
                ETHNICITY.get(child.ethnicity),
                dmy(child.date_of_birth),
                str(_age(child.date_of_birth, on)),
                dmy(care[0].started_on),
                LEGAL_STATUS_CODES.get(latest.kind),
                dmy(ceased),
                dmy(placement.started_on) if placement else None,
                PLACEMENT_CODES.get(placement.kind) if placement else None,
                (placement.postcode or None) if placement else None,
                (("a) In" if placement.host_la_id == la_id else "b) Out") if placement else None),
                names.get(placement.host_la_id) if placement else None,
                str(len(missing)),
                str(len(recent) - len(missing)),
                offered,
                accepted,
            ]
        )
    table = pl.DataFrame(rows, schema=dict.fromkeys(LIST_8_COLUMNS, pl.String), orient="row")
    return List8(table=table, child_ids=[c.id for c in children])
