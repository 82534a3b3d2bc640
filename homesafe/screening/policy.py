"""Who may see and record exploitation screenings.

- See a child's screenings: those who see the child's casework
  (homesafe.access.policy.can_view_casework); police and schools see the child's identity and
  episodes, not screenings.
- Record a screening or change its band: those who may change the child's record
  (can_change_child), and the RHI worker whose service holds the child's open referral.
"""

from __future__ import annotations

import rules

from homesafe.access.policy import can_change_child, can_view_casework
from homesafe.interviews.policy import holds_open_referral


@rules.predicate
def can_view_screenings(user, child) -> bool:
    return can_view_casework(user, child)


@rules.predicate
def can_record_screening(user, child) -> bool:
    return can_view_casework(user, child) and (
        can_change_child(user, child) or holds_open_referral(user, child)
    )


rules.add_perm("screening.view_screenings", can_view_screenings)
rules.add_perm("screening.record_screening", can_record_screening)
