"""Which partnership rule (RhiRoute) says who offers a child's return home interviews.

A responsible authority's rules are tried in their order and the first that matches the child
wins: by the child's current cohort, whether they have an allocated social worker, and where
they are placed (the host authority of their current placement). No rule matches: the
partnership names nobody, and the interview duties wait on the missing coordinator's list.

Read by the return (homesafe.interviews.services_routes: the referral made on return) and by
the duties' owners (homesafe.duties.owners, through interviews.facts.rhi_route_matching).
"""

from __future__ import annotations

from homesafe.interviews.models import RhiRoute
from homesafe.people.choices import Cohort
from homesafe.people.models import Child


def _routes(child: Child) -> list[RhiRoute]:
    # A child prefetched by services_routes carries its authority's rules.
    la = child.responsible_la
    routes = getattr(la, "facts_rhi_routes", None)
    if routes is None:
        routes = list(
            RhiRoute.objects.filter(local_authority_id=child.responsible_la_id)
            .select_related("provider")
            .order_by("order", "id")
        )
    return routes


def _current_cohort(child: Child) -> str:
    periods = getattr(child, "facts_cohorts", None)
    if periods is None:
        periods = child.cohort_periods.filter(ended_on__isnull=True)
    period = next(iter(periods), None)
    return period.cohort if period else Cohort.NOT_KNOWN


def _host_authority_id(child: Child) -> int | None:
    placements = getattr(child, "facts_placements", None)
    if placements is None:
        placements = child.placements.filter(ended_on__isnull=True)
    placement = next(iter(placements), None)
    return placement.host_la_id if placement else None


def rhi_route_for(child: Child) -> RhiRoute | None:
    """The first of the child's responsible authority's rules that covers the child, if any."""
    routes = _routes(child)
    if not routes:
        return None
    cohort = _current_cohort(child)
    allocated = child.allocated_social_worker_id is not None
    host = _host_authority_id(child)
    return next(
        (
            route
            for route in routes
            if route.matches(cohort=cohort, allocated=allocated, host_authority_id=host)
        ),
        None,
    )
