"""Who may open the insight pages about patterns across children (networks, hot spots), and who
sees the children behind them by name. Which children each counts is the access policy's
(`access.policy.child_scope` for names, `counted_scope` for the analyst)."""

from __future__ import annotations

from homesafe.access.choices import Role
from homesafe.access.models import User

# Those who prepare a locality MACE or run the missing service, and may see children by name.
NAMED_ROLES = (
    Role.MISSING_COORDINATOR,
    Role.POLICE_COORDINATOR,
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.SENIOR_LEADER,
)


def can_view_patterns(user: User) -> bool:
    return bool(user.is_active and user.has_role(*NAMED_ROLES, Role.ANALYST))


def sees_names(user: User) -> bool:
    """Whether the user sees the children behind a pattern by name (an analyst never does)."""
    return bool(user.is_active and user.has_role(*NAMED_ROLES))
