"""My work leads with what this person must do first: notices to acknowledge, then the children
missing now, then their duties, each with the button for the action that does it, the return
interview as one item with two steps, then (missing coordinators only) the duties that need an
owner. The duty's page offers the same action first and says whom the duty tells and who was
told."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, Notice, ProtocolVersion
from homesafe.duties.owners import NO_PROVIDER
from homesafe.duties.protocol import protocol_current
from homesafe.duties.services import duty_complete
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.people.choices import NetworkRole
from homesafe.protocol.facts import DutyKind
from tests.duties.test_actions import EXPECTED
from tests.factories import ChildFactory, NetworkMemberFactory


@pytest.fixture
def protocol(db):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=60))


def _home(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("web:home"), params)
    assert response.status_code == 200
    return response.content.decode()


def _child(world, **extra):
    return ChildFactory(
        **{
            "responsible_la": world.orgs["la_a"],
            "allocated_social_worker": world.users["sw_1"],
            "school": world.orgs["school_1"],
            **extra,
        }
    )


def _report(world, child, *, hours_ago=2):
    reported_at = timezone.now() - dt.timedelta(hours=hours_ago)
    return episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=reported_at - dt.timedelta(hours=1),
        reported_at=reported_at,
        reported_by="parent",
        risk="medium",
    )


def _returned(world, *, referred: bool):
    child = _child(world)
    if referred:
        NetworkMemberFactory(
            child=child, organisation=world.orgs["rhi"], role=NetworkRole.RHI_REFERRAL
        )
    episode = _report(world, child)
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(minutes=30),
        found_by="police",
        actor=world.users["cmo_a"],
    )
    return child, episode


def _row(page: str, duty: Duty) -> str:
    """The table row that links to this duty's page."""
    href = f'href="{reverse("duties:detail", args=[duty.pk])}"'
    rows = [row for row in page.split("<tr") if href in row]
    assert len(rows) == 1, f"{len(rows)} rows link to {duty}"
    return rows[0]


def _button(row: str) -> tuple[str, str]:
    """The action button's text and address in a row."""
    match = re.search(r'<a href="([^"]+)" role="button"[^>]*>([^<]+)<', row)
    assert match, row
    return match.group(2), html.unescape(match.group(1))


# --- The order of My work ---------------------------------------------------------------------


@pytest.mark.parametrize("user_key", ["cmo_a", "sw_1", "tm_1", "sl_a", "police_a"])
def test_children_missing_now_come_before_duties(world, protocol, client, user_key):
    """Another person's overdue duty used to come above the children missing now; now the
    notices come first, then the children missing now, then the duties, then needs an owner."""
    child = _child(world)
    episode = _report(world, child, hours_ago=30)  # duties overdue, still missing
    duty = Duty.objects.filter(episode=episode, state=DutyState.OPEN).first()
    Notice.objects.create(duty=duty, recipient=world.users[user_key])
    page = _home(client, world.users[user_key])
    told = page.index('id="notices-title"')
    missing = page.index('id="missing-now"')
    duties = page.index('id="duties"')
    assert told < missing < duties
    assert page.index(reverse("episodes:detail", args=[episode.pk])) < duties
    assert "Overdue" in page[duties:]
    if user_key == "cmo_a":
        assert duties < page.index('id="needs-owner"')


def test_children_missing_now_longest_first_with_risk_and_how_long(world, protocol, client):
    recent = _report(world, _child(world), hours_ago=2)
    longest = _report(world, _child(world), hours_ago=50)
    page = _home(client, world.users["sw_1"])
    section = page[page.index('id="missing-now"') : page.index('id="duties"')]
    assert section.index(reverse("episodes:detail", args=[longest.pk])) < section.index(
        reverse("episodes:detail", args=[recent.pk])
    )
    assert "Police risk" in section and "Medium" in section and "Missing for" in section
    assert "2 days 3 h" in section  # last seen 51 hours ago


# --- Each duty with its button ----------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(DutyKind))
def test_each_duty_row_has_its_action_button(world, protocol, client, kind):
    """For every kind, the row of My work names the child and what to do and has the button
    naming the action, to the page that does it."""
    child = world.children["a_team1"]
    episode = world.episodes["a_team1"]
    tells = "school" if kind.startswith(("notify_", "senior_", "high_", "escalate_")) else ""
    duty = Duty.objects.create(
        child=child,
        episode=episode,
        kind=kind,
        due_at=timezone.now() - dt.timedelta(hours=1),
        owner_role="social_worker",
        owner_organisation=world.orgs["la_a"],
        owner_user=world.users["sw_1"],
        tells_role=tells,
        rule="test",
        reason="test",
        protocol_version="test",
    )
    page = _home(client, world.users["sw_1"])
    overdue = page[page.index(">Overdue") : page.index(">Due today")]
    row = _row(overdue, duty)
    assert reverse("people:child", args=[child.pk]) in row  # the child
    text, url = _button(row)
    expected_text, view, query = EXPECTED[kind]
    assert text == expected_text
    path, _, rest = url.partition("?")
    assert resolve(path.partition("#")[0]).view_name == view
    assert all(f"{key}={value}" in rest for key, value in query.items())
    if view == "duties:detail" and kind != DutyKind.ESCALATION_REVIEW:
        assert path.endswith("#send")


def test_the_return_interview_is_one_item_with_two_steps(world, protocol, client):
    _, episode = _returned(world, referred=True)
    offer = Duty.objects.get(episode=episode, kind=DutyKind.RHI_OFFER)
    complete = Duty.objects.get(episode=episode, kind=DutyKind.RHI_COMPLETE)
    page = _home(client, world.users["rhi"])
    # One row, opening the offer (the next step); the completion has no row of its own.
    row = _row(page, offer)
    assert reverse("duties:detail", args=[complete.pk]) not in page
    assert "Return home interview</a>: <strong>offer</strong>" in row
    assert "next step" in row and "&rarr; complete (due" in row
    assert _button(row) == (
        "Record the offer",
        reverse("interviews:offer", args=[episode.pk]),
    )
    # The offer done: the same item, now at its second step.
    duty_complete(duty=offer, note="Offered by phone", actor=world.users["rhi"])
    page = _home(client, world.users["rhi"])
    row = _row(page, complete)
    assert "Return home interview</a>: offer (done) &rarr; <strong>complete</strong>" in row
    assert _button(row) == (
        "Record the interview",
        reverse("interviews:complete", args=[episode.pk]),
    )
    assert reverse("duties:detail", args=[offer.pk]) not in page


# --- Needs an owner -------------------------------------------------------------------------


def test_needs_an_owner_is_for_missing_coordinators_only(world, protocol, client):
    """A returned child with no return interview provider: its offer and completion need an
    owner; they are in LA A's coordinator's own section (with why and a button to choose one),
    not among their duties, and on nobody else's My work."""
    _, episode = _returned(world, referred=False)
    offer = Duty.objects.get(episode=episode, kind=DutyKind.RHI_OFFER)
    assert offer.needs_owner == NO_PROVIDER
    page = _home(client, world.users["cmo_a"])
    section = page[page.index('id="needs-owner"') :]
    duties = page[page.index('id="duties"') : page.index('id="needs-owner"')]
    row = _row(section, offer)
    assert html.escape(NO_PROVIDER, quote=True) in row or NO_PROVIDER in html.unescape(row)
    assert _button(row) == ("Choose an owner", reverse("duties:detail", args=[offer.pk]) + "#id_to")
    assert reverse("duties:detail", args=[offer.pk]) not in duties
    for user_key in ("sw_1", "tm_1", "sl_a", "rhi", "school_1", "police_a"):
        page = _home(client, world.users[user_key])
        assert "Needs an owner" not in page, user_key
        assert reverse("duties:detail", args=[offer.pk]) not in page, user_key
    # Another authority's coordinator has the section, without LA A's duty.
    page = _home(client, world.users["cmo_b"])
    assert 'id="needs-owner"' in page
    assert reverse("duties:detail", args=[offer.pk]) not in page


def test_choosing_an_owner_offers_the_providers_workers_and_clears_the_list(
    world, protocol, client
):
    _, episode = _returned(world, referred=False)
    offer = Duty.objects.get(episode=episode, kind=DutyKind.RHI_OFFER)
    client.force_login(world.users["cmo_a"])
    page = client.get(reverse("duties:detail", args=[offer.pk])).content.decode()
    assert "Needs an owner: " in page and "govuk-warning-text" in page
    rhi = world.users["rhi"]
    assert f'value="{rhi.pk}"' in page and f"{rhi} ({rhi.organisation.name})" in page
    assert f'value="{world.users["school_1"].pk}"' not in page  # not a return interview worker
    response = client.post(reverse("duties:reassign", args=[offer.pk]), {"to": rhi.pk})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.owner_user == rhi and offer.needs_owner == ""
    assert reverse("duties:detail", args=[offer.pk]) not in _home(client, world.users["cmo_a"])
    # The worker sees the child (and so the duty) once the child is referred to the provider.
    NetworkMemberFactory(
        child=offer.child, organisation=world.orgs["rhi"], role=NetworkRole.RHI_REFERRAL
    )
    assert reverse("duties:detail", args=[offer.pk]) in _home(client, rhi)


# --- The duty's page ------------------------------------------------------------------------


def test_the_duty_page_offers_the_action_first_and_says_whom_it_tells(world, protocol, client):
    child = _child(world)
    episode = _report(world, child, hours_ago=30)
    meeting = Duty.objects.get(episode=episode, kind=DutyKind.STRATEGY_MEETING)
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("duties:detail", args=[meeting.pk])).content.decode()
    button = html.escape(reverse("meetings:new") + f"?child={child.pk}&kind=strategy", quote=True)
    assert button in page
    assert page.index(button) < page.index("Mark as done")
    assert not re.search(r">\s*Tells\s*<", page)  # a meeting tells nobody
    # A read-only viewer gets no button.
    client.force_login(world.users["police_a"])
    assert button not in client.get(reverse("duties:detail", args=[meeting.pk])).content.decode()


def test_a_told_duty_shows_who_was_told_and_who_acknowledged(world, protocol, client):
    """The school has HomeSafe users: HomeSafe told them; the page names the school, the
    person told, when, and whether they have acknowledged."""
    episode = _report(world, _child(world))
    duty = Duty.objects.get(episode=episode, kind=DutyKind.NOTIFY_SCHOOL)
    notice = Notice.objects.get(duty=duty)
    client.force_login(world.users["cmo_a"])
    page = client.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    assert re.search(r">\s*Tells\s*<", page)
    assert f"School&#39;s safeguarding lead, {world.orgs['school_1'].name}" in page
    told = page[page.index('id="told"') :]
    assert str(world.users["school_1"]) in told and "Not yet acknowledged" in told
    Notice.objects.filter(pk=notice.pk).update(acknowledged_at=timezone.now())
    page = client.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    assert "Acknowledged " in page[page.index('id="told"') :]


def test_a_record_page_opened_from_a_duty_has_its_kind_chosen(world, protocol, client):
    child = world.children["a_team1"]
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("meetings:new"), {"child": child.pk, "kind": "strategy"})
    assert re.search(r'value="strategy"\s+checked', page.content.decode())
    client.force_login(world.users["cmo_a"])
    for kind in ("nrm_referral", "mace_referral", "recovery_order"):
        page = client.get(
            reverse("concerns:legal_new", args=[child.pk]), {"kind": kind}
        ).content.decode()
        assert re.search(rf'value="{kind}"\s+checked', page), kind


# --- Navigation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_key", "finds"),
    [("analyst", False), ("admin", False), ("auditor", True), ("sw_1", True), ("rhi", True)],
)
def test_find_a_child_only_for_roles_that_can_search(world, client, user_key, finds):
    page = _home(client, world.users[user_key])
    navigation = page[page.index("govuk-service-navigation") :]
    assert (">Find a child<" in navigation) == finds
