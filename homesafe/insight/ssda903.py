"""The SSDA903 return's Header, Episodes and Missing tables, built from HomeSafe's record.

The tables are the CSV files the DfE's children-looked-after collection takes and the public
`csc-validator-be-903` package reads (it knows a table by its set of columns, `column_names`
in its `config.py`): every value a string, dates as dd/mm/yyyy, a blank cell for no value.

- The collection year runs from 1 April to 31 March (`CollectionYear`).
- **Header**: one row per child looked after by the local authority in the year.
- **Episodes**: one row per spell under one legal status in one placement, cut from the
  child's care periods (the legal status) and placements (where they lived); an episode still
  going on 31 March, or ending after it, has no end (DEC) in this year's return.
- **Missing**: each missing (M) or away (A) episode that began while the child was looked
  after by the LA and was going on at some time in the year. One that began before 1 April
  keeps its start (carried over from last year); one still open on 31 March has no end
  (MIS_END blank). A child who stops being looked after while missing has the episode end on
  the day care ended (the DfE's guidance), so no open episode outlives its period of care.

docs/insight.md ("Statutory returns") says which columns HomeSafe fills and which it leaves
to the LA's case-management system.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from homesafe.episodes.facts import MissingPeriod, missing_periods_by_child
from homesafe.people.facts import CareSpell, LookedAfterChild, children_looked_after_between

LONDON = ZoneInfo("Europe/London")

# The validator's config.column_names, in its order.
COLUMNS: dict[str, list[str]] = {
    "Header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "Episodes": [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
}
FILE_NAMES = {"Header": "header.csv", "Episodes": "episodes.csv", "Missing": "missing.csv"}

# HomeSafe's codes to the SSDA903's.
LEGAL_STATUS_CODES = {
    "s20": "V2",  # single period of accommodation under section 20
    "care_order": "C2",  # full care order
    "interim_care_order": "C1",
    "epo": "L2",  # emergency protection order
    "police_protection": "L1",
}
PLACEMENT_CODES = {
    "home": "P1",  # placed with own parent(s) or others with parental responsibility
    "foster": "U6",  # foster placement with another foster carer
    "residential": "K2",  # children's home
    "other": "Z14",  # other placements
}
# SEX: 1 and 2 until 2023-24; from 2024-25 M, F and U (not known or not stated).
SEX_CODES = {"1": "1", "2": "2"}
SEX_CODES_FROM_2024 = {"1": "M", "2": "F", "0": "U", "9": "U"}
CEASED_OTHER_REASON = "E8"  # HomeSafe does not record why care ended
NEW_EPISODE_FOLLOWS = "X1"

YEAR_FORMAT = re.compile(r"^(\d{4})-(\d{2})$")
YEAR_INVALID = (
    "The collection year is written like 2025-26: a year and the next year's last two digits."
)


class YearError(ValueError):
    pass


@dataclass(frozen=True)
class CollectionYear:
    """An SSDA903 collection year: 1 April to 31 March, both included."""

    first_year: int

    @classmethod
    def parse(cls, text: str) -> CollectionYear:
        found = YEAR_FORMAT.match(text.strip())
        if not found or (int(found[1]) + 1) % 100 != int(found[2]):
            raise YearError(YEAR_INVALID)
        return cls(int(found[1]))

    @property
    def start(self) -> date:
        return date(self.first_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.first_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.first_year}-{(self.first_year + 1) % 100:02d}"

    @property
    def validator_year(self) -> str:
        """The validator's `collectionYear`: the year the collection ends in."""
        return str(self.first_year + 1)

    @property
    def validator_ruleset(self) -> str:
        return f"lac{self.first_year}_{(self.first_year + 1) % 100:02d}"

    def sex_code(self, sex: str) -> str | None:
        codes = SEX_CODES_FROM_2024 if self.first_year >= 2024 else SEX_CODES
        return codes.get(sex)

    def previous(self) -> CollectionYear:
        return CollectionYear(self.first_year - 1)


def dmy(day: date | None) -> str | None:
    return None if day is None else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def london_date(moment) -> date:
    return moment.astimezone(LONDON).date()


def child_code(child: LookedAfterChild) -> str:
    """The CHILD column: the LA's own child ID, or HomeSafe's record number where none."""
    return child.la_child_id or f"HS{child.id}"


@dataclass(frozen=True)
class Episode903:
    """One row of the Episodes table, with dates kept as dates."""

    decom: date
    rne: str
    legal_status: str
    place: str | None
    dec: date | None  # None: open at the year end
    rec: str | None
    postcode: str


@dataclass(frozen=True)
class CarePeriod903:
    """A period of care: looked after without a break (DECOM of its first episode, DEC of its
    last; None when open at the year end)."""

    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def _joined_periods(spells: Iterable[CareSpell]) -> list[list[CareSpell]]:
    """Care periods run together when one starts no later than the day after the last ended."""
    joined: list[list[CareSpell]] = []
    for spell in spells:
        last = joined[-1][-1] if joined else None
        if (
            last is not None
            and last.ended_on is not None
            and spell.started_on <= last.ended_on + timedelta(days=1)
        ):
            joined[-1].append(spell)
        else:
            joined.append([spell])
    return joined


def _placement_on(placements: tuple[CareSpell, ...], day: date) -> CareSpell | None:
    found = None
    for placement in placements:
        if placement.started_on <= day and (
            placement.ended_on is None or day <= placement.ended_on
        ):
            found = placement
    return found


def episodes_of(child: LookedAfterChild, year: CollectionYear) -> list[Episode903]:
    """The child's SSDA903 episodes going on at some time in the year (with their original
    start), a new one on each change of legal status or placement."""
    rows: list[Episode903] = []
    for spells in _joined_periods(child.care_periods):
        period_end = spells[-1].ended_on
        # The days something changed: each care period's start, each placement's start.
        changes = {spell.started_on for spell in spells}
        changes |= {
            p.started_on
            for p in child.placements
            if spells[0].started_on < p.started_on
            and (period_end is None or p.started_on < period_end)
        }
        days = sorted(changes)
        previous: tuple[str, CareSpell | None] | None = None
        for n, day in enumerate(days):
            status = next(s for s in reversed(spells) if s.started_on <= day)
            placement = _placement_on(child.placements, day)
            ends = days[n + 1] if n + 1 < len(days) else period_end
            if previous is None:
                rne = "S"
            else:
                new_status = previous[0] != status.kind
                new_place = previous[1] != placement
                rne = "T" if new_status and new_place else "L" if new_status else "P"
            previous = (status.kind, placement)
            if day > year.end:
                break
            if ends is not None and ends < year.start:
                continue
            open_at_year_end = ends is None or ends > year.end
            last = n + 1 == len(days)
            rows.append(
                Episode903(
                    decom=day,
                    rne=rne,
                    legal_status=LEGAL_STATUS_CODES.get(status.kind, ""),
                    place=PLACEMENT_CODES.get(placement.kind) if placement else None,
                    dec=None if open_at_year_end else ends,
                    rec=None
                    if open_at_year_end
                    else (CEASED_OTHER_REASON if last else NEW_EPISODE_FOLLOWS),
                    postcode=placement.postcode if placement else "",
                )
            )
    return rows


def care_periods_903(episodes: list[Episode903]) -> list[CarePeriod903]:
    periods: list[CarePeriod903] = []
    for episode in episodes:
        if episode.rne == "S" or not periods:
            periods.append(CarePeriod903(episode.decom, episode.dec))
        else:
            periods[-1] = CarePeriod903(periods[-1].start, episode.dec)
    return periods


@dataclass(frozen=True)
class MissingRow:
    start: date
    end: date | None
    episode_type: str
    episode_id: int


def missing_rows_of(
    periods: list[MissingPeriod], care: list[CarePeriod903], year: CollectionYear
) -> list[MissingRow]:
    """The child's Missing rows for the year (see the module's docstring)."""
    rows = []
    for period in periods:
        start = london_date(period.last_seen_at)
        end = london_date(period.returned_at) if period.returned_at else None
        if start > year.end or (end is not None and end < year.start):
            continue
        spell = next((c for c in care if c.covers(start)), None)
        if spell is None:
            continue  # not looked after by this LA when they went
        if spell.end is not None and (end is None or end > spell.end):
            end = spell.end  # care ended while missing
        elif end is not None and end > year.end:
            end = None  # carried over into next year
        rows.append(MissingRow(start, end, period.episode_type, period.id))
    return rows


@dataclass
class Return903:
    """The three tables, and which HomeSafe child each CHILD code stands for."""

    year: CollectionYear
    header: pl.DataFrame
    episodes: pl.DataFrame
    missing: pl.DataFrame
    child_ids: dict[str, int]  # CHILD -> HomeSafe child id

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"Header": self.header, "Episodes": self.episodes, "Missing": self.missing}

    def write(self, folder: Path) -> list[Path]:
        """header.csv, episodes.csv and missing.csv in the folder (made if need be)."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, table in self.tables().items():
            path = folder / FILE_NAMES[name]
            table.write_csv(path, null_value="")
            written.append(path)
        return written


def _table(name: str, rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict.fromkeys(COLUMNS[name], pl.String), orient="row")


def ssda903_build(*, la_id: int, year: CollectionYear) -> Return903:
    """The local authority's return for the year, from the record as it stands."""
    children = children_looked_after_between(
        placing_la_id=la_id, first_day=year.start, last_day=year.end
    )
    missing_by_child = missing_periods_by_child(c.id for c in children)
    header, episodes, missing, child_ids = [], [], [], {}
    for child in children:
        its_episodes = episodes_of(child, year)
        if not its_episodes:
            continue
        code = child_code(child)
        child_ids[code] = child.id
        born = dmy(child.date_of_birth)
        header.append(
            {
                "CHILD": code,
                "SEX": year.sex_code(child.sex),
                "DOB": born,
                "ETHNIC": child.ethnicity or None,
                "UPN": child.upn or None,
                "MOTHER": None,
                "MC_DOB": None,
            }
        )
        for episode in its_episodes:
            episodes.append(
                {
                    "CHILD": code,
                    "DECOM": dmy(episode.decom),
                    "RNE": episode.rne,
                    "LS": episode.legal_status or None,
                    "CIN": None,
                    "PLACE": episode.place,
                    "PLACE_PROVIDER": None,
                    "DEC": dmy(episode.dec),
                    "REC": episode.rec,
                    "REASON_PLACE_CHANGE": None,
                    "HOME_POST": None,
                    "PL_POST": episode.postcode or None,
                    "URN": None,
                }
            )
        care = care_periods_903(its_episodes)
        for row in missing_rows_of(missing_by_child.get(child.id, []), care, year):
            missing.append(
                {
                    "CHILD": code,
                    "DOB": born,
                    "MISSING": row.episode_type,
                    "MIS_START": dmy(row.start),
                    "MIS_END": dmy(row.end),
                }
            )
    return Return903(
        year=year,
        header=_table("Header", header),
        episodes=_table("Episodes", episodes),
        missing=_table("Missing", missing),
        child_ids=child_ids,
    )


def table_read(path: Path) -> pl.DataFrame:
    """A table as the validator reads it: every column text, a blank cell null, capitals."""
    table = pl.read_csv(path, infer_schema=False)
    return table.with_columns(pl.all().str.to_uppercase())
