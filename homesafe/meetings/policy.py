"""Who may see and record meetings and professional differences (the North Yorkshire and
Doncaster findings), on top of homesafe.access.policy.

- A meeting is seen by anyone who may see at least one of its children; of a meeting about
  several children (a locality MACE) they see only the parts about children they may see, and
  never the names of the others.
- A meeting is recorded (changed) by the LA case roles who may change one of its children and
  by the missing coordinators of the convening local authority.
- An action is completed by those who may record the meeting, by its owner, and by a police
  coordinator of the force that owns it.
- A professional difference is seen with its child; it is raised by anyone who may see the
  child, and moved on or closed by the two agencies involved and the child's LA case roles.
"""

from __future__ import annotations

import rules

from homesafe.access.choices import Role
from homesafe.access.policy import LA_CASE_ROLES, _active, can_change_child, can_view_child
from homesafe.meetings.models import Meeting, MeetingAction, ProfessionalDifference


def meeting_children(meeting: Meeting) -> list:
    return [link.child for link in meeting.child_links.all()]


@rules.predicate
def can_create_meeting(user) -> bool:
    """Convene a meeting: the LA's case roles (the children are then checked one by one)."""
    return bool(
        _active(user) and user.organisation.is_local_authority and user.has_role(*LA_CASE_ROLES)
    )


@rules.predicate
def can_view_meeting(user, meeting: Meeting) -> bool:
    return any(can_view_child(user, child) for child in meeting_children(meeting))


@rules.predicate
def can_record_meeting(user, meeting: Meeting) -> bool:
    if not _active(user):
        return False
    if (
        user.has_role(Role.MISSING_COORDINATOR)
        and user.organisation_id == meeting.local_authority_id
    ):
        return True
    return any(can_change_child(user, child) for child in meeting_children(meeting))


@rules.predicate
def can_complete_action(user, action: MeetingAction) -> bool:
    meeting = action.meeting
    if not can_view_meeting(user, meeting):
        return False
    if action.child_id is not None and not can_view_child(user, action.child):
        return False
    return completes_seen_action(user, action, can_record=can_record_meeting(user, meeting))


def completes_seen_action(user, action: MeetingAction, *, can_record: bool) -> bool:
    """can_complete_action for an action the user already sees (on the meeting page, which
    decides can_record once for all its actions)."""
    if action.completed_at is not None:
        return False
    if can_record or action.owner_person_id == user.pk:
        return True
    return (
        user.has_role(Role.POLICE_COORDINATOR)
        and action.owner_organisation_id == user.organisation_id
    )


@rules.predicate
def can_view_difference(user, difference: ProfessionalDifference) -> bool:
    return can_view_child(user, difference.child)


@rules.predicate
def can_raise_difference(user, child) -> bool:
    return can_view_child(user, child)


@rules.predicate
def can_update_difference(user, difference: ProfessionalDifference) -> bool:
    if not can_view_child(user, difference.child):
        return False
    if user.organisation_id in (
        difference.raised_by_organisation_id,
        difference.raised_with_organisation_id,
    ):
        return True
    return can_change_child(user, difference.child)


rules.add_perm("meetings.view_meeting", can_view_meeting)
rules.add_perm("meetings.record_meeting", can_record_meeting)
rules.add_perm("meetings.complete_action", can_complete_action)
rules.add_perm("meetings.view_difference", can_view_difference)
rules.add_perm("meetings.update_difference", can_update_difference)
