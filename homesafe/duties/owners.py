"""Who a planned duty belongs to, and whom it tells: the protocol names roles; the child's own
record names the people.

The owner is the one who must act, resolved from the child's network: the allocated social
worker, their team's manager, the referred return-interview provider, the responsible
authority's missing coordinator. Never "everyone with that role" across the council: a role is
held through the child (their worker's team, their authority's missing team).

A notification or alert also names the party it tells (`tells`): the school, the host or placing
authority, the child's IRO or conference chair, a senior leader, a manager. The told party never
owns the duty to tell itself.

Where nobody can be named (no IRO in the network, no return-interview provider, no allocated
worker's team for an escalation), the duty stays with the responsible authority and says why in
`needs_owner`: it is on the missing coordinator's "needs an owner" list until someone is named.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from homesafe.access.choices import Role
from homesafe.access.models import Organisation, Team, User
from homesafe.interviews.routing import rhi_route_for
from homesafe.people.choices import NetworkRole
from homesafe.people.models import Child
from homesafe.protocol.facts import OwnerRole

NO_WORKER = "The child has no allocated social worker."
NO_TEAM = (
    "The child has no allocated social worker, so no team or manager can be named: choose who acts."
)
NO_PROVIDER = (
    "No return interview provider: the child has no referral and the partnership names no "
    "default provider."
)
NOT_REFERRED = (
    "The child has no return interview referral: the partnership's rules name {provider}; "
    "refer the child to them."
)
NO_SCHOOL = "The child's school is not recorded."
NO_PLACEMENT = "The child's current placement is not recorded, so the authority is not known."
NO_IRO = "No independent reviewing officer is named in the child's network."
NO_CP_CHAIR = "No child protection chair is named in the child's network."


@dataclass(frozen=True)
class Party:
    """An organisation, and where known the team or the person, that acts or is told. With
    `missing` set, nobody could be named and the organisation is the responsible authority."""

    organisation: Organisation
    team: Team | None = None
    user: User | None = None
    missing: str = ""


# Kept for readers of the old name (the demo writer and tests import it).
Owner = Party


# A child from duties.facts.children_for_facts carries its current network and placement
# (facts_network, facts_placements); any other child is looked up.


def _network(child: Child, role: str):
    members = getattr(child, "facts_network", None)
    if members is None:
        members = child.network.filter(ended_on__isnull=True).select_related("organisation", "user")
    return next((m for m in members if m.role == role), None)


def _current_placement(child: Child):
    placements = getattr(child, "facts_placements", None)
    if placements is None:
        placements = child.placements.filter(ended_on__isnull=True)
    return next(iter(placements), None)


def rhi_provider(child: Child) -> Organisation | None:
    """The organisation the child is referred to for return interviews, if any."""
    member = _network(child, NetworkRole.RHI_REFERRAL)
    return member.organisation if member else None


def _rhi_owner(child: Child) -> Party:
    """Return interviews: the provider the child is referred to; else the allocated social
    worker where the partnership's rule for the child says so (homesafe.interviews.routing);
    else nobody yet (the coordinator's "needs an owner" list)."""
    provider = rhi_provider(child)
    if provider is not None:
        return Party(provider)
    la = child.responsible_la
    route = rhi_route_for(child)
    worker = child.allocated_social_worker
    if route is not None and route.by_social_worker and worker is not None:
        return Party(la, worker.team, worker)
    if route is not None and not route.by_social_worker:
        return Party(la, missing=NOT_REFERRED.format(provider=route.provider.name))
    return Party(la, missing=NO_PROVIDER)


def resolve_owner(child: Child, role: OwnerRole) -> Party:
    """Who must act on a duty the protocol gives to `role`, for this child."""
    la = child.responsible_la
    worker = child.allocated_social_worker
    team = worker.team if worker else None
    match role:
        case OwnerRole.MISSING_COORDINATOR:
            return Party(la)
        case OwnerRole.SOCIAL_WORKER:
            return Party(la, team, worker) if worker else Party(la, missing=NO_WORKER)
        case OwnerRole.TEAM_MANAGER | OwnerRole.SERVICE_MANAGER:
            return Party(la, team) if team else Party(la, missing=NO_TEAM)
        case OwnerRole.HEAD_OF_SERVICE | OwnerRole.SENIOR_LEADER:
            return Party(la)
        case OwnerRole.RHI_SERVICE:
            return _rhi_owner(child)
    # A told party's role (school, other authorities, IRO, chair) never owns a planned duty:
    # a duty stored before that rule is the responsible authority's missing coordinator's.
    return Party(la)


def resolve_told(child: Child, role: OwnerRole) -> Party:
    """Whom a notification or alert tells, for this child."""
    la = child.responsible_la
    worker = child.allocated_social_worker
    team = worker.team if worker else None
    match role:
        case OwnerRole.SOCIAL_WORKER:
            return Party(la, team, worker) if worker else Party(la, missing=NO_WORKER)
        case OwnerRole.SCHOOL:
            return Party(child.school) if child.school_id else Party(la, missing=NO_SCHOOL)
        case OwnerRole.PLACING_LA | OwnerRole.HOST_LA:
            placement = _current_placement(child)
            if placement is None:
                return Party(la, missing=NO_PLACEMENT)
            return Party(
                placement.placing_la if role == OwnerRole.PLACING_LA else placement.host_la
            )
        case OwnerRole.IRO | OwnerRole.CP_CHAIR:
            network_role = NetworkRole.IRO if role == OwnerRole.IRO else NetworkRole.CP_CHAIR
            member = _network(child, network_role)
            if member is None:
                return Party(la, missing=NO_IRO if role == OwnerRole.IRO else NO_CP_CHAIR)
            return Party(member.organisation, user=getattr(member, "user", None))
        case OwnerRole.TEAM_MANAGER | OwnerRole.SERVICE_MANAGER:
            return Party(la, team) if team else Party(la, missing=NO_TEAM)
    return Party(la)  # senior leader, head of service: the responsible authority's leaders


# Which of a user's roles make them an owner of a duty held by their organisation (or team).
_ROLE_HOLDERS: dict[str, tuple[str, ...]] = {
    OwnerRole.MISSING_COORDINATOR: (Role.MISSING_COORDINATOR,),
    OwnerRole.SOCIAL_WORKER: (Role.MISSING_COORDINATOR,),  # no worker: the missing team
    OwnerRole.TEAM_MANAGER: (Role.TEAM_MANAGER,),
    OwnerRole.SERVICE_MANAGER: (Role.SERVICE_MANAGER,),
    OwnerRole.HEAD_OF_SERVICE: (Role.SENIOR_LEADER,),
    OwnerRole.SENIOR_LEADER: (Role.SENIOR_LEADER,),
    OwnerRole.RHI_SERVICE: (Role.RHI_WORKER,),
    # Told roles, for duties stored before they stopped owning any: the missing team.
    OwnerRole.SCHOOL: (Role.MISSING_COORDINATOR,),
    OwnerRole.PLACING_LA: (Role.MISSING_COORDINATOR,),
    OwnerRole.HOST_LA: (Role.MISSING_COORDINATOR,),
    OwnerRole.IRO: (Role.MISSING_COORDINATOR,),
    OwnerRole.CP_CHAIR: (Role.MISSING_COORDINATOR,),
}

# Who, in a told organisation (or team), is told: the people of that party with these roles.
TOLD_HOLDERS: dict[str, tuple[str, ...]] = {
    OwnerRole.SCHOOL: (Role.SCHOOL_LEAD,),
    OwnerRole.PLACING_LA: (Role.MISSING_COORDINATOR,),
    OwnerRole.HOST_LA: (Role.MISSING_COORDINATOR,),
    OwnerRole.SENIOR_LEADER: (Role.SENIOR_LEADER,),
    OwnerRole.HEAD_OF_SERVICE: (Role.SENIOR_LEADER,),
    OwnerRole.TEAM_MANAGER: (Role.TEAM_MANAGER,),
    OwnerRole.SERVICE_MANAGER: (Role.SERVICE_MANAGER,),
}


def duties_owned_q(user: User) -> Q:
    """A filter on Duty: the duties this person owns, personally or through their role. A
    missing coordinator also holds their authority's duties that need an owner."""
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
        mine |= held & Q(needs_owner="")
    if user.has_role(Role.MISSING_COORDINATOR):
        mine |= needs_owner_q(organisation_id=user.organisation_id)
    return mine


def needs_owner_q(*, organisation_id: int) -> Q:
    """Duties of this authority that nobody could be named to act on (or nobody to tell)."""
    return Q(owner_user__isnull=True, owner_organisation_id=organisation_id) & ~Q(needs_owner="")


def _holders(organisation_id, team, role: str, roles: tuple[str, ...]):
    people = User.objects.filter(
        is_active=True, organisation_id=organisation_id, role_grants__role__in=roles
    )
    if role == OwnerRole.TEAM_MANAGER and team is not None:
        people = people.filter(team_id=team.pk)
    elif role == OwnerRole.SERVICE_MANAGER and team is not None:
        people = people.filter(team__service=team.service)
    return list(people.distinct())


def owners_of(duty) -> list[User]:
    """The active people who own a duty: who the reminders go to."""
    if duty.owner_user_id:
        return [duty.owner_user] if duty.owner_user.is_active else []
    if duty.needs_owner:
        return _holders(duty.owner_organisation_id, None, "", (Role.MISSING_COORDINATOR,))
    return _holders(
        duty.owner_organisation_id,
        duty.owner_team,
        duty.owner_role,
        _ROLE_HOLDERS.get(duty.owner_role, ()),
    )


def people_told(duty) -> list[User]:
    """The active HomeSafe users a notification or alert tells (none: the party has no users,
    so it is told from outside HomeSafe, by message or phone)."""
    if not duty.tells_role or duty.needs_owner:
        return []
    if duty.told_user_id:
        return [duty.told_user] if duty.told_user.is_active else []
    if duty.told_organisation_id is None:
        return []
    return _holders(
        duty.told_organisation_id,
        duty.told_team,
        duty.tells_role,
        TOLD_HOLDERS.get(duty.tells_role, ()),
    )
