"""Who may see and record the search for a missing child.

- Everything of the search (sightings, the locate plan, publicity, contacts, the Safe and Well
  check) is seen with its episode: whoever may see the child (access.policy.can_view_child)
  sees it. `homesafe.locate.queries` holds the matching querysets; a test holds the two equal.
- A sighting or a lead is recorded by any agency that may see the child and works with
  children (the local authority's case roles, the police, schools, health, the return
  interview service): not analysts, auditors or administrators.
- The plan (its actions), publicity and the contacts with Missing People and the UK Missing
  Persons Unit are recorded by those who record episodes (access.policy.can_record_episode:
  the local authority's case roles for their children, the host missing coordinator, the
  police). An action's outcome is also recorded by the agency that owns the action.
- A sighting or a lead is changed or removed by the agency that recorded it (a person of that
  organisation who may record sightings of the child), or by a missing coordinator who records
  the child's episodes; one sent by a police system, by the missing coordinator. Removed
  sightings are kept, with who removed them and why.
- The Safe and Well check is the police's: the police coordinator records it, and so may those
  who record episodes in the authority (what the police told them).
"""

from __future__ import annotations

import rules

from homesafe.access.choices import Role
from homesafe.access.policy import LA_CASE_ROLES, can_record_episode, can_view_child

# The roles of agencies that may see a child and tell what they know of them.
SIGHTING_ROLES = (
    *LA_CASE_ROLES,
    Role.POLICE_COORDINATOR,
    Role.SCHOOL_LEAD,
    Role.HEALTH_PRACTITIONER,
    Role.RHI_WORKER,
)


@rules.predicate
def can_view_locate(user, child) -> bool:
    """See an episode's sightings, plan, publicity, contacts and Safe and Well check."""
    return can_view_child(user, child)


@rules.predicate
def can_record_sighting(user, child) -> bool:
    return bool(can_view_child(user, child) and user.has_role(*SIGHTING_ROLES))


def can_change_sighting(user, sighting) -> bool:
    """Change or remove a sighting or lead: the agency that recorded it, or the missing
    coordinator who records the child's episodes."""
    child = sighting.child
    if not can_record_sighting(user, child):
        return False
    recorder = sighting.recorded_by_organisation_id
    if recorder is not None and user.organisation_id == recorder:
        return True
    return bool(user.has_role(Role.MISSING_COORDINATOR) and can_record_episode(user, child))


@rules.predicate
def can_plan_locate(user, child) -> bool:
    """Add actions to the plan, record publicity and contacts with the missing persons bodies."""
    return can_record_episode(user, child)


def can_record_action_outcome(user, action) -> bool:
    """Whoever plans the search, and the agency that owns the action (if it may see the child)."""
    child = action.child
    if can_plan_locate(user, child):
        return True
    return bool(
        user.organisation_id == action.owner_organisation_id and can_record_sighting(user, child)
    )


@rules.predicate
def can_record_safe_and_well(user, child) -> bool:
    """The same as can_plan_locate (queries.episode_search relies on it)."""
    return can_record_episode(user, child)


rules.add_perm("locate.view_locate", can_view_locate)
rules.add_perm("locate.record_sighting", can_record_sighting)
rules.add_perm("locate.plan_locate", can_plan_locate)
rules.add_perm("locate.record_safe_and_well", can_record_safe_and_well)
