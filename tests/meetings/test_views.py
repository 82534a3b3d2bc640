"""The meeting and professional difference pages: each form records through its service, bad
input gives a GOV.UK error naming the field and writes nothing, and the meeting page makes a
bounded number of queries however many actions and notes it has."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.meetings.forms import OWNER_NOT_FOUND
from homesafe.meetings.models import (
    Meeting,
    MeetingAction,
    MeetingInvitation,
    MeetingNote,
    ProfessionalDifference,
)
from homesafe.meetings.services import meeting_add_action, meeting_record_note


def _parts(prefix: str, when, *, time: bool = True) -> dict:
    local = timezone.localtime(when) if time else when
    parts = {f"{prefix}_0": local.day, f"{prefix}_1": local.month, f"{prefix}_2": local.year}
    if time:
        parts[f"{prefix}_3"] = local.strftime("%H:%M")
    return parts


def _state():
    """Everything a form could write."""
    return (
        list(Meeting.objects.values()),
        MeetingInvitation.objects.count(),
        MeetingNote.objects.count(),
        list(MeetingAction.objects.values()),
        list(ProfessionalDifference.objects.values()),
        AuditEntry.objects.exclude(verb__endswith="viewed")
        .exclude(verb__endswith="listed")
        .count(),
    )


@pytest.fixture
def cmo(world, client):
    client.force_login(world.users["cmo_a"])
    return client


def _new_meeting(world, **overrides):
    world.children["a_team1"].la_child_id = "LA-1"
    world.children["a_team1"].save()
    data = {
        "kind": "mace_locality",
        "status": "held",
        **_parts("when", timezone.now() - dt.timedelta(hours=1)),
        "chair_name": "Pat Chair",
        "chair_organisation": world.orgs["la_a"].pk,
        "children": [world.children["a_team1"].pk, world.children["a_team2"].pk],
        "locations": "Victoria bus station\nThe park",
    }
    data.update(overrides)
    return data


def test_record_a_meeting_and_its_parts_through_the_pages(world, cmo):
    response = cmo.post(reverse("meetings:new"), _new_meeting(world))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.children.count() == 2 and meeting.locations.count() == 2
    cmo.post(
        reverse("meetings:invitation", args=[meeting.pk]),
        {"organisation": world.orgs["force_a"].pk, "attendance": "attended", "attendee_name": "DS"},
    )
    cmo.post(
        reverse("meetings:note", args=[meeting.pk]),
        {"kind": "risk", "child": world.children["a_team1"].pk, "text": "Older associates"},
    )
    response = cmo.post(
        reverse("meetings:action", args=[meeting.pk]),
        {
            "description": "Disruption visit",
            "child": "meeting",
            "owner_organisation": world.orgs["force_a"].pk,
            "owner_email": world.users["police_a"].email,
            **_parts("due_on", timezone.localdate() + dt.timedelta(days=5), time=False),
        },
    )
    assert response.status_code == 302
    action = MeetingAction.objects.get()
    assert action.owner_person == world.users["police_a"]
    assert MeetingInvitation.objects.get().attendance == "attended"
    assert MeetingNote.objects.get().child == world.children["a_team1"]
    cmo.force_login(world.users["police_a"])
    response = cmo.post(
        reverse("meetings:action_complete", args=[action.pk]),
        {**_parts("completed_at", timezone.now()), "note": "Visited"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.completed_by == world.users["police_a"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"children": ["999999"]}, "Choose the children discussed from the list"),
        ({"children": []}, "Choose the children discussed"),
        ({"chair_name": ""}, "Enter who chaired the meeting"),
        ({"kind": "strategy"}, "A strategy meeting is about one child"),
        ({"when_3": ""}, "time"),
    ],
)
def test_new_meeting_bad_input_writes_nothing(world, cmo, overrides, message):
    data = _new_meeting(world, **overrides)
    before = _state()
    response = cmo.post(reverse("meetings:new"), data)
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert message in response.content.decode()
    assert _state() == before


def test_a_child_of_another_la_cannot_be_chosen(world, cmo):
    other = world.children["b_only"]
    before = _state()
    url = reverse("meetings:new") + f"?child={other.pk}"
    response = cmo.post(url, _new_meeting(world, children=[other.pk]))
    page = response.content.decode()
    assert "Choose the children discussed from the list" in page
    assert other.full_name not in page
    assert _state() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("invitation", {"attendance": "attended"}, "Select the agency"),
        ("note", {"kind": "risk", "text": ""}, "Enter the decision or risk"),
        ("note", {"kind": "risk", "text": "x", "child": "999999"}, "Select a valid choice"),
        ("held", {}, "Enter the date and time the meeting was held"),
    ],
)
def test_meeting_forms_bad_input_writes_nothing(world, cmo, locality, name, data, message):
    before = _state()
    response = cmo.post(reverse(f"meetings:{name}", args=[locality.pk]), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text and message in text
    assert _state() == before


def test_difference_pages(world, client):
    client.force_login(world.users["school_1"])
    child = world.children["a_team1"]
    url = reverse("meetings:difference_new", args=[child.pk])
    before = _state()
    response = client.post(url, {"raised_by_name": "Sam", "subject": "strategy_meeting"})
    assert "Enter what the difference is about" in response.content.decode()
    assert _state() == before
    response = client.post(
        url,
        {
            **_parts("raised_at", timezone.now() - dt.timedelta(hours=2)),
            "raised_by_name": "Sam Teacher",
            "raised_with_organisation": world.orgs["school_1"].pk,
            "subject": "strategy_meeting",
            "detail": "We think a strategy meeting is needed",
        },
    )
    assert "Choose the other agency" in response.content.decode()
    assert _state() == before
    response = client.post(
        url,
        {
            **_parts("raised_at", timezone.now() - dt.timedelta(hours=2)),
            "raised_by_name": "Sam Teacher",
            "raised_with_organisation": world.orgs["la_a"].pk,
            "subject": "strategy_meeting",
            "detail": "We think a strategy meeting is needed",
        },
    )
    difference = ProfessionalDifference.objects.get()
    assert difference.raised_by_organisation == world.orgs["school_1"]
    client.post(
        reverse("meetings:difference_escalate", args=[difference.pk]),
        {"stage": "manager", **_parts("reached_at", timezone.now() - dt.timedelta(hours=1))},
    )
    client.post(
        reverse("meetings:difference_resolve", args=[difference.pk]),
        {**_parts("resolved_at", timezone.now()), "outcome": "Meeting arranged"},
    )
    difference.refresh_from_db()
    assert (difference.stage, difference.status) == ("manager", "resolved")
    page = client.get(reverse("meetings:difference", args=[difference.pk])).content.decode()
    assert "Meeting arranged" in page and "Manager" in page


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_meeting_page_makes_a_bounded_number_of_queries(world, cmo, locality):
    url = reverse("meetings:detail", args=[locality.pk])

    def add(n):
        for i in range(n):
            meeting_record_note(
                meeting=locality, kind="decision", text=f"Decision {i}", actor=world.users["cmo_a"]
            )
            meeting_add_action(
                meeting=locality,
                description=f"Action {i}",
                child=world.children["a_team1"],
                owner_organisation=world.orgs["force_a"],
                owner_person=world.users["police_a"],
                due_on=timezone.localdate() + dt.timedelta(days=i),
                actor=world.users["cmo_a"],
            )

    add(1)
    few = _count(cmo, url)
    add(10)
    many = _count(cmo, url)
    assert many == few
    assert few <= 30
    child_url = reverse("meetings:child", args=[world.children["a_team1"].pk])
    assert _count(cmo, child_url) <= 25


def test_the_action_owner_field_does_not_tell_who_has_an_account(world, cmo, locality):
    """Issue 12 point 9: an address with no account and one with an account at another agency
    get the same answer, so a coordinator cannot probe who uses HomeSafe."""
    url = reverse("meetings:action", args=[locality.pk])
    base = {
        "description": "Visit",
        "child": "meeting",
        "owner_organisation": world.orgs["force_a"].pk,
        **_parts("due_on", timezone.localdate() + dt.timedelta(days=5), time=False),
    }
    before = _state()
    answers = []
    for email in ("nobody@example.org", world.users["cmo_b"].email):
        response = cmo.post(url, {**base, "owner_email": email})
        assert response.status_code == 400
        errors = re.findall(r'<a href="#id_[a-z_]+">([^<]+)</a>', response.content.decode())
        answers.append(errors)
    assert answers[0] == answers[1] == [OWNER_NOT_FOUND]
    assert _state() == before
