"""Who a planned duty belongs to: the protocol names a role; the record names the people."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from homesafe.access.choices import Role
from homesafe.access.models import Organisation, Team, User
from homesafe.people.choices import NetworkRole
from homesafe.people.models import Child
from homesafe.protocol.facts import OwnerRole


@dataclass(frozen=True)
class Owner:
    organisation: Organisation
    team: Team | None = None
    user: User | None = None


# A child from duties.facts.children_for_facts carries its current network and placement
# (facts_network, facts_placements); any other child is looked up.


def _network(child: Child, role: str):
    members = getattr(child, "facts_network", None)
    if members is None:
        members = child.network.filter(ended_on__isnull=True).select_related("organisation")
    return next((m for m in members if m.role == role), None)


def _current_placement(child: Child):
    placements = getattr(child, "facts_placements", None)
    if placements is None:
        placements = child.placements.filter(ended_on__isnull=True)
    return next(iter(placements), None)


def resolve_owner(child: Child, role: OwnerRole) -> Owner:
    """The organisation (and team or person) that must act, falling back to the responsible
    authority's missing team when the record does not name anyone more specific."""
    la = child.responsible_la
    worker = child.allocated_social_worker
    team = worker.team if worker else None
    placement = _current_placement(child)
    match role:
        case OwnerRole.SOCIAL_WORKER if worker:
            return Owner(la, team, worker)
        case OwnerRole.TEAM_MANAGER | OwnerRole.SERVICE_MANAGER if team:
            return Owner(la, team)
        case OwnerRole.HEAD_OF_SERVICE | OwnerRole.SENIOR_LEADER:
            return Owner(la)
        case OwnerRole.SCHOOL if child.school_id:
            return Owner(child.school)
        case OwnerRole.PLACING_LA if placement:
            return Owner(placement.placing_la)
        case OwnerRole.HOST_LA if placement:
            return Owner(placement.host_la)
        case OwnerRole.IRO | OwnerRole.CP_CHAIR:
            member = _network(
                child, NetworkRole.IRO if role == OwnerRole.IRO else NetworkRole.CP_CHAIR
            )
            return Owner(member.organisation if member else la)
        case OwnerRole.RHI_SERVICE:
            member = _network(child, NetworkRole.RHI_REFERRAL)
            return Owner(member.organisation if member else la)
    return Owner(la)


# Which of a user's roles make them an owner of a duty held by their organisation (or team).
_ROLE_HOLDERS: dict[str, tuple[str, ...]] = {
    OwnerRole.MISSING_COORDINATOR: (Role.MISSING_COORDINATOR,),
    OwnerRole.SOCIAL_WORKER: (Role.MISSING_COORDINATOR,),  # unallocated: the missing team
    OwnerRole.TEAM_MANAGER: (Role.TEAM_MANAGER,),
    OwnerRole.SERVICE_MANAGER: (Role.SERVICE_MANAGER,),
    OwnerRole.HEAD_OF_SERVICE: (Role.SENIOR_LEADER,),
    OwnerRole.SENIOR_LEADER: (Role.SENIOR_LEADER,),
    OwnerRole.SCHOOL: (Role.SCHOOL_LEAD,),
    OwnerRole.PLACING_LA: (Role.MISSING_COORDINATOR,),
    OwnerRole.HOST_LA: (Role.MISSING_COORDINATOR,),
    OwnerRole.IRO: (Role.MISSING_COORDINATOR, Role.SOCIAL_WORKER, Role.TEAM_MANAGER),
    OwnerRole.CP_CHAIR: (Role.MISSING_COORDINATOR, Role.SOCIAL_WORKER, Role.TEAM_MANAGER),
    OwnerRole.RHI_SERVICE: (Role.RHI_WORKER, Role.MISSING_COORDINATOR),
}


def duties_owned_q(user: User) -> Q:
    """A filter on Duty: the duties this person owns, personally or through their role."""
    if not (user.is_authenticated and user.is_active and user.organisation_id):
        return Q(pk__in=[])
    mine = Q(owner_user_id=user.pk)
    for owner_role, holder_roles in _ROLE_HOLDERS.items():
        if not user.has_role(*holder_roles):
            continue
        held = Q(
            owner_user__isnull=True,
            owner_role=owner_role,
            owner_organisation_id=user.organisation_id,
        )
        if owner_role == OwnerRole.TEAM_MANAGER:
            held &= Q(owner_team_id=user.team_id)
        elif owner_role == OwnerRole.SERVICE_MANAGER:
            if not user.team_id:
                continue
            held &= Q(owner_team__service=user.team.service)
        mine |= held
    return mine


def owners_of(duty) -> list[User]:
    """The active people who own a duty: who the reminders go to."""
    if duty.owner_user_id:
        return [duty.owner_user] if duty.owner_user.is_active else []
    holders = _ROLE_HOLDERS.get(duty.owner_role, ())
    people = User.objects.filter(
        is_active=True, organisation_id=duty.owner_organisation_id, role_grants__role__in=holders
    )
    if duty.owner_role == OwnerRole.TEAM_MANAGER and duty.owner_team_id:
        people = people.filter(team_id=duty.owner_team_id)
    elif duty.owner_role == OwnerRole.SERVICE_MANAGER and duty.owner_team_id:
        people = people.filter(team__service=duty.owner_team.service)
    return list(people.distinct())
