"""Duties' pages: who may see and work a duty, bad input writes nothing, and the inbox makes a
fixed number of queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from homesafe.access.models import AuditEntry
from homesafe.duties.choices import DutyEventKind, DutyState
from homesafe.duties.forms import REASSIGN_MISSING
from homesafe.duties.models import Duty, DutyEvent, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.duties.reminders import duties_sweep
from homesafe.duties.services import NOT_NEEDED_REASON_MISSING, REASSIGN_OUTSIDE
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.protocol.settings import ProtocolSettings
from tests.factories import ChildFactory, NetworkMemberFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def protocol(db):
    """The defaults in force, planning duties for episodes reported in the last few weeks."""
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=60))


def _report(world, child, *, reported_at=None, risk="medium"):
    reported_at = reported_at or timezone.now() - dt.timedelta(hours=2)
    return episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=reported_at - dt.timedelta(hours=1),
        reported_at=reported_at,
        reported_by="parent",
        risk=risk,
    )


def _new_child(world, **extra):
    """A child of LA A allocated to sw_1 (team 1) and at school 1, with no episode yet."""
    return ChildFactory(
        **{
            "responsible_la": world.orgs["la_a"],
            "allocated_social_worker": world.users["sw_1"],
            "school": world.orgs["school_1"],
            **extra,
        }
    )


@pytest.fixture
def reported(world, protocol):
    child = _new_child(world)
    episode = _report(world, child)
    return child, episode


def _duty(episode, kind) -> Duty:
    return Duty.objects.get(episode=episode, kind=kind)


def _writes():
    """Everything a duty's forms could write: the duties, their history and non-read audit."""
    return (
        sorted(Duty.objects.values_list("pk", "state", "owner_user_id", "closing_note")),
        DutyEvent.objects.count(),
        AuditEntry.objects.exclude(verb__endswith=".viewed").count(),
    )


# --- Access ----------------------------------------------------------------------------------

# (user, duty kind, expected: "work" = page with forms, "read" = page without, 404)
ACCESS = [
    ("sw_1", "strategy_meeting", "work"),  # owner and allocated worker
    ("cmo_a", "strategy_meeting", "work"),  # may change the child's record
    ("tm_1", "strategy_meeting", "work"),  # team manager of the allocated team
    ("sl_a", "strategy_meeting", "work"),
    # The school is told, never owns "tell the school"; it has users, so HomeSafe told them and
    # the duty is done: nobody has anything to do on it.
    ("school_1", "notify_school", "read"),
    ("cmo_a", "notify_school", "read"),
    ("sw_1b", "strategy_meeting", "read"),  # a team-mate: sees the child, read-only
    ("school_1", "strategy_meeting", "read"),
    ("police_a", "strategy_meeting", "read"),
    ("cmo_b", "strategy_meeting", 404),  # another LA
    ("school_2", "notify_school", 404),
    ("analyst", "strategy_meeting", 404),
]


@pytest.mark.parametrize(("user_key", "kind", "expected"), ACCESS)
def test_duty_page_by_role(world, reported, client, user_key, kind, expected):
    _, episode = reported
    duty = _duty(episode, kind)
    client.force_login(world.users[user_key])
    response = client.get(reverse("duties:detail", args=[duty.pk]))
    if expected == 404:
        assert response.status_code == 404
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert duty.label in page and escape(duty.reason) in page and duty.protocol_version in page
    has_forms = reverse("duties:complete", args=[duty.pk]) in page
    assert has_forms == (expected == "work")
    assert (reverse("duties:reassign", args=[duty.pk]) in page) == (expected == "work")


@pytest.mark.parametrize("action", ["complete", "not_needed", "reassign"])
@pytest.mark.parametrize(
    ("user_key", "status"), [("sw_1b", 403), ("police_a", 403), ("cmo_b", 404)]
)
def test_posting_without_permission_is_refused_and_writes_nothing(
    world, reported, client, action, user_key, status
):
    _, episode = reported
    duty = _duty(episode, "strategy_meeting")
    client.force_login(world.users[user_key])
    before = _writes()
    data = {"note": "x", "reason": "x", "to": world.users["sw_1b"].pk}
    response = client.post(reverse(f"duties:{action}", args=[duty.pk]), data)
    assert response.status_code == status
    assert _writes() == before


def test_owner_marks_a_duty_done_and_it_leaves_the_inbox(world, reported, client):
    _, episode = reported
    duty = _duty(episode, "strategy_meeting")
    client.force_login(world.users["sw_1"])
    url = reverse("duties:detail", args=[duty.pk])
    assert url in client.get(reverse("web:home")).content.decode()
    response = client.post(
        reverse("duties:complete", args=[duty.pk]), {"note": "Told by phone"}, follow=True
    )
    assert response.redirect_chain == [(url, 302)]
    page = response.content.decode()
    assert "Duty marked as done" in page and "Told by phone" in page and "Done" in page
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE and duty.closed_by == world.users["sw_1"]
    assert duty.events.filter(kind=DutyEventKind.COMPLETED, actor=world.users["sw_1"]).exists()
    # Done: no forms any more, and gone from My work.
    assert reverse("duties:complete", args=[duty.pk]) not in page
    assert url not in client.get(reverse("web:home")).content.decode()


def test_not_needed_with_a_reason(world, reported, client):
    _, episode = reported
    duty = _duty(episode, "strategy_meeting")
    client.force_login(world.users["sw_1"])
    response = client.post(
        reverse("duties:not_needed", args=[duty.pk]), {"reason": "  Half term: school closed "}
    )
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.state == DutyState.NOT_NEEDED and duty.closing_note == "Half term: school closed"


def test_reassign_within_the_owner_organisation(world, reported, client):
    _, episode = reported
    duty = _duty(episode, "strategy_meeting")
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    assert escape(str(world.users["sw_2"])) in page  # a colleague in LA A
    assert escape(str(world.users["cmo_b"])) not in page  # not another LA's people
    response = client.post(
        reverse("duties:reassign", args=[duty.pk]), {"to": world.users["sw_2"].pk}, follow=True
    )
    assert f"Duty reassigned to {world.users['sw_2']}" in response.content.decode()
    duty.refresh_from_db()
    assert duty.owner_user == world.users["sw_2"] and duty.assigned_by_person
    # The history names both people with their organisation, never "user 27".
    history = client.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    sw_1, sw_2 = world.users["sw_1"], world.users["sw_2"]
    assert escape(f"to {sw_2} ({sw_2.organisation.name})") in history
    assert escape(f"{sw_1} ({sw_1.organisation.name})") in history
    assert f"user {sw_2.pk}" not in history


def test_the_history_names_whom_a_reminder_went_to(world, reported, client):
    _, episode = reported
    duty = _duty(episode, "strategy_meeting")
    duties_sweep(now=timezone.now() + dt.timedelta(days=10))
    client.force_login(world.users["sw_1"])
    history = client.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    owner = duty.owner_user
    assert "Reminder sent" in history
    assert escape(f"{owner} ({owner.organisation.name}): Overdue") in history


BAD_INPUT = [
    ("not_needed", {"reason": ""}, "reason", NOT_NEEDED_REASON_MISSING),
    ("not_needed", {"reason": "   "}, "reason", NOT_NEEDED_REASON_MISSING),
    ("reassign", {"to": ""}, "to", REASSIGN_MISSING),
    ("reassign", {"to": "999999"}, "to", REASSIGN_OUTSIDE),
    ("reassign", {"to": "not-a-number"}, "to", REASSIGN_OUTSIDE),
    ("reassign", "cmo_b", "to", REASSIGN_OUTSIDE),  # someone outside the owner organisation
    ("reassign", "inactive_cmo", "to", REASSIGN_OUTSIDE),  # someone no longer active
]


@pytest.mark.parametrize(("action", "data", "field", "message"), BAD_INPUT)
def test_bad_input_shows_a_field_error_and_writes_nothing(
    world, reported, client, action, data, field, message
):
    _, episode = reported
    duty = _duty(episode, "strategy_meeting")
    if isinstance(data, str):
        data = {"to": world.users[data].pk}
    client.force_login(world.users["sw_1"])
    before = _writes()
    response = client.post(reverse(f"duties:{action}", args=[duty.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page and f'href="#id_{field}"' in page
    assert f'id="id_{field}-error"' in page  # the message beside the field
    assert message in page
    assert _writes() == before


def test_a_closed_duty_cannot_be_closed_again(world, reported, client):
    _, episode = reported
    duty = _duty(episode, "strategy_meeting")
    client.force_login(world.users["sw_1"])
    client.post(reverse("duties:complete", args=[duty.pk]), {"note": ""})
    before = _writes()
    response = client.post(
        reverse("duties:not_needed", args=[duty.pk]), {"reason": "Too late"}, follow=True
    )
    assert "This duty is already closed (done)." in response.content.decode()
    assert _writes() == before


def test_get_on_a_form_url_is_not_allowed(world, reported, client):
    _, episode = reported
    client.force_login(world.users["sw_1"])
    duty = _duty(episode, "strategy_meeting")
    assert client.get(reverse("duties:complete", args=[duty.pk])).status_code == 405


def test_history_is_shown_oldest_first(world, reported, client):
    _, episode = reported
    duty = _duty(episode, "strategy_meeting")
    client.force_login(world.users["sw_1"])
    client.post(reverse("duties:reassign", args=[duty.pk]), {"to": world.users["sw_1b"].pk})
    page = client.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    assert page.index("Planned") < page.index("Reassigned")


# --- My work -------------------------------------------------------------------------------


def test_my_work_splits_duties_by_when_they_are_due(world, reported, client):
    _, episode = reported
    now = timezone.now()
    overdue = _duty(episode, "strategy_meeting")
    Duty.objects.filter(pk=overdue.pk).update(due_at=now - dt.timedelta(hours=1))
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("web:home")).content.decode()
    overdue_section = page[page.index("Overdue") : page.index("Due today")]
    assert reverse("duties:detail", args=[overdue.pk]) in overdue_section
    assert reverse("people:child", args=[overdue.child_id]) in overdue_section
    assert "Children missing now" in page


def test_team_view_for_managers(world, reported, client):
    _, episode = reported
    duty = _duty(episode, "strategy_meeting")  # owned by sw_1 of team 1
    url = reverse("duties:detail", args=[duty.pk])
    client.force_login(world.users["tm_1"])
    assert url not in client.get(reverse("web:home")).content.decode()
    page = client.get(reverse("web:home"), {"view": "team"}).content.decode()
    assert url in page and "Show your own duties" in page
    client.force_login(world.users["sm_cic"])
    assert url in client.get(reverse("web:home"), {"view": "team"}).content.decode()
    # Not a manager: the option is ignored, and another team's manager does not see the duty.
    client.force_login(world.users["sw_1b"])
    page = client.get(reverse("web:home"), {"view": "team"}).content.decode()
    assert url not in page and "Show your team" not in page


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


INBOX_VIEWS = (("sw_1", {}), ("tm_1", {"view": "team"}), ("cmo_a", {}), ("rhi", {}))


def _reported_and_returned(world, *, referred: bool):
    """A child of LA A reported and returned: referred to the return interview service (its
    offer and completion are one item on the worker's My work), or not (they need an owner)."""
    child = _new_child(world)
    if referred:
        NetworkMemberFactory(child=child, organisation=world.orgs["rhi"], role="rhi_referral")
    episode = _report(world, child)
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(minutes=30),
        found_by="police",
        actor=world.users["cmo_a"],
    )
    return child


def test_inbox_queries_do_not_grow_with_duties(world, protocol, client):
    """My work, for a social worker, a manager's team view, a coordinator (with its "Needs an
    owner" list) and a return interview worker (offer and completion as one item): the same
    number of queries for one child's duties as for six."""
    _report(world, _new_child(world))
    _reported_and_returned(world, referred=True)
    _reported_and_returned(world, referred=False)
    counts = {}
    for user_key, params in INBOX_VIEWS:
        client.force_login(world.users[user_key])
        _queries(client, reverse("web:home"), **params)  # warm up (session, protocol)
        counts[user_key] = _queries(client, reverse("web:home"), **params)
    for _ in range(5):
        _report(world, _new_child(world))
        _reported_and_returned(world, referred=True)
        _reported_and_returned(world, referred=False)
    for user_key, params in INBOX_VIEWS:
        client.force_login(world.users[user_key])
        _queries(client, reverse("web:home"), **params)
        assert _queries(client, reverse("web:home"), **params) == counts[user_key], user_key
    # and the duties really are there, each with its button
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("web:home")).content.decode()
    assert page.count(">Hold a strategy meeting</a>") == 6
    assert page.count(">Record the meeting<") == 6
    client.force_login(world.users["cmo_a"])
    page = client.get(reverse("web:home")).content.decode()
    needs_owner = page[page.index('id="needs-owner"') :]
    assert needs_owner.count(">Offer a return home interview</a>") == 6
    assert needs_owner.count(">Choose an owner<") == 12  # the offer and the completion
    client.force_login(world.users["rhi"])
    page = client.get(reverse("web:home")).content.decode()
    assert page.count("Return home interview</a>: <strong>offer</strong>") == 6


# --- Working days (the CMO's screening list is tested in tests/daily_screening) -------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 12, 2), dt.date(2026, 12, 1)),  # Wednesday: Tuesday
        (dt.date(2026, 12, 7), dt.date(2026, 12, 4)),  # Monday: Friday
        (dt.date(2026, 5, 26), dt.date(2026, 5, 22)),  # after the late May bank holiday
        (dt.date(2026, 12, 29), dt.date(2026, 12, 24)),  # Christmas; Boxing Day's substitute 28th
    ],
)
def test_previous_working_day(today, expected):
    assert ProtocolSettings.defaults().calendar.previous_working_day(today) == expected


# --- Overdue duties ------------------------------------------------------------------------


def test_overdue_duties_by_team(world, reported, client):
    from tests.factories import OrganisationFactory

    child, episode = reported
    # A second child at a school with no HomeSafe users: telling it stays the missing team's.
    offline = OrganisationFactory(type="school", local_authority=world.orgs["la_a"])
    other = _report(world, _new_child(world, school=offline))
    now = timezone.now()
    Duty.objects.filter(episode=episode, kind="strategy_meeting").update(
        due_at=now - dt.timedelta(hours=2)
    )
    Duty.objects.filter(episode=other, kind="notify_school").update(
        due_at=now - dt.timedelta(hours=2)
    )
    for user_key, status in (
        ("tm_1", 200),
        ("sm_cic", 200),
        ("sl_a", 200),
        ("cmo_a", 200),
        ("sw_1", 403),
        ("school_1", 403),
    ):
        client.force_login(world.users[user_key])
        assert client.get(reverse("duties:overdue")).status_code == status, user_key
    client.force_login(world.users["cmo_a"])
    page = client.get(reverse("duties:overdue")).content.decode()
    team = world.users["sw_1"].team
    assert f"{world.orgs['la_a'].name}: {team.name} (1)" in page
    # "Tell the school" is the authority's (its missing team's), not the school's.
    assert f"{world.orgs['la_a'].name} (1)" in page
    assert f"{world.orgs['school_1'].name} (1)" not in page
    assert "2 overdue duties" in page
    # cmo_b cannot see LA A's child: nothing overdue for them
    client.force_login(world.users["cmo_b"])
    assert "No duty is overdue" in client.get(reverse("duties:overdue")).content.decode()


def test_navigation_by_role(world, client):
    client.force_login(world.users["cmo_a"])
    page = client.get(reverse("web:home")).content.decode()
    assert reverse("daily_screening:list") in page and reverse("duties:overdue") in page
    client.force_login(world.users["tm_1"])
    page = client.get(reverse("web:home")).content.decode()
    assert reverse("daily_screening:list") not in page and reverse("duties:overdue") in page
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("web:home")).content.decode()
    assert reverse("daily_screening:list") not in page and reverse("duties:overdue") not in page


def test_returned_child_gets_an_rhi_offer_for_the_cmo(world, reported, client):
    child, episode = reported
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(minutes=30),
        found_by="police",
        actor=world.users["cmo_a"],
    )
    offer = _duty(episode, "rhi_offer")
    client.force_login(world.users["cmo_a"])
    page = client.get(reverse("web:home")).content.decode()
    assert reverse("duties:detail", args=[offer.pk]) in page
