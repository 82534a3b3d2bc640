"""Who may see and record persons and places of concern, disruption and legal actions.

A person or location of concern is seen through the children linked to it: whoever may see at
least one of those children sees it, with only the links to the children they may see
(concerns.queries). Police coordinators and the local authority's case roles record.
"""

from __future__ import annotations

import rules

from homesafe.access.choices import Role
from homesafe.access.policy import can_change_child, can_view_child


@rules.predicate
def can_view_concerns(user, child) -> bool:
    return can_view_child(user, child)


@rules.predicate
def can_record_concerns(user, child) -> bool:
    if can_change_child(user, child):
        return True
    # The police for children they see; a host authority's missing coordinator.
    return bool(
        user.has_role(Role.POLICE_COORDINATOR, Role.MISSING_COORDINATOR)
        and can_view_child(user, child)
    )


rules.add_perm("concerns.view_concerns", can_view_concerns)
rules.add_perm("concerns.record_concerns", can_record_concerns)
