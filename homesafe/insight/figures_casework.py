"""Figures about what happened around the episodes of a period (docs/insight.md): how children
came back, how long they were gone, when they went, what return interviews heard, who came to
the meetings, and the disruption and legal actions taken. Set-based queries, as in
homesafe.insight.figures (one definition of a period and of whose children)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast, Coalesce, ExtractHour, ExtractIsoWeekDay

from homesafe.concerns.choices import DisruptionKind, LegalActionKind, NrmDecision
from homesafe.concerns.models import DisruptionAction, LegalAction
from homesafe.episodes.choices import FoundBy
from homesafe.episodes.models import MissingEpisode
from homesafe.insight.figures import LONDON, Period, of_counted_children, of_episodes
from homesafe.interviews.choices import TERM_FIELDS, InterviewStatus
from homesafe.interviews.models import ReturnInterview
from homesafe.interviews.queries import interview_taxonomy
from homesafe.meetings.choices import Attendance, MeetingKind, MeetingStatus
from homesafe.meetings.models import MeetingInvitation
from homesafe.people.models import Child

H = dt.timedelta(hours=1)
# Time from last seen to the return (DOMAIN.md: "duration (median, bands)"; DfE: 90 % of
# incidents last 2 days or less). Each band includes its upper end.
DURATION_BANDS: dict[str, tuple[dt.timedelta | None, dt.timedelta | None]] = {
    "up_to_24h": (None, 24 * H),
    "24h_to_48h": (24 * H, 48 * H),
    "48h_to_7d": (48 * H, 7 * 24 * H),
    "over_7d": (7 * 24 * H, None),
}
DURATION_LABELS = {
    "up_to_24h": "Up to 24 hours",
    "24h_to_48h": "Over 24 hours, up to 48",
    "48h_to_7d": "Over 48 hours, up to 7 days",
    "over_7d": "Over 7 days",
}
# Time of day of the report, London (DOMAIN.md: "time of day and day of week").
HOUR_BANDS: dict[str, tuple[int, int]] = {
    "00_to_06": (0, 5),
    "06_to_12": (6, 11),
    "12_to_18": (12, 17),
    "18_to_24": (18, 23),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _between(low: dt.timedelta | None, high: dt.timedelta | None) -> Q:
    q = Q(returned_at__isnull=False)
    if low is not None:
        q &= Q(returned_at__gt=F("last_seen_at") + low)
    if high is not None:
        q &= Q(returned_at__lte=F("last_seen_at") + high)
    return q


def returns(episodes: QuerySet[MissingEpisode]) -> dict:
    """Returned episodes by who found the child (`not_recorded` when blank) and by duration
    band, in one query."""
    counts = episodes.aggregate(
        **{
            f"found_by_{code}": Count("pk", filter=Q(returned_at__isnull=False, found_by=code))
            for code in FoundBy.values
        },
        found_by_not_recorded=Count("pk", filter=Q(returned_at__isnull=False, found_by="")),
        **{
            f"duration_{band}": Count("pk", filter=_between(*limits))
            for band, limits in DURATION_BANDS.items()
        },
    )
    return {
        "found_by": {
            code: counts[f"found_by_{code}"] for code in (*FoundBy.values, "not_recorded")
        },
        "duration": {band: counts[f"duration_{band}"] for band in DURATION_BANDS},
    }


def reported_when(episodes: QuerySet[MissingEpisode]) -> dict:
    """Episodes by the London day of the week and time of day of the report, in one query."""
    annotated = episodes.annotate(
        weekday=ExtractIsoWeekDay("reported_at", tzinfo=LONDON),
        hour=ExtractHour("reported_at", tzinfo=LONDON),
    )
    counts = annotated.aggregate(
        **{day: Count("pk", filter=Q(weekday=i)) for i, day in enumerate(WEEKDAYS, start=1)},
        **{
            f"hours_{band}": Count("pk", filter=Q(hour__gte=low, hour__lte=high))
            for band, (low, high) in HOUR_BANDS.items()
        },
    )
    return {
        "weekday": {day: counts[day] for day in WEEKDAYS},
        "time_of_day": {band: counts[f"hours_{band}"] for band in HOUR_BANDS},
    }


@dataclass(frozen=True, slots=True)
class TermCount:
    """A push or pull factor or exploitation indicator: the completed interviews of the
    period's episodes that recorded it, and the distinct children they were about."""

    kind: str  # TermKind
    code: str
    label: str
    interviews: int
    children: int


def interview_terms(episodes: QuerySet[MissingEpisode]) -> list[TermCount]:
    """Every term of the taxonomy (retired ones too, while they are recorded) across the
    completed interviews of the episodes, in one query: a code is matched with its quotes in
    the JSON list (`"code"`), so no code matches inside another. The codes are held as the
    taxonomy spells them (homesafe.interviews.services checks each), so the match is on the
    list's text as it is (not upper-cased for every term and row: a third of the query)."""
    taxonomy = interview_taxonomy()
    field_of_kind = {kind: field for field, kind in TERM_FIELDS.items()}
    interviews = (
        ReturnInterview.objects.filter(
            of_episodes("episode_id", episodes), status=InterviewStatus.COMPLETED
        )
        .annotate(**{f"{field}_text": Cast(field, TextField()) for field in TERM_FIELDS})
        .order_by()
    )
    # Each child's interviews recording each term (one match per term and interview), then
    # the interviews summed and the children with any counted: no DISTINCT per term.
    per_child = {
        f"n{term.pk}": Count(
            "pk", filter=Q(**{f"{field_of_kind[term.kind]}_text__contains": f'"{term.code}"'})
        )
        for term in taxonomy.terms
    }
    figures = {}
    for term in taxonomy.terms:
        figures[f"i{term.pk}"] = Coalesce(Sum(f"n{term.pk}"), 0)
        figures[f"c{term.pk}"] = Count("child_id", filter=Q(**{f"n{term.pk}__gt": 0}))
    counts = (
        interviews.values("child_id").annotate(**per_child).aggregate(**figures) if figures else {}
    )
    return [
        TermCount(term.kind, term.code, term.label, counts[f"i{term.pk}"], counts[f"c{term.pk}"])
        for term in taxonomy.terms
        if counts[f"i{term.pk}"] or not term.is_retired
    ]


def _days(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def meeting_attendance(
    *, period: Period, children: QuerySet[Child] | None, kinds: tuple[str, ...] | None = None
) -> list[dict]:
    """Agencies invited to the meetings held in the period (London dates) about the children,
    with how many they attended, sent apologies to or did not answer; by agency."""
    invitations = MeetingInvitation.objects.filter(
        meeting__status=MeetingStatus.HELD,
        meeting__held_at__gte=period.starts_at,
        meeting__held_at__lt=period.ends_before,
    )
    if kinds:
        invitations = invitations.filter(meeting__kind__in=kinds)
    if children is not None:
        invitations = invitations.filter(
            of_counted_children("meeting__child_links__child", children)
        )
    return list(
        invitations.values(agency=F("organisation__name"))
        .annotate(
            invited=Count("meeting_id", distinct=True),
            attended=Count("meeting_id", filter=Q(attendance=Attendance.ATTENDED), distinct=True),
            apologies=Count("meeting_id", filter=Q(attendance=Attendance.APOLOGIES), distinct=True),
            no_response=Count(
                "meeting_id", filter=Q(attendance=Attendance.NO_RESPONSE), distinct=True
            ),
        )
        .order_by("agency")
    )


MEETING_KINDS_ATTENDED = (MeetingKind.STRATEGY, MeetingKind.MULTI_AGENCY)


def actions_taken(*, period: Period, children: QuerySet[Child] | None) -> dict:
    """Disruption actions taken, legal actions applied for or referred, and NRM decisions
    made on days of the period (London dates), for the children; two queries."""
    disruptions = DisruptionAction.objects.filter(_days(period, "taken_on")).order_by()
    legal = LegalAction.objects.order_by()
    if children is not None:
        disruptions = disruptions.filter(of_counted_children("child", children))
        legal = legal.filter(of_counted_children("child", children))
    d = disruptions.aggregate(
        **{kind: Count("pk", filter=Q(kind=kind)) for kind in DisruptionKind.values},
        children=Count("child_id", distinct=True),
    )
    nrm = Q(kind=LegalActionKind.NRM_REFERRAL)
    legal_counts = legal.aggregate(
        **{
            kind: Count("pk", filter=Q(kind=kind) & _days(period, "applied_on"))
            for kind in LegalActionKind.values
        },
        recovery_orders_granted=Count("pk", filter=_days(period, "granted_on")),
        **{
            f"reasonable_grounds_{d}": Count(
                "pk", filter=nrm & Q(reasonable_grounds=d) & _days(period, "reasonable_grounds_on")
            )
            for d in NrmDecision.values
        },
        **{
            f"conclusive_grounds_{d}": Count(
                "pk", filter=nrm & Q(conclusive_grounds=d) & _days(period, "conclusive_grounds_on")
            )
            for d in NrmDecision.values
        },
    )
    return {
        "disruption": {kind: d[kind] for kind in DisruptionKind.values},
        "disruption_children": d["children"],
        "legal": {kind: legal_counts[kind] for kind in LegalActionKind.values},
        "recovery_orders_granted": legal_counts["recovery_orders_granted"],
        "nrm_decisions": {
            f"{stage}_{d}": legal_counts[f"{stage}_{d}"]
            for stage in ("reasonable_grounds", "conclusive_grounds")
            for d in NrmDecision.values
        },
    }
