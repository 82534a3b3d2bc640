"""What the protocol and the duties' owners read from return home interviews (homesafe.duties.facts
assembles it with the other apps' facts): plain data, a fixed number of queries for any number
of children."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from homesafe.bulk_reads import ids_in
from homesafe.interviews.choices import (
    NONE_IDENTIFIED,
    TRAFFICKING_INDICATOR,
    InterviewStatus,
    Referral,
)
from homesafe.interviews.models import ReturnInterview, RhiRoute


@dataclass(frozen=True, slots=True)
class InterviewRecord:
    """An episode's return interview as the protocol reads it: the same moments as
    ReturnInterview.protocol_moments() and referred_at()."""

    offered_at: datetime | None
    completed_at: datetime | None  # held, when completed
    declined_at: datetime | None
    exploitation_concern_at: datetime | None  # held, when completed with an indicator
    trafficking_identified: bool
    mace_referred_at: datetime | None  # held, when completed with the referral
    nrm_referred_at: datetime | None


def interviews_by_episode(child_ids: Iterable[int]) -> dict[int, InterviewRecord]:
    """The children's return interviews by episode id, in one query (values, not models: a
    busy batch has thousands)."""
    records = {}
    for episode_id, status, offered_at, held_at, declined_at, indicators, referrals in (
        ReturnInterview.objects.filter(child_id__in=ids_in(child_ids))
        .order_by()
        .values_list(
            "episode_id",
            "status",
            "offered_at",
            "held_at",
            "declined_at",
            "exploitation_indicators",
            "referrals",
        )
    ):
        completed = status == InterviewStatus.COMPLETED
        records[episode_id] = InterviewRecord(
            offered_at=offered_at,
            completed_at=held_at if completed else None,
            declined_at=declined_at if status == InterviewStatus.DECLINED else None,
            exploitation_concern_at=held_at
            if completed and any(i != NONE_IDENTIFIED for i in indicators)
            else None,
            trafficking_identified=TRAFFICKING_INDICATOR in indicators,
            mace_referred_at=held_at if completed and Referral.MACE in referrals else None,
            nrm_referred_at=held_at if completed and Referral.NRM in referrals else None,
        )
    return records


def rhi_routes_by_authority(la_ids: Iterable[int]) -> dict[int, list[RhiRoute]]:
    """Each responsible authority's return interview rules in their order, with the provider
    (homesafe.interviews.routing says how the first that matches a child is chosen)."""
    routes: dict[int, list[RhiRoute]] = {}
    for route in (
        RhiRoute.objects.filter(local_authority_id__in=ids_in(la_ids))
        .select_related("provider")
        .order_by("order", "id")
    ):
        routes.setdefault(route.local_authority_id, []).append(route)
    return routes


def rhi_route_matching(
    routes: Iterable[RhiRoute], *, cohort: str, allocated: bool, host_authority_id: int | None
) -> RhiRoute | None:
    """The first of an authority's rules that covers a child, as routing.rhi_route_for."""
    return next(
        (
            route
            for route in routes
            if route.matches(
                cohort=cohort, allocated=allocated, host_authority_id=host_authority_id
            )
        ),
        None,
    )
