"""The concerns pages: a person of concern is seen only through children the user may see,
with only those links shown; police and LA case roles record; bad input names the field and
writes nothing; the pages make a bounded number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homesafe.access.models import AuditEntry
from homesafe.concerns.forms import LocationForm
from homesafe.concerns.models import (
    DisruptionAction,
    LegalAction,
    LocationLink,
    PersonLink,
    PersonOfConcern,
)
from homesafe.concerns.services import (
    legal_action_decisions_version,
    legal_action_record,
    person_of_concern_record,
)
from homesafe.episodes.services_corrections import episode_void
from homesafe.web.edits import STALE_FIELD
from tests.concerns.conftest import open_episode


@pytest.mark.parametrize(
    ("user", "status", "sees_a", "sees_b"),
    [
        ("cmo_a", 200, True, False),
        ("police_a", 200, True, False),
        ("school_1", 200, True, False),
        ("cmo_b", 200, False, True),
        ("police_b", 200, False, True),
        ("sw_2", 404, False, False),  # neither child is theirs
        ("analyst", 404, False, False),
    ],
)
def test_a_person_is_seen_only_through_children_the_user_may_see(
    world, client, dee, user, status, sees_a, sees_b
):
    client.force_login(world.users[user])
    response = client.get(reverse("concerns:person", args=[dee.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Dee Harbourer" in response.text
        assert (world.children["a_team1"].full_name in response.text) is sees_a
        assert (world.children["b_only"].full_name in response.text) is sees_b


@pytest.mark.parametrize(("user", "status"), [("cmo_a", 200), ("police_a", 200), ("cmo_b", 404)])
def test_the_childs_concerns_page(world, client, dee, user, status):
    client.force_login(world.users[user])
    response = client.get(reverse("concerns:child", args=[world.children["a_team1"].pk]))
    assert response.status_code == status
    if status == 200:
        assert "Dee Harbourer" in response.text


@pytest.mark.parametrize(
    ("user", "allowed"),
    [("cmo_a", True), ("sw_1", True), ("police_a", True), ("sw_1b", False), ("school_1", False)],
)
def test_who_may_record(world, client, user, allowed):
    client.force_login(world.users[user])
    response = client.get(reverse("concerns:person_new", args=[world.children["a_team1"].pk]))
    assert response.status_code == (200 if allowed else 403)


def _writes():
    return (
        PersonOfConcern.objects.count(),
        PersonLink.objects.count(),
        LocationLink.objects.count(),
        DisruptionAction.objects.count(),
        LegalAction.objects.count(),
        AuditEntry.objects.filter(verb__startswith="concern.")
        .exclude(verb="concern.person_viewed")
        .count(),
    )


def test_recording_a_person_through_the_page(world, client):
    child = world.children["a_team1"]
    client.force_login(world.users["police_a"])
    response = client.post(
        reverse("concerns:person_new", args=[child.pk]),
        {
            "name": "Jay Older",
            "kind": "adult",
            "approximate_age": "24",
            "link_kind": "stayed_with",
            "episode": world.episodes["a_team1"].pk,
        },
    )
    assert response.status_code == 302
    link = PersonLink.objects.get()
    assert link.person.name == "Jay Older" and link.episode == world.episodes["a_team1"]


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("person_new", {"kind": "adult", "link_kind": "associate"}, "name"),
        (
            "person_new",
            {
                "name": "X",
                "kind": "adult",
                "link_kind": "associate",
                "approximate_age": "30",
                "date_of_birth_0": "1",
                "date_of_birth_1": "1",
                "date_of_birth_2": "1990",
            },
            "approximate_age",
        ),
        ("location_new", {"link_kind": "associate"}, "description"),
        (
            "disruption_new",
            {"kind": "cawn", "taken_on_0": "1", "taken_on_1": "1", "taken_on_2": "2025"},
            "agency",
        ),
        ("legal_new", {"kind": "recovery_order"}, "applied_on_0"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, client, name, data, field):
    child = world.children["a_team1"]
    client.force_login(world.users["cmo_a"])
    before = _writes()
    response = client.post(reverse(f"concerns:{name}", args=[child.pk]), data)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert f'href="#id_{field}"' in response.text
    assert _writes() == before


def test_a_cawn_without_a_person_is_refused_on_the_page(world, client, dee):
    child = world.children["a_team1"]
    client.force_login(world.users["police_a"])
    data = {
        "kind": "cawn",
        "taken_on_0": "1",
        "taken_on_1": "1",
        "taken_on_2": "2025",
        "agency": world.orgs["force_a"].pk,
    }
    before = _writes()
    response = client.post(reverse("concerns:disruption_new", args=[child.pk]), data)
    assert 'href="#id_person"' in response.text and _writes() == before
    response = client.post(
        reverse("concerns:disruption_new", args=[child.pk]), {**data, "person": dee.pk}
    )
    assert response.status_code == 302
    assert DisruptionAction.objects.get().person == dee


def test_recording_a_legal_action_and_its_decisions(world, client):
    child = world.children["a_team1"]
    client.force_login(world.users["cmo_a"])
    today = dt.date.today()
    response = client.post(
        reverse("concerns:legal_new", args=[child.pk]),
        {"kind": "nrm_referral", "applied_on_0": "1", "applied_on_1": "1", "applied_on_2": "2025"},
    )
    assert response.status_code == 302
    action = LegalAction.objects.get()
    response = client.post(
        reverse("concerns:legal_decisions", args=[action.pk]),
        {
            "version": legal_action_decisions_version(action),
            "reasonable_grounds": "positive",
            "reasonable_grounds_on_0": today.day,
            "reasonable_grounds_on_1": today.month,
            "reasonable_grounds_on_2": today.year,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.reasonable_grounds == "positive" and action.reasonable_grounds_on == today
    client.force_login(world.users["cmo_b"])
    assert client.get(reverse("concerns:legal_decisions", args=[action.pk])).status_code == 404


def test_decisions_recorded_meanwhile_are_not_lost(world, client):
    """Issue 12 point 6, the same mechanism on another form: the second person's save on the
    version both saw is refused naming the decisions the first recorded, which it shows."""
    action = legal_action_record(
        child=world.children["a_team1"],
        actor=world.users["cmo_a"],
        kind="nrm_referral",
        applied_on=dt.date(2025, 1, 1),
    )
    url = reverse("concerns:legal_decisions", args=[action.pk])
    seen = legal_action_decisions_version(action)
    client.force_login(world.users["cmo_a"])
    first = {"version": seen, "reasonable_grounds": "positive", "reasonable_grounds_on_0": "6"}
    first.update({"reasonable_grounds_on_1": "1", "reasonable_grounds_on_2": "2025"})
    assert client.post(url, first).status_code == 302
    response = client.post(url, {"version": seen, "reasonable_grounds": ""})
    body = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in body
    assert STALE_FIELD.format(label="NRM reasonable grounds decision") in body
    assert STALE_FIELD.format(label="Reasonable grounds decision date") in body
    action.refresh_from_db()
    assert action.reasonable_grounds == "positive"
    assert AuditEntry.objects.filter(verb="concern.legal_updated").count() == 1


def test_the_pages_make_a_bounded_number_of_queries(world, client, dee):
    child = world.children["a_team1"]
    client.force_login(world.users["cmo_a"])

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    child_url = reverse("concerns:child", args=[child.pk])
    person_url = reverse("concerns:person", args=[dee.pk])
    first = (count(child_url), count(person_url))
    for n in range(8):
        person_of_concern_record(
            child=child, actor=world.users["cmo_a"], name=f"Person {n}", link_kind="associate"
        )
    assert (count(child_url), count(person_url)) == first
    assert max(first) <= 20


def test_episodes_recorded_in_error_are_not_offered(world):
    """The concerns forms offer the child's episodes but not one recorded in error; a record
    that already names such an episode keeps it when edited."""
    child = world.children["a_team1"]
    episode = open_episode(world, child)
    assert list(LocationForm(child=child).fields["episode"].queryset) == [episode]
    episode_void(episode=episode, reason="Wrong child", actor=world.users["cmo_a"])
    assert list(LocationForm(child=child).fields["episode"].queryset) == []
    kept = LocationForm(child=child, initial={"episode": episode.pk})
    assert list(kept.fields["episode"].queryset) == [episode]
