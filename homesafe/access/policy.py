"""The one access policy: who may see or change a child's record.

Two forms of the same rules live here side by side: Python predicates on one child (for
`rules` and for pages deciding what to show) and `child_scope` (a Q for querysets). A test
(tests/access/test_policy.py) holds the two against each other for every role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from homesafe.access.choices import Role

if TYPE_CHECKING:
    from homesafe.access.models import User
    from homesafe.people.models import Child

# EpisodeStatus.VOIDED (homesafe.episodes sits above access): an episode recorded in error.
VOIDED = "voided"

# Roles whose work is the child's case in a local authority.
LA_CASE_ROLES = (
    Role.MISSING_COORDINATOR,
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.SENIOR_LEADER,
)
# Roles that see the fuller case record (cohort, care, network), not only identity and episodes.
CASEWORK_ROLES = (*LA_CASE_ROLES, Role.RHI_WORKER, Role.HEALTH_PRACTITIONER, Role.AUDITOR)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.organisation_id)


def child_scope(user: User) -> Q:
    """A filter on Child that selects exactly the children the user may see."""
    return _any(child_scope_branches(user))


def _any(branches: list[Q]) -> Q:
    scope = Q(pk__in=[])
    for branch in branches:
        scope |= branch
    return scope


def child_scope_branches(user: User) -> list[Q]:
    """child_scope as its branches, each a filter PostgreSQL can serve from an index on its
    own (their union is child_scope; an OR of them is not)."""
    from homesafe.access.models import CaseAccessGrant
    from homesafe.episodes.models import MissingEpisode
    from homesafe.people.models import NetworkMember, Placement

    if not _active(user):
        return []
    org_id = user.organisation_id
    branches = [
        Q(
            Exists(
                CaseAccessGrant.objects.filter(
                    user_id=user.pk,
                    child=OuterRef("pk"),
                    starts_at__lte=timezone.now(),
                    ends_at__gt=timezone.now(),
                )
            )
        ),
        # A professional named in the child's network as themselves (the child's IRO or
        # conference chair): they are told about the child, so they may open the record.
        Q(
            Exists(
                NetworkMember.objects.filter(
                    child=OuterRef("pk"), user_id=user.pk, ended_on__isnull=True
                )
            )
        ),
    ]
    roles = user.roles
    hosted_here = Exists(
        Placement.objects.filter(child=OuterRef("pk"), ended_on__isnull=True, host_la_id=org_id)
    )
    if Role.MISSING_COORDINATOR in roles:
        branches += [Q(responsible_la_id=org_id), Q(hosted_here)]
    if Role.SENIOR_LEADER in roles:
        branches.append(Q(responsible_la_id=org_id))
    if Role.SOCIAL_WORKER in roles:
        branches.append(Q(allocated_social_worker_id=user.pk))
        if user.team_id:
            branches.append(Q(allocated_social_worker__team_id=user.team_id))
    if Role.TEAM_MANAGER in roles and user.team_id:
        branches.append(Q(allocated_social_worker__team_id=user.team_id))
    if Role.SERVICE_MANAGER in roles and user.team_id:
        branches.append(
            Q(
                allocated_social_worker__team__organisation_id=org_id,
                allocated_social_worker__team__service=user.team.service,
            )
        )
    if Role.POLICE_COORDINATOR in roles:
        branches += [
            Q(responsible_la__police_force_id=org_id),
            Q(
                Exists(
                    # An episode recorded in error opens nothing (it may be the wrong child).
                    MissingEpisode.objects.filter(
                        child=OuterRef("pk"), police_force_id=org_id
                    ).exclude(status=VOIDED)
                )
            ),
            Q(
                Exists(
                    Placement.objects.filter(
                        child=OuterRef("pk"),
                        ended_on__isnull=True,
                        host_la__police_force_id=org_id,
                    )
                )
            ),
        ]
    if Role.SCHOOL_LEAD in roles:
        branches.append(Q(school_id=org_id))
    if Role.HEALTH_PRACTITIONER in roles or Role.RHI_WORKER in roles:
        branches.append(
            Q(
                Exists(
                    NetworkMember.objects.filter(
                        child=OuterRef("pk"), organisation_id=org_id, ended_on__isnull=True
                    )
                )
            )
        )
    return branches


def counted_scope(user: User) -> Q:
    """A filter on Child that selects the children an analyst's figures count, never shown by
    name: their local authority's children and those placed in its area, or, for an analyst in a
    police force, the children of the local authorities in the force's area. Any other role
    counts only the children it may see (`child_scope`)."""
    return _any(counted_scope_branches(user))


def counted_scope_branches(user: User) -> list[Q]:
    """counted_scope as its branches (see child_scope_branches)."""
    from homesafe.people.models import Placement

    if not _active(user):
        return []
    branches = child_scope_branches(user)
    if Role.ANALYST in user.roles:
        org_id = user.organisation_id
        hosted_here = Exists(
            Placement.objects.filter(child=OuterRef("pk"), ended_on__isnull=True, host_la_id=org_id)
        )
        branches += [
            Q(responsible_la_id=org_id),
            Q(hosted_here),
            Q(responsible_la__police_force_id=org_id),
        ]
    return branches


def counted_whole_authorities(user: User) -> Q | None:
    """A filter on Organisation: the local authorities every one of whose children (their
    `responsible_la`) counted_scope selects, or None. A reader whose rows carry the child's
    authority reads theirs as one range of an index (insight's summary rows), and only the
    other children (placed in the area, granted) one by one. Each term is one of the
    branches above, so it never widens the scope (tests/access/test_policy.py)."""
    if not _active(user):
        return None
    roles, org_id = user.roles, user.organisation_id
    whole = []
    if {Role.MISSING_COORDINATOR, Role.SENIOR_LEADER, Role.ANALYST} & set(roles):
        whole.append(Q(pk=org_id))
    if {Role.POLICE_COORDINATOR, Role.ANALYST} & set(roles):
        whole.append(Q(police_force_id=org_id))
    return _any(whole) if whole else None


# --- Predicates on one child -------------------------------------------------------------


def _current_placement(child: Child):
    return next((p for p in child.placements.all() if p.ended_on is None), None)


def _allocated_team_id(child: Child):
    worker = child.allocated_social_worker
    return worker.team_id if worker else None


@rules.predicate
def is_allocated_worker(user, child) -> bool:
    return _active(user) and child.allocated_social_worker_id == user.pk


@rules.predicate
def can_view_child(user, child) -> bool:
    """May the user see this child's record at all? Mirrors child_scope()."""
    if not _active(user) or child is None:
        return False
    now = timezone.now()
    if child.access_grants.filter(user_id=user.pk, starts_at__lte=now, ends_at__gt=now).exists():
        return True
    if child.network.filter(user_id=user.pk, ended_on__isnull=True).exists():
        return True
    roles, org_id = user.roles, user.organisation_id
    placement = _current_placement(child)
    team_id = _allocated_team_id(child)
    if Role.MISSING_COORDINATOR in roles and (
        child.responsible_la_id == org_id or (placement and placement.host_la_id == org_id)
    ):
        return True
    if Role.SENIOR_LEADER in roles and child.responsible_la_id == org_id:
        return True
    if Role.SOCIAL_WORKER in roles and (
        child.allocated_social_worker_id == user.pk or (user.team_id and team_id == user.team_id)
    ):
        return True
    if Role.TEAM_MANAGER in roles and user.team_id and team_id == user.team_id:
        return True
    if (
        Role.SERVICE_MANAGER in roles
        and user.team_id
        and team_id
        and child.allocated_social_worker.team.organisation_id == org_id
        and child.allocated_social_worker.team.service == user.team.service
    ):
        return True
    if Role.POLICE_COORDINATOR in roles and (
        child.responsible_la.police_force_id == org_id
        or child.episodes.filter(police_force_id=org_id).exclude(status=VOIDED).exists()
        or (placement and placement.host_la.police_force_id == org_id)
    ):
        return True
    if Role.SCHOOL_LEAD in roles and child.school_id == org_id:
        return True
    return bool(
        (Role.HEALTH_PRACTITIONER in roles or Role.RHI_WORKER in roles)
        and child.network.filter(organisation_id=org_id, ended_on__isnull=True).exists()
    )


@rules.predicate
def can_change_child(user, child) -> bool:
    """Change the case record: the LA's case roles for their own children (not read-only team views)."""
    if not can_view_child(user, child):
        return False
    roles, org_id = user.roles, user.organisation_id
    if child.allocated_social_worker_id == user.pk:
        return True
    if Role.MISSING_COORDINATOR in roles and child.responsible_la_id == org_id:
        return True
    if Role.SENIOR_LEADER in roles and child.responsible_la_id == org_id:
        return True
    team_id = _allocated_team_id(child)
    if Role.TEAM_MANAGER in roles and team_id and team_id == user.team_id:
        return True
    return bool(
        Role.SERVICE_MANAGER in roles
        and team_id
        and child.allocated_social_worker.team.service == user.team.service
        and child.responsible_la_id == org_id
    )


@rules.predicate
def can_record_episode(user, child) -> bool:
    """Report a missing episode, re-grade it or record a return.

    The LA's case roles for children they may change, the host authority's missing
    coordinator, and the police coordinator for children they may see.
    """
    if not can_view_child(user, child):
        return False
    if can_change_child(user, child):
        return True
    if user.has_role(Role.MISSING_COORDINATOR):
        return True  # visible to a CMO and not theirs to change: a child placed in their area
    return user.has_role(Role.POLICE_COORDINATOR)


@rules.predicate
def can_view_casework(user, child) -> bool:
    """See cohort, care, placement and network details (police and schools see identity and episodes)."""
    if not can_view_child(user, child):
        return False
    now = timezone.now()
    if child.access_grants.filter(user_id=user.pk, starts_at__lte=now, ends_at__gt=now).exists():
        return True  # a grant opens casework from its start until its end, never before
    return user.has_role(*CASEWORK_ROLES)


def casework_scope(user: User) -> Q:
    """A filter on Child that selects the children whose casework the user may see: mirrors
    can_view_casework (a casework role, or a grant that has started and not ended)."""
    from homesafe.access.models import CaseAccessGrant

    if not _active(user):
        return Q(pk__in=[])
    if user.has_role(*CASEWORK_ROLES):
        return child_scope(user)
    now = timezone.now()
    return child_scope(user) & Q(
        Exists(
            CaseAccessGrant.objects.filter(
                user_id=user.pk, child=OuterRef("pk"), starts_at__lte=now, ends_at__gt=now
            )
        )
    )


# --- The child's plan, family, education and experiences (issue 16) ------------------------


@rules.predicate
def can_view_safety_plan(user, child) -> bool:
    """The missing risk assessment and safety plan, shared by need to know: those who see the
    child's casework, and the police coordinators who see the child (they look for the child and
    do the prevention interview). Schools do not. Mirrors safety_plan_scope()."""
    if can_view_casework(user, child):
        return True
    return bool(_active(user) and user.has_role(Role.POLICE_COORDINATOR)) and can_view_child(
        user, child
    )


def safety_plan_scope(user: User) -> Q:
    """A filter on Child selecting the children whose safety plan the user may see: mirrors
    can_view_safety_plan."""
    if not _active(user):
        return Q(pk__in=[])
    if user.has_role(Role.POLICE_COORDINATOR):
        return child_scope(user)
    return casework_scope(user)


@rules.predicate
def can_record_safety_plan(user, child) -> bool:
    """Make or review the plan: the local authority's case roles who may change the child."""
    return can_change_child(user, child)


@rules.predicate
def can_view_education(user, child) -> bool:
    """Missing education and absence records: casework, and the school of the child's roll."""
    if can_view_casework(user, child):
        return True
    return bool(
        _active(user)
        and user.has_role(Role.SCHOOL_LEAD)
        and child.school_id == user.organisation_id
        and can_view_child(user, child)
    )


@rules.predicate
def can_record_education(user, child) -> bool:
    """The school of the child's roll, or the local authority (its education welfare service
    and case roles) for a child they may change."""
    if can_change_child(user, child):
        return True
    return bool(
        _active(user)
        and user.has_role(Role.SCHOOL_LEAD)
        and child.school_id == user.organisation_id
        and can_view_child(user, child)
    )


rules.add_perm("safety_plans.view_plan", can_view_safety_plan)
rules.add_perm("safety_plans.record_plan", can_record_safety_plan)
rules.add_perm("people.view_education", can_view_education)
rules.add_perm("people.record_education", can_record_education)


rules.add_perm("people.view_child", can_view_child)
rules.add_perm("people.change_child", can_change_child)
rules.add_perm("episodes.record_episode", can_record_episode)
rules.add_perm("people.view_casework", can_view_casework)


def can_create_child(user) -> bool:
    """Create a child's record in the user's own local authority."""
    return _active(user) and user.organisation.is_local_authority and user.has_role(*LA_CASE_ROLES)


# --- Whose work a user manages ------------------------------------------------------------


def managed_users_scope(user: User) -> Q:
    """A filter on User selecting the people whose work this user manages: a team manager
    their team, a service manager their service's teams, a senior leader everyone in their
    organisation. Nobody manages themselves here (their own work is theirs anyway)."""
    nothing = Q(pk__in=[])
    if not _active(user):
        return nothing
    roles, org_id = user.roles, user.organisation_id
    scope = nothing
    if Role.TEAM_MANAGER in roles and user.team_id:
        scope |= Q(team_id=user.team_id)
    if Role.SERVICE_MANAGER in roles and user.team_id:
        scope |= Q(team__organisation_id=org_id, team__service=user.team.service)
    if Role.SENIOR_LEADER in roles:
        scope |= Q(organisation_id=org_id)
    return scope & ~Q(pk=user.pk)


@rules.predicate
def manages_user(user, other) -> bool:
    """Does the user manage the other person's work? Mirrors managed_users_scope()."""
    if not _active(user) or other is None or other.pk == user.pk:
        return False
    roles = user.roles
    if Role.TEAM_MANAGER in roles and user.team_id and other.team_id == user.team_id:
        return True
    if (
        Role.SERVICE_MANAGER in roles
        and user.team_id
        and other.team_id
        and other.team.organisation_id == user.organisation_id
        and other.team.service == user.team.service
    ):
        return True
    return Role.SENIOR_LEADER in roles and other.organisation_id == user.organisation_id
