"""Who may administer HomeSafe: active users with the administrator role, and nobody else.
(Administrators see no child unless they also hold a case role: docs/access.md.)"""

from __future__ import annotations

import rules

from homesafe.access.choices import Role
from homesafe.access.policy import _active


@rules.predicate
def can_administer(user) -> bool:
    return bool(_active(user) and user.has_role(Role.ADMINISTRATOR))
