"""The home page, My work: what this person must do first, read from every app through its
queries (duties, episodes, children)."""

from datetime import datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from homesafe.access.audit import audit_children_shown
from homesafe.access.choices import AuditVerb, Role
from homesafe.access.models import User
from homesafe.duties.actions import duty_action
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.duties.queries import (
    duties_inbox,
    duties_needing_owner,
    duties_visible_to,
    reminders_unread,
)
from homesafe.duties.telling import notices_unacknowledged
from homesafe.duties.work import WorkItem, work_by_when, work_items
from homesafe.episodes.queries import episodes_open_visible_to
from homesafe.people.queries import children_granted_to, children_visible_to

TEAM_VIEW_ROLES = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.SENIOR_LEADER)
TEAM_DUTIES_LIMIT = 500
DAYS_AHEAD = 7


def _end_of_today(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=0)


def team_duties(*, user: User, now: datetime) -> list[Duty]:
    """Open duties, overdue or due within a week, of the children a manager can see that the
    manager's people own: their team (a team manager), their service (a service manager) or
    their local authority (a senior leader)."""
    duties = duties_visible_to(user=user).filter(
        state=DutyState.OPEN,
        owner_organisation_id=user.organisation_id,
        due_at__lte=_end_of_today(now) + timedelta(days=DAYS_AHEAD),
    )
    if not user.has_role(Role.SENIOR_LEADER):
        if not user.team_id:
            return []
        if user.has_role(Role.SERVICE_MANAGER):
            duties = duties.filter(owner_team__service=user.team.service)
        else:
            duties = duties.filter(owner_team_id=user.team_id)
    return list(
        duties.select_related("child", "owner_user", "owner_organisation", "owner_team").order_by(
            "due_at", "kind"
        )[:TEAM_DUTIES_LIMIT]
    )


# What the roles that own no duties and see no child by default are for, on their home page.
ROLE_PURPOSES = {
    Role.ANALYST: (
        "As an analyst you will see the partnership's figures: pseudonymised counts, trends, hot "
        "spots and statutory returns, with small numbers suppressed. You do not see children's "
        "records: the Figures page counts your authority's children for any period."
    ),
    Role.AUDITOR: (
        "As an auditor you see the records of the children sampled for an audit you take part "
        "in, for the audit's duration only. Every record you open is logged."
    ),
    Role.ADMINISTRATOR: (
        "As an administrator you manage people's accounts, organisations, police forces' API "
        "keys and the protocol's settings. You do not see children's records unless you also "
        "have a casework role."
    ),
}
NO_DUTY_ROLES = set(ROLE_PURPOSES)


def home(request: HttpRequest) -> HttpResponse:
    """My work, what this person must do first: the notices to acknowledge, the children missing
    now that they may see (longest missing first), their duties (or their team's, for a
    manager) each with the button that does it, and for a missing coordinator the duties that
    need an owner."""
    now = timezone.now()
    is_manager = request.user.has_role(*TEAM_VIEW_ROLES)
    team_view = is_manager and request.GET.get("view") == "team"
    needs_owner = [] if team_view else duties_needing_owner(user=request.user)
    if team_view:
        listed = team_duties(user=request.user, now=now)
    else:
        inbox = duties_inbox(user=request.user, now=now, days_ahead=DAYS_AHEAD)
        # A duty that needs an owner is in its own section, with the reason.
        listed = [d for group in inbox.values() for d in group if not d.needs_owner]
    duties = work_by_when(work_items(listed, now=now), now=now)
    open_episodes = list(episodes_open_visible_to(user=request.user)[:50])
    my_children = list(
        children_visible_to(user=request.user)
        .filter(allocated_social_worker=request.user, merged_into__isnull=True)
        .order_by("last_name", "first_name")[:50]
    )
    reminders = reminders_unread(user=request.user)
    notices = notices_unacknowledged(user=request.user)
    granted_children = (
        children_granted_to(user=request.user, now=now)
        if request.user.has_role(Role.AUDITOR)
        else []
    )
    audit_children_shown(
        actor=request.user,
        verb=AuditVerb.TEAM_WORK_VIEWED if team_view else AuditVerb.WORK_VIEWED,
        child_ids=[
            *(item.duty.child_id for group in duties.values() for item in group),
            *(duty.child_id for duty in needs_owner),
            *(episode.child_id for episode in open_episodes),
            *(child.pk for child in my_children),
            *(reminder.duty.child_id for reminder in reminders),
            *(notice.duty.child_id for notice in notices),
            *(child.pk for child in granted_children),
        ],
    )
    return render(
        request,
        "story/home.html",
        {
            "title": "My work",
            "active_nav": "home",
            "role_purposes": [
                text for role, text in ROLE_PURPOSES.items() if request.user.has_role(role)
            ],
            # Someone who only analyses, audits or administers owns no duties: their home
            # leads with what their role is for instead of empty lists of duties.
            "casework_home": not request.user.roles <= NO_DUTY_ROLES,
            "granted_children": granted_children,
            "duties": duties,
            # One row per duty (each step is given an owner on its own), each with its button.
            "needs_owner": [WorkItem(d, duty_action(d, now=now)) for d in needs_owner],
            "is_manager": is_manager,
            "team_view": team_view,
            "open_episodes": open_episodes,
            "my_children": my_children,
            "reminders": reminders,
            "notices": notices,
        },
    )
