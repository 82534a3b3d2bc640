"""Who sees and records what of a meeting (the North Yorkshire finding): every agency that
sees one of its children sees the meeting's outcomes in its own view of the child, and of a
locality MACE only the parts about children it may see. Predicates and querysets agree, and
the pages answer 404 (as if nothing existed) to everyone else."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.meetings.models import Meeting
from homesafe.meetings.policy import can_record_meeting, can_view_meeting
from homesafe.meetings.queries import meetings_visible_to
from homesafe.meetings.services import (
    difference_raise,
    meeting_add_action,
    meeting_record_note,
)
from tests.snapshots import built_once

# user -> (children of the locality meeting they see, may record the meeting)
LOCALITY = {
    "cmo_a": ({"a_team1", "a_team2"}, True),
    "cmo_b": (set(), False),
    "sw_1": ({"a_team1"}, True),
    "sw_1b": ({"a_team1"}, False),  # team-mate: read-only
    "sw_2": ({"a_team2"}, True),
    "sw_3": (set(), False),
    "tm_1": ({"a_team1"}, True),
    "sm_cic": ({"a_team1", "a_team2"}, True),
    "sl_a": ({"a_team1", "a_team2"}, True),
    "police_a": ({"a_team1", "a_team2"}, False),
    "police_b": (set(), False),
    "rhi": ({"a_team2"}, False),
    "school_1": ({"a_team1"}, False),
    "school_2": ({"a_team2"}, False),
    "health": ({"a_team1"}, False),
    "analyst": (set(), False),
    "auditor": (set(), False),
    "admin": (set(), False),
    "inactive_cmo": (set(), False),
}


@pytest.fixture
def with_parts(request, world, locality):
    return built_once(request, "meetings-locality-with-parts", lambda: _with_parts(world, locality))


def _with_parts(world, locality):
    for key in ("a_team1", "a_team2"):
        child = world.children[key]
        meeting_record_note(
            meeting=locality,
            kind="risk",
            text=f"Risk about {child.full_name}",
            child=child,
            actor=world.users["cmo_a"],
        )
        meeting_add_action(
            meeting=locality,
            description=f"Action for {child.full_name}",
            child=child,
            owner_organisation=world.orgs["force_a"],
            due_on=timezone.localdate() + dt.timedelta(days=7),
            actor=world.users["cmo_a"],
        )
    meeting_record_note(
        meeting=locality, kind="decision", text="Patrol the station", actor=world.users["cmo_a"]
    )
    return locality


@pytest.mark.parametrize("user_key", sorted(LOCALITY))
def test_predicates_and_querysets_agree(world, locality, user_key):
    user = world.users[user_key]
    seen, records = LOCALITY[user_key]
    assert can_view_meeting(user, locality) == bool(seen)
    assert (locality in meetings_visible_to(user=user)) == bool(seen)
    assert can_record_meeting(user, locality) == records


@pytest.mark.parametrize("user_key", sorted(LOCALITY))
def test_the_page_shows_only_the_children_the_user_may_see(world, with_parts, client, user_key):
    user = world.users[user_key]
    seen, records = LOCALITY[user_key]
    if not user.is_active:
        return
    client.force_login(user)
    response = client.get(reverse("meetings:detail", args=[with_parts.pk]))
    if not seen:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    text = response.content.decode()
    assert "Patrol the station" in text and "Victoria bus station" in text
    for key in ("a_team1", "a_team2"):
        name = world.children[key].full_name
        assert (name in text) == (key in seen), key
        assert (f"Action for {name}" in text) == (key in seen)
    assert ("Other children were discussed" in text) == (len(seen) < 2)
    assert ("Add an action" in text) == records


def test_another_las_coordinator_gets_404_on_every_meeting_page(world, with_parts, client):
    client.force_login(world.users["cmo_b"])
    action = with_parts.actions.first()
    for url in (
        reverse("meetings:detail", args=[with_parts.pk]),
        reverse("meetings:note", args=[with_parts.pk]),
        reverse("meetings:action", args=[with_parts.pk]),
        reverse("meetings:invitation", args=[with_parts.pk]),
        reverse("meetings:action_complete", args=[action.pk]),
        reverse("meetings:child", args=[world.children["a_team1"].pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_readers_may_not_open_the_forms(world, locality, client):
    client.force_login(world.users["school_1"])
    assert client.get(reverse("meetings:note", args=[locality.pk])).status_code == 403
    assert client.get(reverse("meetings:new")).status_code == 403


def test_the_childs_meetings_page_lists_only_that_childs_actions(world, with_parts, client):
    client.force_login(world.users["school_2"])
    response = client.get(reverse("meetings:child", args=[world.children["a_team2"].pk]))
    text = response.content.decode()
    assert f"Action for {world.children['a_team2'].full_name}" in text
    assert world.children["a_team1"].full_name not in text


def test_a_difference_is_seen_with_its_child(world, client):
    difference = difference_raise(
        child=world.children["a_team1"],
        raised_at=timezone.now() - dt.timedelta(hours=1),
        raised_by_name="Sam Teacher",
        raised_by_organisation=world.orgs["school_1"],
        raised_with_organisation=world.orgs["la_a"],
        subject="strategy_meeting",
        detail="Asked for a strategy meeting",
        actor=world.users["school_1"],
    )
    url = reverse("meetings:difference", args=[difference.pk])
    for key in ("cmo_a", "school_1", "health", "police_a"):
        client.force_login(world.users[key])
        assert client.get(url).status_code == 200, key
    for key in ("school_2", "cmo_b", "rhi"):
        client.force_login(world.users[key])
        assert client.get(url).status_code == 404, key
    assert Meeting.objects.count() == 0
