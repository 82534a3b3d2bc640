"""Breakdowns of a period's episodes (docs/insight.md): by cohort, placement, repeat band,
duration, duties met in time (by kind, team and agency) and return interviews by provider.
GROUP BY and aggregate queries over homesafe.insight.figures.period_episodes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncMonth

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.episodes.models import MissingEpisode
from homesafe.insight.figures import (
    EPISODE_FIGURES,
    LONDON,
    SUMMARY_FIGURES,
    cohort_on_report_day,
    is_summary,
    placement_on_report_day,
)
from homesafe.insight.models import EpisodeFacts
from homesafe.people.choices import Cohort

# Children by how many episodes they had in the period (DOMAIN.md's repeat bands).
REPEAT_BANDS: dict[str, tuple[int, int | None]] = {
    "1": (1, 1),
    "2": (2, 2),
    "3": (3, 3),
    "4": (4, 4),
    "5": (5, 5),
    "6_to_10": (6, 10),
    "11_to_20": (11, 20),
    "21_and_over": (21, None),
}


def episodes_by_cohort(episodes: QuerySet[MissingEpisode]) -> dict[str, int]:
    """Episodes by the child's cohort on the day of the report (home: not known to social
    care, or no cohort recorded), every cohort present."""
    if not is_summary(episodes):
        episodes = episodes.annotate(
            cohort=Coalesce(cohort_on_report_day(), Value(Cohort.NOT_KNOWN.value))
        )
    rows = episodes.values("cohort").annotate(n=Count("pk")).values_list("cohort", "n")
    found = dict(rows)
    return {cohort: found.get(cohort, 0) for cohort in Cohort.values}


def episodes_by_placement(episodes: QuerySet[MissingEpisode], *, la_id: int | None) -> dict:
    """Episodes of children placed (on the report's day) out of their placing authority's
    area; with an authority, those of other authorities' children placed in its area."""
    annotated = episodes
    if not is_summary(episodes):
        annotated = episodes.annotate(
            placing_la=placement_on_report_day("placing_la_id"),
            host_la=placement_on_report_day("host_la_id"),
        )
    figures = {
        "out_of_area": Count("pk", filter=Q(host_la__isnull=False) & ~Q(host_la=F("placing_la")))
    }
    if la_id:
        figures["placed_here_by_other_las"] = Count(
            "pk", filter=Q(host_la=la_id) & ~Q(child__responsible_la_id=la_id)
        )
    counts = annotated.aggregate(**figures)
    return {key: value or 0 for key, value in counts.items()}


def _band(low: int, high: int | None) -> Q:
    return Q(n__gte=low) if high is None else Q(n__gte=low, n__lte=high)


def children_by_repeat_band(episodes: QuerySet[MissingEpisode]) -> dict[str, int]:
    """Children by how many of the episodes they had (REPEAT_BANDS), in one query."""
    per_child = episodes.values("child_id").annotate(n=Count("pk", distinct=True))
    counts = per_child.aggregate(
        **{band: Count("child_id", filter=_band(*limits)) for band, limits in REPEAT_BANDS.items()}
    )
    return {band: counts[band] or 0 for band in REPEAT_BANDS}


def duration_hours_median(episodes: QuerySet[MissingEpisode]) -> float | None:
    """The median time from last seen to the return, in hours, of the returned episodes
    (the mean of the middle two when their number is even); None when none returned."""
    returned = episodes.filter(returned_at__isnull=False).annotate(
        duration=ExpressionWrapper(
            F("returned_at") - F("last_seen_at"), output_field=DurationField()
        )
    )
    n = returned.count()
    if not n:
        return None
    ordered = returned.order_by("duration", "pk").values_list("duration", flat=True)
    middle = list(ordered[(n - 1) // 2 : n // 2 + 1])
    total = sum(middle, dt.timedelta())
    return round(total.total_seconds() / len(middle) / 3600, 1)


@dataclass(frozen=True, slots=True)
class DutyTally:
    """Duties of one kind (team, agency): how many fell due and how they went."""

    key: str
    label: str
    due: int  # planned and not found unneeded
    met_in_time: int  # done no later than due
    met_late: int
    open_overdue: int  # still open past the due time, at `now`
    open_not_yet_due: int

    @property
    def in_time_percent(self) -> int | None:
        return round(100 * self.met_in_time / self.due) if self.due else None


def period_duties(episodes: QuerySet[MissingEpisode]) -> QuerySet[Duty]:
    """The duties of the episodes, leaving out those found not needed."""
    return (
        Duty.objects.filter(episode_id__in=episodes.values("pk"))
        .exclude(state=DutyState.NOT_NEEDED)
        .order_by()
    )


DUTY_OUTCOMES = {
    "met_in_time": Q(state=DutyState.DONE, closed_at__lte=F("due_at")),
    "met_late": Q(state=DutyState.DONE, closed_at__gt=F("due_at")),
}


def duties_by(
    episodes: QuerySet[MissingEpisode],
    *,
    by: str,
    now: dt.datetime,
    labels: dict | None = None,
    owners: Q | None = None,
) -> list[DutyTally]:
    """Duties of the episodes grouped by `by` ("kind", "owner_team", "owner_organisation"),
    with how many were done in time (closed as done no later than due: for duties done by
    the record, when the record showed them done); `owners` limits them (say, to a team's)."""
    field = {"kind": "kind", "team": "owner_team_id", "agency": "owner_organisation_id"}[by]
    duties = period_duties(episodes)
    if owners is not None:
        duties = duties.filter(owners)
    rows = (
        duties.values(field)
        .annotate(
            due=Count("pk"),
            **{name: Count("pk", filter=q) for name, q in DUTY_OUTCOMES.items()},
            open_overdue=Count("pk", filter=Q(state=DutyState.OPEN, due_at__lt=now)),
            open_not_yet_due=Count("pk", filter=Q(state=DutyState.OPEN, due_at__gte=now)),
        )
        .order_by(field)
    )
    labels = labels or {}
    return [
        DutyTally(
            key=str(row[field] or ""),
            label=labels.get(row[field], str(row[field] or "None")),
            due=row["due"],
            met_in_time=row["met_in_time"],
            met_late=row["met_late"],
            open_overdue=row["open_overdue"],
            open_not_yet_due=row["open_not_yet_due"],
        )
        for row in rows
    ]


def rhi_by_provider(episodes: QuerySet[MissingEpisode]) -> list[dict]:
    """Return interviews of the episodes by the organisation that offered them."""
    if is_summary(episodes):
        return list(
            episodes.filter(rhi_offered=True)
            .values(provider_id=F("rhi_provider_id"), provider=F("rhi_provider__name"))
            .annotate(
                offered=Count("pk"),
                offered_in_time=Count("pk", filter=SUMMARY_FIGURES["rhi_offered_in_time"]),
                completed=Count("pk", filter=SUMMARY_FIGURES["rhi_completed"]),
                declined=Count("pk", filter=SUMMARY_FIGURES["rhi_declined"]),
            )
            .order_by("provider")
        )
    rows = (
        episodes.filter(return_interview__isnull=False)
        .values(
            provider_id=F("return_interview__offered_by_organisation_id"),
            provider=F("return_interview__offered_by_organisation__name"),
        )
        .annotate(
            offered=Count("pk"),
            offered_in_time=Count("pk", filter=EPISODE_FIGURES["rhi_offered_in_time"]),
            completed=Count("pk", filter=EPISODE_FIGURES["rhi_completed"]),
            declined=Count("pk", filter=EPISODE_FIGURES["rhi_declined"]),
        )
        .order_by("provider")
    )
    return list(rows)


def months_before(period_end: dt.date, n: int) -> list[dt.date]:
    """The first days of the n months ending with the month of `period_end`, oldest first."""
    first = period_end.replace(day=1)
    months = []
    for _ in range(n):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


def episodes_by_month(
    episodes: QuerySet[MissingEpisode] | list[QuerySet[EpisodeFacts]], months: list[dt.date]
) -> list[dict]:
    """Episodes and distinct children by the London month of the report, one GROUP BY (per
    part, for `figures.summary_parts`, whose counts add up); every month of `months` present
    (0 when none)."""
    parts = episodes if isinstance(episodes, list) else [episodes]
    found: dict[dt.date, dict] = {}
    for part in parts:
        for month, counts in _by_month(part).items():
            total = found.setdefault(month, {"episodes": 0, "children": 0})
            total["episodes"] += counts["episodes"]
            total["children"] += counts["children"]
    return [
        {
            "month": month,
            "episodes": found.get(month, {}).get("episodes", 0),
            "children": found.get(month, {}).get("children", 0),
        }
        for month in months
    ]


def _by_month(episodes: QuerySet) -> dict[dt.date, dict]:
    if is_summary(episodes):
        # The summary's report_day is the London day already (and in its indexes); a row is
        # one episode.
        month, counted = TruncMonth("report_day"), Count("pk")
    else:
        month, counted = TruncMonth("reported_at", tzinfo=LONDON), Count("pk", distinct=True)
    rows = (
        episodes.annotate(month=month)
        .values("month")
        .annotate(episodes=counted, children=Count("child_id", distinct=True))
        .order_by("month")
    )
    return {
        (row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]): row
        for row in rows
    }
