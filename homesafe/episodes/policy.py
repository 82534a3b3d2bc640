"""Who may correct an episode or void one recorded in error.

Narrower than recording one (access.policy.can_record_episode): the missing coordinator of the
child's local authority (or of the authority the child is placed in, who may have recorded it),
the child's allocated social worker and that worker's team manager. The police correct their
own records in their own system: the next download or event brings the change.
"""

from __future__ import annotations

import rules

from homesafe.access.choices import Role
from homesafe.access.policy import can_view_child


@rules.predicate
def can_correct_episode(user, child) -> bool:
    if not can_view_child(user, child):
        return False
    if child.allocated_social_worker_id == user.pk:
        return True
    if user.has_role(Role.MISSING_COORDINATOR):
        if child.responsible_la_id == user.organisation_id:
            return True
        if any(
            p.ended_on is None and p.host_la_id == user.organisation_id
            for p in child.placements.all()
        ):
            return True
    worker = child.allocated_social_worker
    return bool(
        user.has_role(Role.TEAM_MANAGER)
        and worker is not None
        and user.team_id
        and worker.team_id == user.team_id
    )


rules.add_perm("episodes.correct_episode", can_correct_episode)
