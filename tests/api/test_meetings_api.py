"""Meetings and meeting actions through the API: a meeting is seen through its children and a
locality MACE never names a child the caller cannot see; completing an action goes through the
meetings service, with the page's permission."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.access.times import IN_FUTURE
from homesafe.meetings.models import MeetingAction
from homesafe.meetings.services import (
    ALREADY_COMPLETED,
    BEFORE_THE_ACTION,
    difference_raise,
    meeting_create,
)
from tests.api.test_casework_api import USERS
from tests.clock import NOW

MACE_CHILDREN = ("a_team1", "a_team2")


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _complete(client, action, **data):
    url = reverse("api:meeting_action_complete", args=[action.pk])
    return client.post(url, data, content_type="application/json")


@pytest.mark.parametrize("who", USERS[:-1])  # inactive_cmo cannot sign in
def test_meetings_and_actions_by_role(world, casework, client, who):
    client.force_login(world.users[who])
    sees = world.expected[who]
    ids = {key: child.pk for key, child in world.children.items()}
    mace, strategy = casework.meetings["mace"], casework.meetings["strategy"]
    shown = sorted(ids[k] for k in MACE_CHILDREN if k in sees)

    expected = {}
    if shown:
        expected[mace.pk] = (shown, len(shown) < 2)
    if "a_unallocated" in sees:
        expected[strategy.pk] = ([ids["a_unallocated"]], False)
    listed = _results(client.get(reverse("api:meetings")))
    assert {m["id"]: (m["child_ids"], m["others_hidden"]) for m in listed} == expected

    actions = {a["id"] for a in _results(client.get(reverse("api:meeting_actions")))}
    expected_actions = set()
    if shown:
        expected_actions.add(casework.actions["whole"].pk)
    if "a_team1" in sees:
        expected_actions.add(casework.actions["police"].pk)
    if "a_team2" in sees:
        expected_actions.add(casework.actions["team2"].pk)
    assert actions == expected_actions

    detail = client.get(reverse("api:meeting", args=[mace.pk]))
    assert detail.status_code == (200 if shown else 404)
    if shown:
        body = detail.json()
        assert [c["child_id"] for c in body["children"]] == shown
        decisions = [d["text"] for d in body["decisions"]]
        assert decisions == (["Decision about team 2"] if "a_team2" in sees else [])
        assert [r["text"] for r in body["risks"]] == ["The bus station"]
        assert {a["id"] for a in body["actions"]} == expected_actions


def test_a_locality_mace_never_names_a_child_the_caller_cannot_see(world, casework, client):
    mace = casework.meetings["mace"]
    hidden = world.children["a_team2"].pk
    client.force_login(world.users["sw_1"])  # sees a_team1 only
    body = client.get(reverse("api:meeting", args=[mace.pk])).json()
    assert body["child_ids"] == [world.children["a_team1"].pk] and body["others_hidden"]
    mentioned = (
        body["child_ids"]
        + [c["child_id"] for c in body["children"]]
        + [n["child_id"] for n in body["decisions"] + body["risks"]]
        + [a["child_id"] for a in body["actions"]]
    )
    assert hidden not in mentioned
    assert "team 2" not in str(body) and "Kay" not in str(body)
    assert [(p["name"], p["child_id"]) for p in body["persons_of_concern"]] == [
        ("Dee Harbourer", world.children["a_team1"].pk)
    ]
    # Naming the hidden child in a filter finds nothing rather than its meetings.
    assert _results(client.get(reverse("api:meetings"), {"child": hidden})) == []
    assert _results(client.get(reverse("api:meeting_actions"), {"child": hidden})) == []
    assert [m["id"] for m in _results(client.get(reverse("api:meetings"), {"child": ""}))] == [
        mace.pk
    ]


def test_meeting_reads_are_audited(world, casework, client):
    user = world.users["police_a"]
    client.force_login(user)
    answer = client.get(reverse("api:meetings"), {"kind": "mace_locality"}).json()["results"]
    entry = AuditEntry.objects.get(actor=user, verb="meetings.listed")
    shown = sorted({child_id for meeting in answer for child_id in meeting["child_ids"]})
    assert shown  # the children the answer names, and no other (issue 12 point 7)
    assert entry.payload == {"api": True, "filters": ["kind"], "children": shown}
    client.get(reverse("api:meeting", args=[casework.meetings["mace"].pk]))
    viewed = AuditEntry.objects.get(actor=user, verb="meeting.viewed")
    assert viewed.target_id == str(casework.meetings["mace"].pk)
    client.get(reverse("api:meeting_actions"))
    assert AuditEntry.objects.filter(actor=user, verb="meeting_actions.listed").count() == 1


def test_meeting_filters(world, casework, client):
    client.force_login(world.users["cmo_a"])
    url = reverse("api:meetings")
    strategy, mace = casework.meetings["strategy"].pk, casework.meetings["mace"].pk
    assert [m["id"] for m in _results(client.get(url, {"status": "planned"}))] == [strategy]
    assert [m["id"] for m in _results(client.get(url, {"kind": "mace_locality"}))] == [mace]
    today = timezone.localdate()
    future = _results(client.get(url, {"date_from": today.isoformat()}))
    assert [m["id"] for m in future] == [strategy]
    past = _results(client.get(url, {"date_to": (today - dt.timedelta(days=1)).isoformat()}))
    assert [m["id"] for m in past] == [mace]
    child = world.children["a_unallocated"].pk
    assert [m["id"] for m in _results(client.get(url, {"child": child}))] == [strategy]
    bad = client.get(url, {"kind": "party"})
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]


def test_action_filters(world, casework, client):
    url = reverse("api:meeting_actions")
    client.force_login(world.users["cmo_a"])
    police, team2, whole = (casework.actions[k].pk for k in ("police", "team2", "whole"))
    assert [a["id"] for a in _results(client.get(url, {"owner_organisation": "FA"}))] == [police]
    overdue = _results(client.get(url, {"state": "overdue"}))
    assert [(a["id"], a["overdue"]) for a in overdue] == [(police, True)]
    assert {a["id"] for a in _results(client.get(url, {"state": "open"}))} == {
        police,
        team2,
        whole,
    }
    assert _results(client.get(url, {"state": "completed"})) == []
    client.force_login(world.users["sw_2"])
    assert [a["id"] for a in _results(client.get(url, {"mine": "true"}))] == [team2]


def test_lists_take_a_bounded_number_of_queries(
    world, casework, client, django_assert_max_num_queries
):
    client.force_login(world.users["cmo_a"])
    client.get(reverse("api:meetings"))  # warm the session

    def counted(name):
        with django_assert_max_num_queries(12) as queries:
            assert client.get(reverse(f"api:{name}")).status_code == 200
        return len(queries.captured_queries)

    before = {name: counted(name) for name in ("meetings", "meeting_actions", "differences")}
    for key in ("a_team3", "a_unallocated", "a_placed_in_b"):
        meeting_create(
            kind="strategy",
            local_authority=world.orgs["la_a"],
            chair_name="Chair",
            children=[world.children[key]],
            held_at=timezone.now() - dt.timedelta(days=1),
            actor=world.users["cmo_a"],
        )
        difference_raise(
            child=world.children[key],
            raised_at=timezone.now() - dt.timedelta(hours=1),
            raised_by_name="Sam",
            raised_by_organisation=world.orgs["la_a"],
            raised_with_organisation=world.orgs["force_a"],
            subject="other",
            detail="Another",
            actor=world.users["cmo_a"],
        )
    after = {name: counted(name) for name in before}
    assert after == before


# --- Completing an action ------------------------------------------------------------------------


def test_the_owning_force_completes_its_action(world, casework, client):
    action = casework.actions["police"]
    client.force_login(world.users["police_a"])
    when = timezone.now() - dt.timedelta(hours=1)
    response = _complete(client, action, completed_at=when.isoformat(), note="  Patrolled.  ")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["completed_by_id"] == world.users["police_a"].pk and not body["overdue"]
    action.refresh_from_db()
    assert (action.completed_at, action.completion_note) == (when, "Patrolled.")
    entry = AuditEntry.objects.get(verb="meeting.action_completed", target_id=str(action.pk))
    assert entry.actor == world.users["police_a"]
    assert entry.child_id == world.children["a_team1"].pk


def test_completed_at_defaults_to_now(world, casework, client):
    client.force_login(world.users["cmo_a"])
    before = timezone.now()
    assert _complete(client, casework.actions["whole"]).status_code == 200
    assert MeetingAction.objects.get(pk=casework.actions["whole"].pk).completed_at >= before


@pytest.mark.parametrize(
    ("completed_at", "message"),
    [
        ((NOW + dt.timedelta(days=1)).isoformat(), IN_FUTURE),
        ("last Tuesday", "Datetime has wrong format"),
        ("0842-04-03T13:44:42+12:09", BEFORE_THE_ACTION),
    ],
)
def test_invalid_completion_names_the_field_and_changes_nothing(
    world, casework, client, completed_at, message
):
    action = casework.actions["police"]
    client.force_login(world.users["police_a"])
    response = _complete(client, action, completed_at=completed_at)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and message in body["errors"]["completed_at"][0]
    action.refresh_from_db()
    assert action.completed_at is None
    assert not AuditEntry.objects.filter(verb="meeting.action_completed").exists()


def test_completion_not_permitted(world, casework, client):
    action = casework.actions["police"]
    client.force_login(world.users["school_1"])  # sees the action, does not own it
    response = _complete(client, action)
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    client.force_login(world.users["police_b"])  # does not see it at all
    assert _complete(client, action).status_code == 404
    client.force_login(world.users["sw_1"])  # team 2's action is not theirs to see
    assert _complete(client, casework.actions["team2"]).status_code == 404
    action.refresh_from_db()
    assert action.completed_at is None


def test_completing_twice_is_a_conflict(world, casework, client):
    action = casework.actions["team2"]
    client.force_login(world.users["sw_2"])  # the action's owner
    assert _complete(client, action).status_code == 200
    again = _complete(client, action, note="again")
    assert again.status_code == 409
    assert again.json() == {"code": "action_completed", "detail": ALREADY_COMPLETED}
    assert AuditEntry.objects.filter(verb="meeting.action_completed").count() == 1


def test_completion_needs_a_signed_in_user(world, casework, client):
    response = _complete(client, casework.actions["police"])
    assert response.status_code == 403 and response.json()["code"] == "not_authenticated"
