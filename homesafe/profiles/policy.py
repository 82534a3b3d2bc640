"""Who may see and record a child's pre-incident (Philomena) profile.

The profile exists to be handed to the police when the child goes missing, so the police
coordinators who can see the child see it, as do the casework roles (DESIGN.md). Schools do
not. It is the carer's profile, but carers are not users: the local authority's case roles who
may change the child record it on their behalf.
"""

from __future__ import annotations

import rules

from homesafe.access.choices import Role
from homesafe.access.policy import can_change_child, can_view_casework, can_view_child


@rules.predicate
def can_view_profile(user, child) -> bool:
    if can_view_casework(user, child):
        return True
    return bool(user.has_role(Role.POLICE_COORDINATOR) and can_view_child(user, child))


@rules.predicate
def can_record_profile(user, child) -> bool:
    return can_change_child(user, child)


rules.add_perm("profiles.view_profile", can_view_profile)
rules.add_perm("profiles.record_profile", can_record_profile)
