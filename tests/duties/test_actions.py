"""Each duty's button: every kind has an action, it names the action, and it opens the page
that does it (duties/actions.py). Checked here for the map itself; tests/story/test_my_work.py
checks the buttons on My work and the duty's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from homesafe.duties.actions import (
    ACTIONS,
    CHOOSE_OWNER,
    WAIT_FOR_DUE,
    duty_action,
    duty_page_action,
)
from homesafe.duties.models import Duty
from homesafe.protocol.facts import DutyKind

# kind -> (button text, view the button opens, query it carries). Written out here rather
# than read from ACTIONS, so that a change to the map is a change to this table too.
EXPECTED: dict[str, tuple[str, str, dict]] = {
    DutyKind.NOTIFY_SOCIAL_WORKER: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_SCHOOL: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_PLACING_LA: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_HOST_LA: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_IRO: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_CP_CHAIR: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_EARLY_HELP: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_HEALTH: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_YOUTH_JUSTICE: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_EARLY_HELP_OF_RETURN: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_HEALTH_OF_RETURN: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_YOUTH_JUSTICE_OF_RETURN: ("Send the notification", "duties:detail", {}),
    DutyKind.NOTIFY_SCHOOL_OF_RETURN: ("Send the notification", "duties:detail", {}),
    DutyKind.SENIOR_LEADER_ALERT: ("Send the alert", "duties:detail", {}),
    DutyKind.HIGH_RISK_ALERT: ("Send the alert", "duties:detail", {}),
    DutyKind.ESCALATE_TEAM_MANAGER: ("Send the escalation", "duties:detail", {}),
    DutyKind.ESCALATE_SERVICE_MANAGER: ("Send the escalation", "duties:detail", {}),
    DutyKind.ESCALATE_HEAD_OF_SERVICE: ("Send the escalation", "duties:detail", {}),
    DutyKind.STRATEGY_MEETING: ("Record the meeting", "meetings:new", {"kind": "strategy"}),
    DutyKind.REPEAT_MEETING: ("Record the meeting", "meetings:new", {"kind": "multi_agency"}),
    DutyKind.RHI_OFFER: ("Record the offer", "interviews:offer", {}),
    DutyKind.RHI_COMPLETE: ("Record the interview", "interviews:complete", {}),
    DutyKind.PRE_INCIDENT_REVIEW: ("Review the profile", "profiles:edit", {}),
    DutyKind.SAFETY_PLAN_REVIEW: ("Review the safety plan", "safety_plans:edit", {}),
    DutyKind.SCREENING_REVIEW: ("Complete a screening", "screening:list", {}),
    DutyKind.CONSIDER_MACE: (
        "Record the MACE referral",
        "concerns:legal_new",
        {"kind": "mace_referral"},
    ),
    DutyKind.CONSIDER_NRM: (
        "Record the NRM referral",
        "concerns:legal_new",
        {"kind": "nrm_referral"},
    ),
    DutyKind.CONSIDER_RECOVERY_ORDER: (
        "Record the recovery order",
        "concerns:legal_new",
        {"kind": "recovery_order"},
    ),
    DutyKind.EIGHTEENTH_BIRTHDAY: ("Review the episode", "episodes:detail", {}),
    DutyKind.ESCALATION_REVIEW: ("Record the review", "duties:detail", {}),
    DutyKind.CONSIDER_PUBLICITY: ("Record the publicity decision", "locate:publicity_new", {}),
    DutyKind.CONTACT_MISSING_PEOPLE: ("Record the contact", "locate:contact_new", {}),
    DutyKind.WITHDRAW_PUBLICITY: ("Withdraw the publicity", "episodes:detail", {}),
    DutyKind.SAFE_AND_WELL: ("Record the Safe and Well check", "locate:safe_and_well_new", {}),
}
NOTIFICATIONS = {k for k in EXPECTED if k.startswith(("notify_", "senior_", "high_", "escalate_"))}


def test_every_duty_kind_has_an_action():
    assert set(ACTIONS) == set(DutyKind)
    assert set(EXPECTED) == set(DutyKind)


def _duty(kind, *, due_in=dt.timedelta(hours=-1), **extra) -> Duty:
    """An unsaved open duty of child 7's episode 9 (the URLs need ids, not rows)."""
    return Duty(
        pk=3,
        child_id=7,
        episode_id=9,
        kind=kind,
        due_at=timezone.now() + due_in,
        tells_role="school" if kind in NOTIFICATIONS else "",
        **extra,
    )


@pytest.mark.parametrize("kind", sorted(DutyKind))
def test_the_action_names_what_it_does_and_opens_the_page_that_does_it(kind):
    text, view, query = EXPECTED[kind]
    action = duty_action(_duty(kind))
    assert action.text == text
    path, _, rest = action.url.partition("?")
    path, _, anchor = path.partition("#")
    match = resolve(path)
    assert match.view_name == view
    # The page is about this duty's child, episode or the duty itself.
    ids = set(match.kwargs.values())
    assert ids <= {3, 7, 9} and (ids or "child=7" in rest)
    for key, value in query.items():
        assert f"{key}={value}" in rest
    if kind in NOTIFICATIONS:  # the duty page's Send form
        assert anchor == "send"


def test_an_alert_told_when_due_has_nothing_to_send_before_then():
    """The senior leadership alert and the escalations are told (by HomeSafe, or sent) only
    once due, if the child is still missing: before then the button only opens the duty."""
    not_yet = _duty(DutyKind.SENIOR_LEADER_ALERT, due_in=dt.timedelta(hours=5))
    action = duty_action(not_yet)
    assert action.text == WAIT_FOR_DUE
    assert action.url == reverse("duties:detail", args=[3])
    assert duty_page_action(not_yet) is None  # on its own page: no button to itself
    # A notification told when planned is sent at once, due or not.
    school = duty_action(_duty(DutyKind.NOTIFY_SCHOOL, due_in=dt.timedelta(hours=5)))
    assert school.url == reverse("duties:detail", args=[3]) + "#send"


def test_a_duty_that_needs_an_owner_has_choose_an_owner():
    duty = _duty(DutyKind.RHI_OFFER, needs_owner="No return interview provider.")
    action = duty_action(duty)
    assert action.text == CHOOSE_OWNER
    assert action.url == reverse("duties:detail", args=[3]) + "#id_to"
    # Once someone is named (reassigned), the duty's own action again.
    duty.owner_user_id = 1
    assert duty_action(duty).text == "Record the offer"


def test_on_the_duty_page_an_action_that_is_the_page_itself_is_not_repeated():
    assert duty_page_action(_duty(DutyKind.ESCALATION_REVIEW)) is None
    assert duty_page_action(_duty(DutyKind.RHI_OFFER)).text == "Record the offer"
