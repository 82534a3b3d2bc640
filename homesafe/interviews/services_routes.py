"""Who offers return home interviews: the partnership's rules (RhiRoute), kept by
administrators, and the referral made by them when a child comes back.

A rule change re-plans the open interview duties of the authority's children (the social worker
route decides their owner); it makes no referral for returns already recorded: those are
referred by hand (the coordinator's "needs an owner" list shows them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record, changed_fields
from homesafe.access.choices import AuditVerb, OrganisationType
from homesafe.access.models import Organisation, User
from homesafe.duties.protocol import protocols_in_force
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.events import EpisodeReturned
from homesafe.episodes.models import MissingEpisode
from homesafe.interviews.choices import RouteAllocated, RouteProvider
from homesafe.interviews.events import RhiRoutesChanged
from homesafe.interviews.models import RhiRoute
from homesafe.interviews.routing import rhi_route_for
from homesafe.people.choices import Cohort, NetworkRole
from homesafe.people.models import Child, CohortPeriod, NetworkMember, Placement
from homesafe.use_cases import announce, use_case

LOCAL_AUTHORITY_REQUIRED = "Choose the responsible local authority"
HOST_NOT_AUTHORITY = "Choose a local authority, or leave it blank for anywhere"
PROVIDER_KIND_REQUIRED = "Choose who offers the interview"
PROVIDER_REQUIRED = "Choose the return interview service"
PROVIDER_NOT_SERVICE = "Choose a return interview service (an organisation of that kind)"
ORDER_TAKEN = "Another rule of this local authority has order {order}: choose another number"
REFERRAL_REASON = (
    "Returned from a missing episode; the partnership's rule {order} names this service for "
    "return interviews."
)

ROUTE_FIELDS = [
    "local_authority",
    "order",
    "cohort",
    "allocated",
    "host_authority",
    "provider_kind",
    "provider",
]


def _check(route: RhiRoute) -> None:
    """Field problems, each on its field, before the database's constraints see the row."""
    errors: dict[str, str] = {}
    la = route.local_authority if route.local_authority_id else None
    if la is None or la.type != OrganisationType.LOCAL_AUTHORITY:
        errors["local_authority"] = LOCAL_AUTHORITY_REQUIRED
    host = route.host_authority if route.host_authority_id else None
    if host is not None and host.type != OrganisationType.LOCAL_AUTHORITY:
        errors["host_authority"] = HOST_NOT_AUTHORITY
    if route.provider_kind not in RouteProvider.values:
        errors["provider_kind"] = PROVIDER_KIND_REQUIRED
    elif route.provider_kind == RouteProvider.SERVICE:
        provider = route.provider if route.provider_id else None
        if provider is None:
            errors["provider"] = PROVIDER_REQUIRED
        elif provider.type != OrganisationType.RHI_SERVICE:
            errors["provider"] = PROVIDER_NOT_SERVICE
    else:
        route.provider = None  # the social worker route names no service
    if (
        "local_authority" not in errors
        and RhiRoute.objects.filter(local_authority_id=route.local_authority_id, order=route.order)
        .exclude(pk=route.pk)
        .exists()
    ):
        errors["order"] = ORDER_TAKEN.format(order=route.order)
    if errors:
        raise ValidationError(errors)


def _state(route: RhiRoute) -> dict:
    return {name: route.serializable_value(name) for name in ROUTE_FIELDS}


def _replan_open_interview_duties(*, local_authority_id: int) -> None:
    """The open interview duties of the authority's children follow the new rules (the duties
    app subscribes to RhiRoutesChanged and re-plans them at the use case's end)."""
    announce(RhiRoutesChanged(local_authority_id=local_authority_id))


@use_case
def rhi_route_create(
    *,
    local_authority: Organisation | None,
    order: int,
    provider_kind: str,
    actor: User,
    provider: Organisation | None = None,
    cohort: str = "",
    allocated: str = RouteAllocated.ANY,
    host_authority: Organisation | None = None,
) -> RhiRoute:
    route = RhiRoute(
        local_authority=local_authority,
        order=order,
        cohort=Cohort(cohort).value if cohort else "",
        allocated=RouteAllocated(allocated or RouteAllocated.ANY),
        host_authority=host_authority,
        provider_kind=provider_kind,
        provider=provider,
    )
    _check(route)
    route.full_clean()
    route.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.RHI_ROUTE_ADDED,
        target=route,
        payload={"local_authority_id": route.local_authority_id, "provider_id": route.provider_id},
    )
    _replan_open_interview_duties(local_authority_id=route.local_authority_id)
    return route


@use_case
def rhi_route_update(*, route: RhiRoute, actor: User, **changes) -> RhiRoute:
    """Change any of ROUTE_FIELDS; the audit entry names the fields that changed."""
    unknown = set(changes) - set(ROUTE_FIELDS)
    if unknown:
        raise TypeError(f"rhi_route_update() cannot change {sorted(unknown)}")
    route = RhiRoute.objects.select_for_update().get(pk=route.pk)
    before = _state(route)
    for name, value in changes.items():
        setattr(route, name, value)
    if not route.allocated:
        route.allocated = RouteAllocated.ANY
    _check(route)
    route.full_clean()
    fields = changed_fields(before, _state(route))
    if fields:
        route.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.RHI_ROUTE_CHANGED,
            target=route,
            payload={"fields": fields},
        )
        for la_id in {before["local_authority"], route.local_authority_id}:
            _replan_open_interview_duties(local_authority_id=la_id)
    return route


@use_case
def rhi_route_remove(*, route: RhiRoute, actor: User) -> None:
    la_id, route_id = route.local_authority_id, route.pk
    route.delete()
    audit_record(
        actor=actor,
        verb=AuditVerb.RHI_ROUTE_REMOVED,
        target_type="interviews.rhiroute",
        target_id=route_id,
        payload={"local_authority_id": la_id},
    )
    _replan_open_interview_duties(local_authority_id=la_id)


@use_case
def rhi_referrals_on_return(
    *, episode_ids: Iterable[int], actor: Actor, today: date | None = None
) -> list[NetworkMember]:
    """Refer the children of these just-returned episodes to the return interview service the
    partnership's rules name, unless they already have an open referral: so that the interview
    duties the return sets off belong to that service.

    Only episodes the protocol plans duties for (reported since the `duties_from` of the
    child's council's settings) refer: a download of old history refers nobody. The social
    worker route and no rule refer nobody. The caller re-plans (the return does, once, after this); a fixed number of queries
    whatever the number of episodes (the police download's bulk path calls it per chunk).
    """
    episode_ids = list(episode_ids)
    if not episode_ids or not RhiRoute.objects.exists():  # no rules: nobody to refer to
        return []
    (default, _settings), own = protocols_in_force()
    episode_of_child: dict[int, int] = {}
    for episode_id, child_id, la_id, reported_at in MissingEpisode.objects.filter(
        pk__in=episode_ids, status=EpisodeStatus.RETURNED
    ).values_list("pk", "child_id", "child__responsible_la_id", "reported_at"):
        version = own[la_id][0] if la_id in own else default
        if reported_at >= version.duties_from:  # the child's council's protocol plans for it
            episode_of_child[child_id] = episode_id
    if not episode_of_child:
        return []
    children = (
        Child.objects.filter(pk__in=episode_of_child)
        .select_related("responsible_la")
        .prefetch_related(
            Prefetch(
                "network",
                queryset=NetworkMember.objects.filter(
                    role=NetworkRole.RHI_REFERRAL, ended_on__isnull=True
                ),
                to_attr="open_referrals",
            ),
            Prefetch(
                "cohort_periods",
                queryset=CohortPeriod.objects.filter(ended_on__isnull=True),
                to_attr="facts_cohorts",
            ),
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(ended_on__isnull=True),
                to_attr="facts_placements",
            ),
            Prefetch(
                "responsible_la__rhi_routes",
                queryset=RhiRoute.objects.order_by("order", "id"),
                to_attr="facts_rhi_routes",
            ),
        )
        .order_by("pk")
    )
    today = today or timezone.localdate()
    referrals: list[tuple[NetworkMember, RhiRoute]] = []
    for child in children:
        if child.open_referrals:
            continue  # kept: the child's provider stays theirs
        route = rhi_route_for(child)
        if route is None or route.by_social_worker:
            continue
        member = NetworkMember(
            child=child,
            organisation_id=route.provider_id,
            role=NetworkRole.RHI_REFERRAL,
            started_on=today,
        )
        referrals.append((member, route))
    NetworkMember.objects.bulk_create([member for member, _route in referrals])
    for member, route in referrals:
        audit_record(
            actor=actor,
            verb=AuditVerb.RHI_REFERRAL_MADE,
            target=member,
            payload={
                "organisation_id": route.provider_id,
                "role": NetworkRole.RHI_REFERRAL.value,
                "route_id": route.pk,
                "episode_id": episode_of_child[member.child_id],
                "reason": REFERRAL_REASON.format(order=route.order),
            },
        )
    return [member for member, _route in referrals]


def rhi_referrals_on_episode_returned(event: EpisodeReturned) -> list[NetworkMember]:
    """The interviews app's subscription to EpisodeReturned (InterviewsConfig.ready)."""
    return rhi_referrals_on_return(episode_ids=[event.episode_id], actor=event.actor)
