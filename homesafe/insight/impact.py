"""Impact of interventions: each child's missing episodes in the N months before and after an
intervention, across children (the audits in seeds 000-002 could not "evidence the impact of
interventions").

For a kind of intervention (a MACE, a strategy or multi-agency meeting, a disruption action, a
placement move) and a window of N months, each child counts once, at their first intervention of
that kind in the two years that end N months ago (so that the N months after it have passed).
Episodes recorded in error are left out. Before: episodes reported in the N months before the
day of the intervention; after: from that day to N months after it.

This is a before-and-after comparison, not an evaluation: there is no comparison group, an
intervention often follows a peak (so numbers tend to fall anyway: regression to the mean), and
a child who turned 18, moved away or was placed elsewhere has fewer episodes recorded for
reasons of their own. The page says so beside the figures.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.concerns.queries import disruptions_for_children
from homesafe.episodes.queries import episode_report_times_for_children
from homesafe.insight.roles import sees_names
from homesafe.insight.windows import months_span
from homesafe.meetings.choices import MeetingKind
from homesafe.meetings.queries import meetings_held_for_children
from homesafe.people.models import Child
from homesafe.people.queries import (
    children_counted_for,
    children_visible_to,
    placement_moves_for_children,
)

LONDON = ZoneInfo("Europe/London")
INTERVENTIONS = {
    "mace": "A MACE meeting (level 1 or 2)",
    "strategy": "A strategy or multi-agency meeting",
    "disruption": "A disruption action",
    "placement_move": "A placement move",
}
WINDOWS_MONTHS = (3, 6, 12)
DEFAULT_WINDOW = 6
LOOKBACK_DAYS = 731  # interventions in the two years that end N months ago


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


@dataclass(frozen=True)
class ChildImpact:
    child_id: int
    on: date
    before: int
    after: int
    child: Child | None = None  # only for those who may see names


@dataclass(frozen=True)
class ImpactReport:
    intervention: str
    label: str
    months: int
    considered_from: date
    considered_to: date
    named: bool
    rows: list[ChildImpact] = field(default_factory=list)
    not_yet: int = 0  # children whose first intervention is too recent to have N months after

    @property
    def children(self) -> int:
        return len(self.rows)

    @property
    def before_total(self) -> int:
        return sum(r.before for r in self.rows)

    @property
    def after_total(self) -> int:
        return sum(r.after for r in self.rows)

    @property
    def fewer(self) -> int:
        return sum(1 for r in self.rows if r.after < r.before)

    @property
    def same(self) -> int:
        return sum(1 for r in self.rows if r.after == r.before)

    @property
    def more(self) -> int:
        return sum(1 for r in self.rows if r.after > r.before)

    @property
    def median_before(self) -> float | None:
        return statistics.median(r.before for r in self.rows) if self.rows else None

    @property
    def median_after(self) -> float | None:
        return statistics.median(r.after for r in self.rows) if self.rows else None


def _intervention_days(kind: str, children, first: date, last: date) -> list[tuple[int, date]]:
    """(child id, London date) of every intervention of the kind between two dates."""
    if kind in ("mace", "strategy"):
        kinds = (
            [MeetingKind.MACE_CHILD, MeetingKind.MACE_LOCALITY]
            if kind == "mace"
            else [MeetingKind.STRATEGY, MeetingKind.MULTI_AGENCY]
        )
        held = meetings_held_for_children(
            children=children,
            kinds=kinds,
            held_from=_london_midnight(first),
            held_before=_london_midnight(last + timedelta(days=1)),
        )
        return [(child_id, at.astimezone(LONDON).date()) for child_id, at in held]
    if kind == "disruption":
        return disruptions_for_children(children=children, taken_from=first, taken_to=last)
    if kind == "placement_move":
        return placement_moves_for_children(children=children, moved_from=first, moved_to=last)
    raise ValueError(f"Unknown intervention {kind!r}")


def impact_for_user(*, user: User, intervention: str, months: int, now: datetime) -> ImpactReport:
    """The before-and-after figures for one kind of intervention over the children the user may
    see (or, for an analyst, counts). Audited."""
    today = now.astimezone(LONDON).date()
    window = months_span(months)
    considered_to = today - window
    considered_from = considered_to - timedelta(days=LOOKBACK_DAYS)
    named = sees_names(user)
    children = children_visible_to(user=user) if named else children_counted_for(user=user)

    firsts: dict[int, date] = {}
    for child_id, day in _intervention_days(intervention, children, considered_from, today):
        if child_id not in firsts or day < firsts[child_id]:
            firsts[child_id] = day
    not_yet = sum(1 for day in firsts.values() if day > considered_to)
    firsts = {c: d for c, d in firsts.items() if d <= considered_to}

    rows: list[ChildImpact] = []
    if firsts:
        times = episode_report_times_for_children(
            child_ids=list(firsts),
            reported_from=_london_midnight(min(firsts.values()) - window),
            reported_before=_london_midnight(max(firsts.values())) + window,
        )
        objects = Child.objects.in_bulk(list(firsts)) if named else {}
        for child_id, day in firsts.items():
            start = _london_midnight(day)
            reported = times.get(child_id, [])
            rows.append(
                ChildImpact(
                    child_id=child_id,
                    on=day,
                    before=sum(1 for t in reported if start - window <= t < start),
                    after=sum(1 for t in reported if start <= t < start + window),
                    child=objects.get(child_id),
                )
            )
    rows.sort(key=lambda r: (r.on, r.child_id))
    report = ImpactReport(
        intervention=intervention,
        label=INTERVENTIONS[intervention],
        months=months,
        considered_from=considered_from,
        considered_to=considered_to,
        named=named,
        rows=rows,
        not_yet=not_yet,
    )
    audit_record(
        actor=user,
        verb=AuditVerb.IMPACT_VIEWED,
        payload={
            "intervention": intervention,
            "months": months,
            "named_child_ids": sorted(firsts) if named else [],
        },
    )
    return report
