"""Hot spots: where children went missing from and were found, across children, and when.

From the episodes reported in the chosen months (not those recorded in error) of the children
the user may see (or, for an analyst, counts):
- a map of H3 hexagons (resolution 8, about 0.7 km² each), counting episodes last seen and found
  in each, with the number of distinct children;
- a ranked table of places by their number of children (two records of one address are one place, as in networks) with
  their count in the previous period of the same length, so the trend shows;
- the time the children were last seen, by day of the week and time of day (London time).

Small counts: an analyst sees no place or hexagon with fewer than 5 children (an address could
be a child's home) and every count under 5 as "<5". Those who may see the children by name see
every place.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import h3

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.episodes.choices import TIME_OF_DAY_BANDS, time_of_day_band
from homesafe.episodes.queries import (
    EpisodePlaceRow,
    episode_places_for_children,
    place_key,
)
from homesafe.insight.roles import sees_names
from homesafe.insight.suppression import SMALL_COUNT
from homesafe.insight.windows import months_span
from homesafe.people.queries import children_counted_for, children_visible_to

LONDON = ZoneInfo("Europe/London")
H3_RESOLUTION = 8
RANKED_PLACES = 20
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class HexCell:
    cell: str
    boundary: list[tuple[float, float]]  # (latitude, longitude)
    last_seen: int
    found: int
    children: int
    # Where it is, in words: its most frequent place (or, for the analyst, that place's postcode
    # sector, which covers a few thousand addresses and names no one's home).
    label: str


@dataclass(frozen=True)
class RankedPlace:
    label: str
    last_seen: int
    found: int
    children: int
    previous: int  # last seen or found there in the previous period

    @property
    def total(self) -> int:
        return self.last_seen + self.found

    @property
    def trend(self) -> str:
        if self.previous == 0:
            return "new"
        if self.total > self.previous:
            return "up"
        if self.total < self.previous:
            return "down"
        return "same"


@dataclass(frozen=True)
class HotspotsReport:
    months: int
    since: datetime
    named: bool
    episodes: int
    cells: list[HexCell]
    places: list[RankedPlace]
    # rows: one per time band, each with a count per weekday (Monday first)
    when: list[tuple[str, list[int]]]
    places_left_out: int  # places with fewer than 5 children, not shown to an analyst


def _place_key(place: tuple) -> str:
    location_id, _lat, _lng, _description, address, postcode = place
    return place_key(location_id=location_id, postcode=postcode, address=address)


def _place_label(place: tuple) -> str:
    """As episodes.Location's str, from the row's columns."""
    _id, _lat, _lng, description, address, postcode = place
    return ", ".join(p for p in (description, address, postcode) if p)


def _sector(postcode: str) -> str:
    """The postcode sector ("NG1 1"), or the whole outward code if that is all there is."""
    return postcode[:-2] if len(postcode) >= 6 and " " in postcode else postcode


def _counts_by_place(rows: list[EpisodePlaceRow]):
    seen: Counter = Counter()
    found: Counter = Counter()
    children: dict[str, set[int]] = defaultdict(set)
    labels: dict[str, str] = {}
    for row in rows:
        for place, counter in ((row.last_seen, seen), (row.found, found)):
            if place is None:
                continue
            key = _place_key(place)
            counter[key] += 1
            children[key].add(row.child_id)
            labels.setdefault(key, _place_label(place))
    return seen, found, children, labels


def hotspots_for_user(*, user: User, months: int, now: datetime) -> HotspotsReport:
    """Hot spots over the last `months` months, compared with the months before. Audited."""
    period = months_span(months)
    since, previous_since = now - period, now - 2 * period
    named = sees_names(user)
    children = children_visible_to(user=user) if named else children_counted_for(user=user)
    rows = episode_places_for_children(children=children, reported_from=since, reported_before=now)
    before = episode_places_for_children(
        children=children, reported_from=previous_since, reported_before=since
    )

    # Hexagons.
    cell_seen: Counter = Counter()
    cell_found: Counter = Counter()
    cell_children: dict[str, set[int]] = defaultdict(set)
    cell_places: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for place, counter in ((row.last_seen, cell_seen), (row.found, cell_found)):
            if place is None or place[1] is None:
                continue
            cell = h3.latlng_to_cell(place[1], place[2], H3_RESOLUTION)
            counter[cell] += 1
            cell_children[cell].add(row.child_id)
            cell_places[cell][_place_label(place) if named else _sector(place[5])] += 1
    cells = [
        HexCell(
            cell=cell,
            boundary=[(round(lat, 6), round(lng, 6)) for lat, lng in h3.cell_to_boundary(cell)],
            last_seen=cell_seen[cell],
            found=cell_found[cell],
            children=len(kids),
            label=("Around " if named else "Postcode sector ")
            + min(cell_places[cell].items(), key=lambda kv: (-kv[1], kv[0]))[0],
        )
        for cell, kids in cell_children.items()
        if named or len(kids) >= SMALL_COUNT
    ]
    cells.sort(key=lambda c: (-c.children, -(c.last_seen + c.found), c.cell))

    # Ranked places, with the previous period's count for the trend.
    seen, found, place_children, labels = _counts_by_place(rows)
    prev_seen, prev_found, _, _ = _counts_by_place(before)
    ranked = [
        RankedPlace(
            label=labels[key],
            last_seen=seen[key],
            found=found[key],
            children=len(kids),
            previous=prev_seen[key] + prev_found[key],
        )
        for key, kids in place_children.items()
    ]
    shown = [p for p in ranked if named or p.children >= SMALL_COUNT]
    # Across children: a place many children go is a hot spot; one child's own home with many
    # episodes is that child's pattern (their story shows it), so children come first.
    shown.sort(key=lambda p: (-p.children, -p.total, p.label))

    # When: last seen, by time band and weekday, in London time.
    grid = [[0] * 7 for _ in TIME_OF_DAY_BANDS]
    for row in rows:
        local = row.last_seen_at.astimezone(LONDON)
        grid[time_of_day_band(local.hour)][local.weekday()] += 1

    report = HotspotsReport(
        months=months,
        since=since,
        named=named,
        episodes=len(rows),
        cells=cells,
        places=shown[:RANKED_PLACES],
        when=[(label.capitalize(), grid[i]) for i, (label, _) in enumerate(TIME_OF_DAY_BANDS)],
        places_left_out=len(ranked) - len(shown),
    )
    audit_record(
        actor=user,
        verb=AuditVerb.HOTSPOTS_VIEWED,
        payload={"months": months, "episodes": report.episodes, "named": named},
    )
    return report
