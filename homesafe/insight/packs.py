"""What a report pack says (docs/insight.md, "Packs"): the figures of a month, a quarter or a
financial year, with the change against the period before (and, for a month or a quarter,
against the same period a year before), month by month with its chart, and the dashboard's
breakdowns. Nothing is computed here: every number comes from the functions the dashboard
uses (homesafe.insight.figures `kpis`, homesafe.insight.dashboard `breakdown_tables`,
homesafe.insight.figures_breakdowns), over the same children (scope.children_counted_for),
suppressed the same way (homesafe.insight.suppression) for those who see no names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from homesafe.access.models import User
from homesafe.insight import charts, figures
from homesafe.insight import dashboard as dashboard_tables
from homesafe.insight import figures_breakdowns as breakdowns
from homesafe.insight.dashboard import GROUPS, LABELS, Table
from homesafe.insight.models import PackKind
from homesafe.insight.roles import sees_names
from homesafe.insight.scope import children_counted_for
from homesafe.insight.suppression import SMALL_COUNT, SUPPRESSED

MONTHS = {PackKind.MONTHLY: 1, PackKind.QUARTERLY: 3, PackKind.ANNUAL: 12}
# The months a period of each kind starts in: calendar quarters, financial years (1 April).
START_MONTHS = {
    PackKind.MONTHLY: tuple(range(1, 13)),
    PackKind.QUARTERLY: (1, 4, 7, 10),
    PackKind.ANNUAL: (4,),
}
# How many ended periods of each kind the request form offers.
OFFERED = {PackKind.MONTHLY: 12, PackKind.QUARTERLY: 8, PackKind.ANNUAL: 3}
TREND_MONTHS = 12
NO_CHANGE = "-"

NOT_A_START = "A {kind} pack starts on the first day of {months}, not on {day}."
START_WORDS = {
    PackKind.MONTHLY: "a month",
    PackKind.QUARTERLY: "January, April, July or October",
    PackKind.ANNUAL: "April (the financial year)",
}


def add_months(first: dt.date, n: int) -> dt.date:
    """The first day of the month n months after `first`'s."""
    years, month = divmod(first.month - 1 + n, 12)
    return dt.date(first.year + years, month + 1, 1)


def pack_period(kind: str, first_day: dt.date) -> figures.Period:
    """The period of this kind starting on `first_day`; ValueError if no such period starts
    then."""
    if first_day.day != 1 or first_day.month not in START_MONTHS[kind]:
        raise ValueError(
            NOT_A_START.format(kind=kind, months=START_WORDS[kind], day=first_day.isoformat())
        )
    return figures.Period(first_day, add_months(first_day, MONTHS[kind]) - dt.timedelta(days=1))


def previous_period(kind: str, period: figures.Period) -> figures.Period:
    return pack_period(kind, add_months(period.start, -MONTHS[kind]))


def year_before(period: figures.Period) -> figures.Period:
    start = add_months(period.start, -12)
    return figures.Period(
        start, add_months(period.end + dt.timedelta(days=1), -12) - dt.timedelta(days=1)
    )


def ended_periods(kind: str, today: dt.date, n: int | None = None) -> list[figures.Period]:
    """The last n periods of this kind that ended before `today`, the latest first."""
    first = today.replace(day=1)
    while first.month not in START_MONTHS[kind]:
        first = add_months(first, -1)
    periods = []
    for _ in range(OFFERED[kind] if n is None else n):
        first = add_months(first, -MONTHS[kind])
        periods.append(pack_period(kind, first))
    return periods


def period_label(kind: str, period: figures.Period) -> str:
    if kind == PackKind.MONTHLY:
        return f"{period.start:%B %Y}"
    if kind == PackKind.QUARTERLY and period.start.year == period.end.year:
        return f"{period.start:%B} to {period.end:%B %Y}"
    return f"{period.start:%B %Y} to {period.end:%B %Y}"


def short_label(kind: str, period: figures.Period) -> str:
    """A column head: "Oct to Dec 2026", "Oct 2026", "2025-26"."""
    if kind == PackKind.MONTHLY:
        return f"{period.start:%b %Y}"
    if kind == PackKind.QUARTERLY:
        return f"{period.start:%b} to {period.end:%b %Y}"
    return f"{period.start:%Y}-{period.end:%y}"


def count_cell(n: int, *, suppress: bool) -> int | str:
    """A count as a pack holds it: a number, or "<5" for those who see no names."""
    return SUPPRESSED if suppress and n < SMALL_COUNT else n


def change_cell(now: int, before: int, *, suppress: bool) -> int | str:
    """The change from `before` to `now`; a dash when either is suppressed (the change would
    let a reader work the small count back)."""
    if suppress and min(now, before) < SMALL_COUNT:
        return NO_CHANGE
    return now - before


@dataclass
class PackContent:
    kind: str
    label: str
    period: figures.Period
    previous: figures.Period
    year_before: figures.Period | None
    suppress: bool
    built_at: dt.datetime
    headline: Table
    trend: Table
    trend_chart: str | None  # an SVG data: URI, or none (no episodes, or a small bar hidden)
    median_hours: float | None
    tables: list[Table] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{PackKind(self.kind).label} pack: {self.label}"


def _flat(result: dict) -> dict[str, int]:
    return {
        **{key: value for key, value in result.items() if isinstance(value, int)},
        **{f"risk_{key}": n for key, n in result["episodes_by_risk"].items()},
    }


HEADLINE_KEYS = (
    *(key for _caption, keys in GROUPS for key in keys),
    *(f"risk_{key}" for key in figures.RISK_KEYS),
)


def headline_table(
    kind: str,
    periods: list[tuple[figures.Period, dict]],
    *,
    suppress: bool,
) -> Table:
    """Each figure for the period, the period before and (if given) a year before, with the
    changes: `periods` holds each period and its `figures.kpis` result, the pack's first."""
    (period, now), *others = periods
    head = ["Figure", short_label(kind, period)]
    for other, _result in others:
        head += [short_label(kind, other), f"Change since {short_label(kind, other)}"]
    table = Table("The figures, and the change since earlier periods", head, id="headline")
    flat_now = _flat(now)
    flats = [_flat(result) for _other, result in others]
    for key in HEADLINE_KEYS:
        row: list = [LABELS[key], count_cell(flat_now[key], suppress=suppress)]
        for flat in flats:
            row += [
                count_cell(flat[key], suppress=suppress),
                change_cell(flat_now[key], flat[key], suppress=suppress),
            ]
        table.rows.append(row)
    return table


def trend_table(rows: list[dict], *, suppress: bool) -> tuple[Table, str | None]:
    """Episodes and children month by month, and the chart of it (none when there is no
    episode, or when a bar would show a count under 5 to someone who sees no names): the
    dashboard's rule."""
    table = Table(
        "Episodes month by month",
        ["Month", "Episodes", "Children"],
        [
            [
                row["month"].strftime("%B %Y"),
                count_cell(row["episodes"], suppress=suppress),
                count_cell(row["children"], suppress=suppress),
            ]
            for row in rows
        ],
        id="months",
    )
    small = any(row["episodes"] < SMALL_COUNT for row in rows)
    chart = None
    if any(row["episodes"] for row in rows) and not (suppress and small):
        chart = charts.svg_data_uri(charts.monthly_bars(rows, value="episodes", title="Episodes"))
    return table, chart


def pack_content(
    *,
    kind: str,
    period: figures.Period,
    user: User,
    now: dt.datetime,
    progress: Callable[[int], None] = lambda percent: None,
) -> PackContent:
    """The pack's figures, as `user` sees them now; `progress` is told the percent done (up to
    70: writing the files is the rest)."""
    suppress = not sees_names(user)
    children = children_counted_for(user)
    previous = previous_period(kind, period)
    before = year_before(period) if kind != PackKind.ANNUAL else None
    compared = [period, previous, *([before] if before else [])]
    results = []
    for index, each in enumerate(compared):
        results.append((each, figures.kpis(period=each, children=children, summary=True)))
        progress(10 + 10 * index)
    headline = headline_table(kind, results, suppress=suppress)
    months = breakdowns.months_before(period.end, TREND_MONTHS)
    trend_episodes = figures.summary_parts(
        period=figures.Period(months[0], period.end), children=children
    )
    trend, chart = trend_table(
        breakdowns.episodes_by_month(trend_episodes, months), suppress=suppress
    )
    progress(45)
    episodes = figures.summary_episodes(period=period, children=children, once=True)
    tables = dashboard_tables.breakdown_tables(
        episodes, period=period, children=children, now=now, suppress=suppress
    )
    median = breakdowns.duration_hours_median(episodes)
    progress(70)
    return PackContent(
        kind=kind,
        label=period_label(kind, period),
        period=period,
        previous=previous,
        year_before=before,
        suppress=suppress,
        built_at=now,
        headline=headline,
        trend=trend,
        trend_chart=chart,
        median_hours=median if results[0][1]["returned"] >= SMALL_COUNT or not suppress else None,
        tables=tables,
    )
