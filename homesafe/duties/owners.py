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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from homesafe.access.choices import Role
from homesafe.access.models import Organisation, Team, User
from homesafe.bulk_reads import rows_for_ids
from homesafe.interviews.facts import rhi_route_matching
from homesafe.people.choices import Cohort, NetworkRole
from homesafe.protocol.facts import OwnerRole

if TYPE_CHECKING:
    from homesafe.duties.facts import ChildCase
    from homesafe.people.facts import ChildRecord
    from homesafe.people.models import Child

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
NO_FORCE = "The episode's police force is not recorded."
NO_NETWORK_MEMBER = "No {role} is named in the child's network."

# The wider network's told roles (issue 16): the child's network member with that role.
_NETWORK_TOLD: dict[str, tuple[str, str]] = {
    OwnerRole.IRO: (NetworkRole.IRO, "independent reviewing officer"),
    OwnerRole.CP_CHAIR: (NetworkRole.CP_CHAIR, "child protection chair"),
    OwnerRole.EARLY_HELP: (NetworkRole.EARLY_HELP, "early help worker"),
    OwnerRole.HEALTH: (NetworkRole.HEALTH, "health professional"),
    OwnerRole.YOUTH_JUSTICE: (NetworkRole.YOUTH_JUSTICE, "youth justice worker"),
}


@dataclass(frozen=True, slots=True)
class Party:
    """An organisation, and where known the team or the person, that acts or is told (by id).
    With `missing` set, nobody could be named and the organisation is the responsible
    authority."""

    organisation_id: int
    team_id: int | None = None
    user_id: int | None = None
    missing: str = ""


def rhi_provider(child: Child) -> Organisation | None:
    """The organisation the child is referred to for return interviews, if any."""
    member = (
        child.network.filter(ended_on__isnull=True, role=NetworkRole.RHI_REFERRAL)
        .select_related("organisation")
        .first()
    )
    return member.organisation if member else None


def _rhi_owner(case: ChildCase) -> Party:
    """Return interviews: the provider the child is referred to; else the allocated social
    worker where the partnership's rule for the child says so (homesafe.interviews.routing);
    else nobody yet (the coordinator's "needs an owner" list)."""
    child = case.record
    referral = child.network_member(NetworkRole.RHI_REFERRAL)
    if referral is not None:
        return Party(referral.organisation_id)
    la = child.responsible_la_id
    route = rhi_route_matching(
        case.routes,
        cohort=child.cohort or Cohort.NOT_KNOWN,
        allocated=child.social_worker_id is not None,
        host_authority_id=child.host_la_id,
    )
    if route is not None and route.by_social_worker and child.social_worker_id is not None:
        return Party(la, child.social_worker_team_id, child.social_worker_id)
    if route is not None and not route.by_social_worker:
        return Party(la, missing=NOT_REFERRED.format(provider=route.provider.name))
    return Party(la, missing=NO_PROVIDER)


def _worker(child: ChildRecord) -> Party:
    if child.social_worker_id is None:
        return Party(child.responsible_la_id, missing=NO_WORKER)
    return Party(child.responsible_la_id, child.social_worker_team_id, child.social_worker_id)


def _team(child: ChildRecord) -> Party:
    if child.social_worker_team_id is None:
        return Party(child.responsible_la_id, missing=NO_TEAM)
    return Party(child.responsible_la_id, child.social_worker_team_id)


def resolve_owner(case: ChildCase, role: OwnerRole, *, episode_id: int | None = None) -> Party:
    """Who must act on a duty the protocol gives to `role`, for this child (the police: the
    force of the episode `episode_id`)."""
    child = case.record
    match role:
        case OwnerRole.POLICE:
            force = case.police_forces.get(episode_id) if episode_id is not None else None
            return Party(force) if force else Party(child.responsible_la_id, missing=NO_FORCE)
        case OwnerRole.SOCIAL_WORKER:
            return _worker(child)
        case OwnerRole.TEAM_MANAGER | OwnerRole.SERVICE_MANAGER:
            return _team(child)
        case OwnerRole.RHI_SERVICE:
            return _rhi_owner(case)
    # The missing coordinator, head of service and senior leaders are the responsible
    # authority's. A told party's role (school, other authorities, IRO, chair) never owns a
    # planned duty: a duty stored before that rule is the responsible authority's missing
    # coordinator's.
    return Party(child.responsible_la_id)


def resolve_told(case: ChildCase, role: OwnerRole) -> Party:
    """Whom a notification or alert tells, for this child."""
    child = case.record
    la = child.responsible_la_id
    match role:
        case OwnerRole.SOCIAL_WORKER:
            return _worker(child)
        case OwnerRole.SCHOOL:
            return Party(child.school_id) if child.school_id else Party(la, missing=NO_SCHOOL)
        case OwnerRole.PLACING_LA | OwnerRole.HOST_LA:
            if child.placing_la_id is None:
                return Party(la, missing=NO_PLACEMENT)
            return Party(child.placing_la_id if role == OwnerRole.PLACING_LA else child.host_la_id)
        case OwnerRole.IRO | OwnerRole.CP_CHAIR:
            network_role = NetworkRole.IRO if role == OwnerRole.IRO else NetworkRole.CP_CHAIR
            member = child.network_member(network_role)
            if member is None:
                return Party(la, missing=NO_IRO if role == OwnerRole.IRO else NO_CP_CHAIR)
            return Party(member.organisation_id, user_id=member.user_id)
        case OwnerRole.EARLY_HELP | OwnerRole.HEALTH | OwnerRole.YOUTH_JUSTICE:
            network_role, words = _NETWORK_TOLD[role]
            member = child.network_member(network_role)
            if member is None:
                return Party(la, missing=NO_NETWORK_MEMBER.format(role=words))
            return Party(member.organisation_id, user_id=member.user_id)
        case OwnerRole.TEAM_MANAGER | OwnerRole.SERVICE_MANAGER:
            return _team(child)
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
    OwnerRole.POLICE: (Role.POLICE_COORDINATOR,),
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
    # A health member named by organisation only: its safeguarding practitioners. Early help
    # and youth justice are usually the council's own services: a member named by organisation
    # only is told from outside HomeSafe (the directory), never every user of the council.
    OwnerRole.HEALTH: (Role.HEALTH_PRACTITIONER,),
}
_TOLD_ROLES = tuple(sorted({role for holders in TOLD_HOLDERS.values() for role in holders}))


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


# A told party, as re-planning and the sweep group duties: (tells_role, told_user_id,
# told_organisation_id, told_team_id).
TOLD_PARTY = tuple[str, int | None, int | None, int | None]


def _active_users(ids):
    return User.objects.filter(pk__in=ids, is_active=True).values_list("pk")


def _team_services(ids):
    return Team.objects.filter(pk__in=ids).values_list("pk", "service")


def _role_holders(ids):
    return User.objects.filter(
        is_active=True, organisation_id__in=ids, role_grants__role__in=_TOLD_ROLES
    ).values_list("pk", "organisation_id", "team_id", "team__service", "role_grants__role")


def people_told_by_party(parties: Iterable[TOLD_PARTY]) -> dict[TOLD_PARTY, list[int]]:
    """The ids of the active HomeSafe users each told party tells, as people_told() names
    them for one duty, for many parties in three queries."""
    parties = set(parties)
    user_ids = {user_id for _, user_id, _, _ in parties if user_id}
    organisation_ids = {org for _, user_id, org, _ in parties if not user_id and org}
    team_ids = {team for _, user_id, org, team in parties if not user_id and org and team}
    active = {pk for (pk,) in rows_for_ids(_active_users, sorted(user_ids))}
    services = dict(rows_for_ids(_team_services, sorted(team_ids)))
    holders = rows_for_ids(_role_holders, sorted(organisation_ids))
    told: dict[TOLD_PARTY, list[int]] = {}
    for party in parties:
        tells_role, user_id, organisation_id, team_id = party
        if user_id:
            told[party] = [user_id] if user_id in active else []
            continue
        if organisation_id is None:
            told[party] = []
            continue
        wanted = TOLD_HOLDERS.get(tells_role, ())
        people: dict[int, None] = {}  # in the users' order, each once
        for pk, org, team, service, role in holders:
            if org != organisation_id or role not in wanted:
                continue
            if team_id is not None and tells_role == OwnerRole.TEAM_MANAGER and team != team_id:
                continue
            if (
                team_id is not None
                and tells_role == OwnerRole.SERVICE_MANAGER
                and service != services.get(team_id)
            ):
                continue
            people[pk] = None
        told[party] = list(people)
    return told
