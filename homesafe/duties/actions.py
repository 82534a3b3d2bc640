"""What to do about a duty, as a button: the page that does it, for every kind of duty.

A duty is closed by the fact that shows it done (an offer recorded, a meeting held, a profile
reviewed), so the useful button on My work and on the duty's page is the one that records that
fact: "Record the offer" opens the return interview's offer form, "Record the meeting" the new
meeting form for the child. `ACTIONS` is the one map from kind to action; a test holds that
every `DutyKind` has one.

Notifications and alerts: HomeSafe tells a told party that has users itself (duties.telling),
as soon as the duty is planned or, for the alerts by duration, when they fall due. So an open
notification past that point is one whose told party has no users: its owner sends the message
from the duty's page (the Send form, `#send`). An alert not yet due has nothing to do yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from homesafe.duties.models import Duty
from homesafe.duties.telling import TELL_WHEN_DUE
from homesafe.protocol.facts import DutyKind


@dataclass(frozen=True)
class DutyAction:
    """A button: what it says (naming the action) and where it goes."""

    text: str
    url: str


def _duty_page(duty: Duty, anchor: str = "") -> str:
    return reverse("duties:detail", args=[duty.pk]) + (f"#{anchor}" if anchor else "")


def _with_query(url: str, **params) -> str:
    return f"{url}?{urlencode(params)}"


def _send(duty: Duty) -> str:
    return _duty_page(duty, "send")


def _meeting(kind: str) -> Callable[[Duty], str]:
    return lambda duty: _with_query(reverse("meetings:new"), child=duty.child_id, kind=kind)


def _legal(kind: str) -> Callable[[Duty], str]:
    return lambda duty: _with_query(
        reverse("concerns:legal_new", args=[duty.child_id]), kind=kind, episode=duty.episode_id
    )


SEND_NOTIFICATION = "Send the notification"
SEND_ALERT = "Send the alert"
SEND_ESCALATION = "Send the escalation"
RECORD_MEETING = "Record the meeting"

# kind -> (button text, the page that does it). The notifications' and alerts' pages are the
# duty's own Send form (see the module's docstring for when that is).
ACTIONS: dict[DutyKind, tuple[str, Callable[[Duty], str]]] = {
    DutyKind.NOTIFY_SOCIAL_WORKER: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_SCHOOL: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_PLACING_LA: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_HOST_LA: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_IRO: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_CP_CHAIR: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_EARLY_HELP: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_HEALTH: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_YOUTH_JUSTICE: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_EARLY_HELP_OF_RETURN: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_HEALTH_OF_RETURN: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_YOUTH_JUSTICE_OF_RETURN: (SEND_NOTIFICATION, _send),
    DutyKind.NOTIFY_SCHOOL_OF_RETURN: (SEND_NOTIFICATION, _send),
    DutyKind.SENIOR_LEADER_ALERT: (SEND_ALERT, _send),
    DutyKind.HIGH_RISK_ALERT: (SEND_ALERT, _send),
    DutyKind.ESCALATE_TEAM_MANAGER: (SEND_ESCALATION, _send),
    DutyKind.ESCALATE_SERVICE_MANAGER: (SEND_ESCALATION, _send),
    DutyKind.ESCALATE_HEAD_OF_SERVICE: (SEND_ESCALATION, _send),
    DutyKind.STRATEGY_MEETING: (RECORD_MEETING, _meeting("strategy")),
    DutyKind.REPEAT_MEETING: (RECORD_MEETING, _meeting("multi_agency")),
    DutyKind.RHI_OFFER: (
        "Record the offer",
        lambda duty: reverse("interviews:offer", args=[duty.episode_id]),
    ),
    DutyKind.RHI_COMPLETE: (
        "Record the interview",
        lambda duty: reverse("interviews:complete", args=[duty.episode_id]),
    ),
    DutyKind.PRE_INCIDENT_REVIEW: (
        "Review the profile",
        lambda duty: reverse("profiles:edit", args=[duty.child_id]),
    ),
    DutyKind.SAFETY_PLAN_REVIEW: (
        "Review the safety plan",
        lambda duty: reverse("safety_plans:edit", args=[duty.child_id]),
    ),
    DutyKind.SCREENING_REVIEW: (
        "Complete a screening",
        lambda duty: reverse("screening:list", args=[duty.child_id]),
    ),
    DutyKind.CONSIDER_MACE: ("Record the MACE referral", _legal("mace_referral")),
    DutyKind.CONSIDER_NRM: ("Record the NRM referral", _legal("nrm_referral")),
    DutyKind.CONSIDER_RECOVERY_ORDER: ("Record the recovery order", _legal("recovery_order")),
    DutyKind.EIGHTEENTH_BIRTHDAY: (
        "Review the episode",
        lambda duty: reverse("episodes:detail", args=[duty.episode_id]),
    ),
    # The manager records the review on the duty itself (or holds a strategy meeting).
    DutyKind.ESCALATION_REVIEW: ("Record the review", _duty_page),
    # The search for the child (homesafe.locate): the record that does it closes the duty.
    DutyKind.CONSIDER_PUBLICITY: (
        "Record the publicity decision",
        lambda duty: reverse("locate:publicity_new", args=[duty.episode_id]),
    ),
    DutyKind.CONTACT_MISSING_PEOPLE: (
        "Record the contact",
        lambda duty: reverse("locate:contact_new", args=[duty.episode_id]),
    ),
    DutyKind.WITHDRAW_PUBLICITY: (
        "Withdraw the publicity",
        lambda duty: reverse("episodes:detail", args=[duty.episode_id]) + "#publicity",
    ),
    DutyKind.SAFE_AND_WELL: (
        "Record the Safe and Well check",
        lambda duty: reverse("locate:safe_and_well_new", args=[duty.episode_id]),
    ),
}
# A kind stored before this map knew it: the duty's page, with its "Mark as done".
FALLBACK = ("Open the duty", _duty_page)
WAIT_FOR_DUE = "See the alert"
CHOOSE_OWNER = "Choose an owner"
# The reassign form's person picker on the duty's page (its field's id).
CHOOSE_OWNER_ANCHOR = "id_to"


def duty_action(duty: Duty, *, now: datetime | None = None) -> DutyAction:
    """The button for an open duty: the action that does it."""
    now = now or timezone.now()
    if duty.needs_owner and not duty.owner_user_id:
        return DutyAction(CHOOSE_OWNER, _duty_page(duty, CHOOSE_OWNER_ANCHOR))
    if duty.kind in TELL_WHEN_DUE and duty.tells_role and duty.due_at > now:
        # Told when due (and only if the child is still missing then): nothing to send yet.
        return DutyAction(WAIT_FOR_DUE, _duty_page(duty))
    text, url = ACTIONS.get(duty.kind, FALLBACK)
    return DutyAction(text, url(duty))


def duty_page_action(duty: Duty, *, now: datetime | None = None) -> DutyAction | None:
    """The action button on the duty's own page, above "Mark as done": none where the action
    is the page itself (its forms are the action)."""
    action = duty_action(duty, now=now)
    return None if action.url == _duty_page(duty) else action


def told_party_text(duty: Duty) -> str:
    """Whom a notification or alert tells, in words: the role, and the person, team or
    organisation named from the child's record ("" for a duty that tells nobody)."""
    if not duty.tells_role:
        return ""
    role = duty.get_tells_role_display()
    if duty.told_user_id:
        return f"{role}: {duty.told_user}"
    named = duty.told_team or duty.told_organisation
    return f"{role}, {named.name}" if named else f"{role} (not known from the child's record)"


def duty_page_telling(duty: Duty, *, can_work: bool, now: datetime) -> dict:
    """What the duty's page shows above its forms: the action button (for someone who may work
    the duty), whom it tells, and the notices given (who was told, when, acknowledged or not)."""
    notices = list(
        duty.notices.select_related("recipient__organisation").order_by("created_at", "pk")
    )
    return {
        "action": duty_page_action(duty, now=now) if can_work and duty.is_open else None,
        "tells": told_party_text(duty),
        "notices": notices,
    }
