"""The partnership's figures (issue 15; docs/insight.md says what each one counts and why).

One implementation for the `homesafe kpis` command, the dashboard, the compliance view and
the packs. Every figure is a set-based query over the episodes of a period:

- a period is two London dates, both included; an episode belongs to the period whose dates
  hold the day (in London) it was reported to the police; episodes recorded in error are
  left out of everything;
- each episode figure is a filter (`EPISODE_FIGURES`) over one annotated queryset
  (`period_episodes`), so the same definition gives the count (one aggregate query for all
  of them) and the children behind it (`figure_children`);
- breakdowns (by cohort, duty kind, team, agency, provider) are GROUP BY queries.

No timescale is known here (DESIGN.md rule 1): "in time" compares what was done with the due
time of the duty the protocol planned for it (homesafe.duties). The one time this module
names, 24 hours, is the reporting band of DOMAIN.md's KPIs, not a duty.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from contextlib import ContextDecorator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import DatabaseError, connection
from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from homesafe.bulk_reads import ids_in
from homesafe.duties.choices import DutyState
from homesafe.episodes.choices import EpisodeStatus, EpisodeType, RiskGrade
from homesafe.episodes.models import MissingEpisode, RiskGrading
from homesafe.insight.days import DayOfMonth, LondonDay, Month, Year
from homesafe.insight.models import EpisodeFacts
from homesafe.interviews.choices import InterviewStatus
from homesafe.meetings.choices import FulfilledDuty, MeetingStatus
from homesafe.meetings.models import MeetingFulfilment
from homesafe.people.choices import Cohort
from homesafe.people.models import Child, CohortPeriod, Placement
from homesafe.protocol.facts import DutyKind

LONDON = ZoneInfo("Europe/London")

# DOMAIN.md's KPIs: "duration (median, bands)", "returned within 24 hours".
WITHIN = dt.timedelta(hours=24)

NOT_GRADED = "not_graded"
RISK_KEYS = (*RiskGrade.values, NOT_GRADED)

# Age at the report, in the DfE's children-looked-after bands (under 10, 10 to 15, 16 and over).
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "under_10": (0, 9),
    "10_to_15": (10, 15),
    "16_and_over": (16, None),
}
AGE_BAND_LABELS = {"under_10": "Under 10", "10_to_15": "10 to 15", "16_and_over": "16 and over"}

PERIOD_BACKWARDS = "The period ends before it starts: the 'to' date is before the 'from' date."
UNKNOWN_AGE_BAND = "Unknown age band {band!r}: use one of {bands}."
UNKNOWN_OUT_OF_AREA = "Out of area is 'yes', 'no' or blank, not {value!r}."
UNKNOWN_COHORT = "Unknown cohort {cohort!r}: use one of {cohorts}."


@dataclass(frozen=True, slots=True)
class Period:
    """London dates, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(PERIOD_BACKWARDS)

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=LONDON)

    @property
    def ends_before(self) -> dt.datetime:
        """London midnight after the last day (an instant not in the period)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)


@dataclass(frozen=True, slots=True)
class Filters:
    """Which children and episodes a figure counts; blank means all."""

    cohort: str = ""  # the child's cohort on the day of the report (Cohort; not_known: none)
    age_band: str = ""  # AGE_BANDS, the child's age on the day of the report
    sex: str = ""  # Sex
    team_id: int | None = None  # the allocated social worker's team
    ethnicity: str = ""  # Ethnicity (DfE codes)
    school_id: int | None = None  # the school the child is on the roll of
    placement_type: str = ""  # PlacementType of the placement on the day of the report
    # "yes": placed (on the day of the report) outside the placing authority's area; "no":
    # placed in it; blank: either, or no placement.
    out_of_area: str = ""

    def __post_init__(self) -> None:
        if self.age_band and self.age_band not in AGE_BANDS:
            raise ValueError(
                UNKNOWN_AGE_BAND.format(band=self.age_band, bands=", ".join(AGE_BANDS))
            )
        if self.out_of_area not in ("", "yes", "no"):
            raise ValueError(UNKNOWN_OUT_OF_AREA.format(value=self.out_of_area))
        if self.cohort and self.cohort not in Cohort.values:
            raise ValueError(
                UNKNOWN_COHORT.format(cohort=self.cohort, cohorts=", ".join(Cohort.values))
            )


NO_FILTERS = Filters()


class jit_off(ContextDecorator):  # noqa: N801 (used as a decorator, like a function)
    """PostgreSQL's JIT compilation off while the figures are counted (a no-op elsewhere).

    The figures' aggregates cost more than `jit_above_cost`, so PostgreSQL compiles them, and
    compiling takes longer than the query: 0.5 s of a 0.2 s aggregate, on every request
    (docs/benchmarks.md, bench/bench_insight.py). A session setting, put back at the end; a
    transaction rolled back puts it back by itself.
    """

    def __enter__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
        return self

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET jit")
            except DatabaseError:  # an aborted transaction: its rollback resets it
                pass
        return False


def cohort_on_report_day() -> Subquery:
    """The child's cohort on the London day of the report (the latest-started period that
    covers it); None when no cohort period covers it (not known to social care)."""
    return Subquery(
        CohortPeriod.objects.filter(
            child_id=OuterRef("child_id"), started_on__lte=OuterRef("report_day")
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("report_day")))
        .order_by("-started_on", "-id")
        .values("cohort")[:1],
        output_field=CharField(),
    )


def placement_on_report_day(field: str) -> Subquery:
    return Subquery(
        Placement.objects.filter(
            child_id=OuterRef("child_id"), started_on__lte=OuterRef("report_day")
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("report_day")))
        .order_by("-started_on", "-id")
        .values(field)[:1]
    )


def age_on_report_day() -> ExpressionWrapper:
    """Whole years between the date of birth and the report's London day, in SQL."""
    born = "child__date_of_birth"
    birthday_to_come = Case(
        When(
            Q(report_month__lt=Month(born))
            | Q(report_month=Month(born), report_dom__lt=DayOfMonth(born)),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return ExpressionWrapper(
        F("report_year") - Year(born) - birthday_to_come, output_field=IntegerField()
    )


def _duty_of(kind: DutyKind) -> FilteredRelation:
    """The episode's duty of this kind, unless it was found not needed: a LEFT JOIN of at most
    one row (one duty per episode and kind is a database constraint), so counts stay right."""
    return FilteredRelation(
        "duties", condition=Q(duties__kind=kind) & ~Q(duties__state=DutyState.NOT_NEEDED)
    )


def period_episodes(
    *,
    period: Period,
    children: QuerySet[Child] | None = None,
    filters: Filters = NO_FILTERS,
) -> QuerySet[MissingEpisode]:
    """The episodes reported in the period (none recorded in error), of `children` (None:
    every child), annotated with what the figures read."""
    episodes = (
        MissingEpisode.objects.exclude(status=EpisodeStatus.VOIDED)
        .filter(reported_at__gte=period.starts_at, reported_at__lt=period.ends_before)
        .order_by()
    )
    if children is not None:
        episodes = episodes.filter(of_children("child_id", children))
    return _filtered(annotated(episodes), filters)


def of_children(field: str, children: QuerySet[Child]) -> Q:
    """`field` (a child's id) is one of the children's. For the counted scope, evaluated once
    (people.queries.children_counted_for), the ids themselves: on PostgreSQL as one array
    (`IN (SELECT unnest(...))`: an index on `field` can be used, and planning does not weigh
    each id in turn, which for ten thousand ids took longer than the query)."""
    ids = getattr(children, "counted_ids", None)
    if ids is None:
        return Q(**{f"{field}__in": children.values("pk")})
    return among(field, ids)


def of_counted_children(child: str, children: QuerySet[Child]) -> Q:
    """`child` (a relation to a Child) is one of the children. For the counted scope with
    authorities counted whole, by the child's authority and the ids of the others (a few
    hundred ids, not every child's: sending ten thousand costs more than the query); else
    as `of_children`."""
    las = getattr(children, "counted_las", None)
    if not las:
        return of_children(f"{child}_id", children)
    q = Q(**{f"{child}__responsible_la_id__in": las})
    outside = children.counted_ids_outside_las
    return q | among(f"{child}_id", outside) if outside else q


def among(field: str, ids: list[int]) -> Q:
    """`field` is one of these ids (on PostgreSQL one array: see of_children, sent as the
    array's text: psycopg adapting each of ten thousand ints took three times as long)."""
    if connection.vendor == "postgresql":
        literal = "{" + ",".join(str(int(i)) for i in ids) + "}"
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::text::bigint[])", (literal,))})
    return Q(**{f"{field}__in": ids_in(ids)})


def _facts_of_children_parts(children: QuerySet[Child]) -> list[Q]:
    """The summary rows of the children, in parts: for the counted scope, the rows of the
    authorities whose children all count by the authority (one range of an index), the other
    children's by child."""
    las = getattr(children, "counted_las", None)
    if not las:
        return [of_children("child_id", children)]
    outside = children.counted_ids_outside_las
    return [Q(responsible_la_id__in=las), *([among("child_id", outside)] if outside else [])]


def _facts_of_children(children: QuerySet[Child]) -> Q:
    parts = _facts_of_children_parts(children)
    return functools.reduce(operator.or_, parts)


def summary_episodes(
    *,
    period: Period,
    children: QuerySet[Child] | None = None,
    filters: Filters = NO_FILTERS,
    once: bool = False,
) -> QuerySet[EpisodeFacts]:
    """The same episodes as `period_episodes`, as their summary rows (EpisodeFacts, kept by
    the worker): what the dashboard, `homesafe kpis` and the packs count. A figure's filter on
    these is `SUMMARY_FIGURES`; the breakdowns read either. `once`: for several queries,
    the counted scope's rows are found now, once, and each query reads them by key."""
    facts = EpisodeFacts.objects.filter(
        report_day__gte=period.start, report_day__lte=period.end
    ).order_by()
    if children is not None:
        facts = facts.filter(_facts_of_children(children))
    facts = _of_filtered_children(facts, filters)
    if filters.placement_type:
        facts = facts.filter(placement_type=filters.placement_type)
    if filters.out_of_area:
        facts = facts.filter(host_la__isnull=False)
        same = Q(host_la=F("placing_la"))
        facts = facts.exclude(same) if filters.out_of_area == "yes" else facts.filter(same)
    if filters.cohort:
        facts = facts.filter(cohort=filters.cohort)
    if filters.age_band:
        low, high = AGE_BANDS[filters.age_band]
        facts = facts.filter(age__gte=low)
        if high is not None:
            facts = facts.filter(age__lte=high)
    if once and getattr(children, "counted_ids", None) is not None:
        # A person's children among the period's: found once, then each figure reads those
        # rows by their keys rather than finding them again. Found by authority and by child
        # apart: each is then read from its index alone (an OR of the two is not).
        found: set[int] = set()
        for part in _facts_of_children_parts(children):
            found.update(facts.filter(part).values_list("pk", flat=True))
        rows = EpisodeFacts.objects.filter(among("pk", sorted(found))).order_by()
        rows.episode_ids = sorted(found)  # for episode_ids_of: the same rows, as their ids
        return rows
    return facts


def of_episodes(field: str, episodes: QuerySet) -> Q:
    """`field` (an episode's id) is one of the episodes': for summary rows found `once`, their
    ids themselves (no join back to the summary), else a subquery."""
    ids = getattr(episodes, "episode_ids", None)
    if ids is None:
        return Q(**{f"{field}__in": episodes.values("pk")})
    return among(field, ids)


def summary_parts(
    *,
    period: Period,
    children: QuerySet[Child] | None = None,
    filters: Filters = NO_FILTERS,
) -> list[QuerySet[EpisodeFacts]]:
    """The rows of `summary_episodes`, in parts that share no row: for the counted scope, the
    rows of the authorities counted whole (read by the authority's index) and those of the
    other children that are not those authorities' (by the child's index); else one part.
    A child's rows all carry the child's authority (a refresh rewrites them together), so no
    child is in two parts either: counts, and counts of distinct children, add up across
    them. For a GROUP BY that reads many days (the twelve-month trend): each part is one
    index range, where their OR, or finding the rows first (`once`), reads the whole days."""
    facts = summary_episodes(period=period, filters=filters)
    if children is None:
        return [facts]
    las = getattr(children, "counted_las", None)
    if not las:
        return [facts.filter(of_children("child_id", children))]
    outside = children.counted_ids_outside_las
    parts = [facts.filter(responsible_la_id__in=las)]
    if outside:
        parts.append(facts.filter(among("child_id", outside)).exclude(responsible_la_id__in=las))
    return parts


def is_summary(episodes: QuerySet) -> bool:
    return episodes.model is EpisodeFacts


def annotated(episodes: QuerySet[MissingEpisode]) -> QuerySet[MissingEpisode]:
    """The episodes annotated with what the figures read (for the figures counted from the
    records, and for the summary rows homesafe.insight.facts writes)."""
    # Joins, not a correlated subquery per episode and per use: PostgreSQL repeats a subquery
    # for every FILTER that reads it.
    return episodes.annotate(
        rhi_offer_duty=_duty_of(DutyKind.RHI_OFFER),
        strategy_meeting_duty=_duty_of(DutyKind.STRATEGY_MEETING),
    ).annotate(
        report_day=LondonDay("reported_at"),
        # Read by one GROUP BY only (risk_counts).
        first_grade=Subquery(
            RiskGrading.objects.filter(episode_id=OuterRef("pk"))
            .order_by("graded_at", "id")
            .values("grade")[:1]
        ),
        rhi_offer_due_at=F("rhi_offer_duty__due_at"),
        strategy_meeting_due_at=F("strategy_meeting_duty__due_at"),
        # Read by one FILTER only.
        strategy_meeting_held_at=Subquery(
            MeetingFulfilment.objects.filter(
                episode_id=OuterRef("pk"),
                duty=FulfilledDuty.STRATEGY_MEETING,
                link__meeting__status=MeetingStatus.HELD,
            )
            .order_by("link__meeting__held_at")
            .values("link__meeting__held_at")[:1]
        ),
    )


def _of_filtered_children(rows: QuerySet, filters: Filters) -> QuerySet:
    """Episodes or their summary rows (both have `child`), kept to the children the filters on
    the child itself allow: sex, team, ethnicity, school."""
    if filters.sex:
        rows = rows.filter(child__sex=filters.sex)
    if filters.team_id:
        rows = rows.filter(child__allocated_social_worker__team_id=filters.team_id)
    if filters.ethnicity:
        rows = rows.filter(child__ethnicity=filters.ethnicity)
    if filters.school_id:
        rows = rows.filter(child__school_id=filters.school_id)
    return rows


def _filtered(episodes: QuerySet, filters: Filters) -> QuerySet:
    episodes = _of_filtered_children(episodes, filters)
    if filters.placement_type:
        episodes = episodes.annotate(
            placement_type=placement_on_report_day("placement_type")
        ).filter(placement_type=filters.placement_type)
    if filters.out_of_area:
        episodes = episodes.annotate(
            placed_by=placement_on_report_day("placing_la_id"),
            placed_in=placement_on_report_day("host_la_id"),
        ).filter(placed_in__isnull=False)
        same = Q(placed_in=F("placed_by"))
        episodes = episodes.exclude(same) if filters.out_of_area == "yes" else episodes.filter(same)
    if filters.cohort:
        episodes = episodes.annotate(
            cohort_filter=Coalesce(cohort_on_report_day(), Value(Cohort.NOT_KNOWN.value))
        ).filter(cohort_filter=filters.cohort)
    if filters.age_band:
        low, high = AGE_BANDS[filters.age_band]
        episodes = episodes.annotate(
            report_year=Year("report_day"),
            report_month=Month("report_day"),
            report_dom=DayOfMonth("report_day"),
        ).annotate(age=age_on_report_day())
        episodes = episodes.filter(age__gte=low)
        if high is not None:
            episodes = episodes.filter(age__lte=high)
    return episodes


# Each figure counted over the period's episodes: its name (the `homesafe kpis` key) and the
# episodes it counts, as a filter on `period_episodes`.
EPISODE_FIGURES: dict[str, Q] = {
    "episodes": Q(),
    "episodes_missing": Q(episode_type=EpisodeType.MISSING),
    "episodes_away": Q(episode_type=EpisodeType.AWAY),
    "returned": Q(returned_at__isnull=False),
    # Where the police gave no last-seen time, HomeSafe holds the report's time as last seen
    # (homesafe.intake), so the 24 hours then run from the report.
    "returned_within_24h": Q(returned_at__lte=F("last_seen_at") + WITHIN),
    "still_missing": Q(returned_at__isnull=True),
    "rhi_offered": Q(return_interview__isnull=False),
    "rhi_offered_in_time": Q(return_interview__offered_at__lte=F("rhi_offer_due_at")),
    "rhi_accepted": Q(
        return_interview__status__in=[InterviewStatus.ACCEPTED, InterviewStatus.COMPLETED]
    ),
    "rhi_completed": Q(return_interview__status=InterviewStatus.COMPLETED),
    "rhi_declined": Q(return_interview__status=InterviewStatus.DECLINED),
    "strategy_meetings_due": Q(strategy_meeting_due_at__isnull=False),
    "strategy_meetings_in_time": Q(strategy_meeting_held_at__lte=F("strategy_meeting_due_at")),
    "exploitation_concern": Q(exploitation_concern=True),
    "trafficking_concern": Q(trafficking_concern=True),
}
# The same figures over the summary rows (summary_episodes).
SUMMARY_FIGURES: dict[str, Q] = {
    "episodes": Q(),
    "episodes_missing": Q(episode_type=EpisodeType.MISSING),
    "episodes_away": Q(episode_type=EpisodeType.AWAY),
    "returned": Q(returned_at__isnull=False),
    "returned_within_24h": Q(returned_at__lte=F("last_seen_at") + WITHIN),
    "still_missing": Q(returned_at__isnull=True),
    "rhi_offered": Q(rhi_offered=True),
    "rhi_offered_in_time": Q(rhi_offered_in_time=True),
    "rhi_accepted": Q(rhi_status__in=[InterviewStatus.ACCEPTED, InterviewStatus.COMPLETED]),
    "rhi_completed": Q(rhi_status=InterviewStatus.COMPLETED),
    "rhi_declined": Q(rhi_status=InterviewStatus.DECLINED),
    "strategy_meetings_due": Q(strategy_meeting_due=True),
    "strategy_meetings_in_time": Q(strategy_meeting_in_time=True),
    "exploitation_concern": Q(exploitation_concern=True),
    "trafficking_concern": Q(trafficking_concern=True),
}
# By first grading: counted with one GROUP BY (risk_counts), listed with these filters.
RISK_FIGURES: dict[str, Q] = {
    **{f"risk_{grade}": Q(first_grade=grade) for grade in RiskGrade.values},
    f"risk_{NOT_GRADED}": Q(first_grade__isnull=True),
}
FIGURES: dict[str, Q] = {**EPISODE_FIGURES, **RISK_FIGURES}

FIGURE_LABELS: dict[str, str] = {
    "episodes": "Missing and away episodes",
    "episodes_missing": "Missing episodes",
    "episodes_away": "Away episodes",
    "returned": "Returned",
    "returned_within_24h": "Returned within 24 hours of last seen",
    "still_missing": "Still missing",
    "rhi_offered": "Return interviews offered",
    "rhi_offered_in_time": "Return interviews offered in time",
    "rhi_accepted": "Return interviews accepted",
    "rhi_completed": "Return interviews completed",
    "rhi_declined": "Return interviews declined",
    "strategy_meetings_due": "Strategy meetings due",
    "strategy_meetings_in_time": "Strategy meetings held in time",
    "exploitation_concern": "Episodes with an exploitation concern",
    "trafficking_concern": "Episodes with a trafficking concern",
    **{f"risk_{grade.value}": f"First graded {grade.label.lower()}" for grade in RiskGrade},
    f"risk_{NOT_GRADED}": "Never graded",
}

# The `homesafe kpis` contract's flat keys, in its order (issue 15).
KPI_KEYS = (
    "episodes",
    "episodes_missing",
    "episodes_away",
    "children",
    "children_repeat",
    "episodes_by_risk",
    "returned",
    "returned_within_24h",
    "still_missing",
    "rhi_offered",
    "rhi_offered_in_time",
    "rhi_completed",
    "rhi_declined",
    "strategy_meetings_due",
    "strategy_meetings_in_time",
)


def episode_counts(episodes: QuerySet[MissingEpisode]) -> dict[str, int]:
    """Every FIGURES count and the distinct children, in two queries."""
    definitions = SUMMARY_FIGURES if is_summary(episodes) else EPISODE_FIGURES
    counts = episodes.aggregate(
        children=Count("child_id", distinct=True),
        **{name: Count("pk", filter=q) for name, q in definitions.items()},
    )
    return {**{name: value or 0 for name, value in counts.items()}, **risk_counts(episodes)}


def risk_counts(episodes: QuerySet[MissingEpisode]) -> dict[str, int]:
    """Episodes by their first police grading (RISK_FIGURES' keys), in one GROUP BY."""
    found = dict(episodes.values_list("first_grade").annotate(n=Count("pk")).order_by())
    counts = {f"risk_{grade}": found.get(grade, 0) for grade in RiskGrade.values}
    counts[f"risk_{NOT_GRADED}"] = found.get(None, 0)
    return counts


def children_repeat(episodes: QuerySet[MissingEpisode]) -> int:
    """Children with two or more of the episodes."""
    return (
        episodes.values("child_id").annotate(n=Count("pk", distinct=True)).filter(n__gte=2).count()
    )


def kpis(
    *,
    period: Period,
    children: QuerySet[Child] | None = None,
    filters: Filters = NO_FILTERS,
    summary: bool = False,
    episodes: QuerySet | None = None,
) -> dict:
    """The `homesafe kpis` object: the contract's keys, then the other episode figures;
    counted from the summary rows with `summary` (as the pages, the command and the packs
    do), else from the records; or over `episodes`, the period's already found."""
    if episodes is None:
        episodes = (summary_episodes if summary else period_episodes)(
            period=period, children=children, filters=filters
        )
    counts = episode_counts(episodes)
    result = {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        **{key: counts[key] for key in KPI_KEYS[:3]},
        "children": counts["children"],
        "children_repeat": children_repeat(episodes),
        "episodes_by_risk": {key: counts[f"risk_{key}"] for key in RISK_KEYS},
        **{key: counts[key] for key in KPI_KEYS[6:]},
    }
    for name in ("rhi_accepted", "exploitation_concern", "trafficking_concern"):
        result[name] = counts[name]
    return result


def figure_children(episodes: QuerySet[MissingEpisode], *, figure: str) -> QuerySet[MissingEpisode]:
    """The episodes behind one figure (for the list of children behind it)."""
    return episodes.filter(FIGURES[figure])
