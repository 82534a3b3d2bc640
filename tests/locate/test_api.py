"""The search through the API: the same access and audit as the pages, and in the schema."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.locate import services as s
from homesafe.locate.models import LocateAction, Sighting
from tests.access.test_policy import USERS


def _iso(hours_ago):
    return (timezone.now() - dt.timedelta(hours=hours_ago)).isoformat()


@pytest.mark.parametrize("user_key", [u for u in USERS if u != "inactive_cmo"])
def test_sightings_are_read_by_whoever_sees_the_episode(world, client, user_key):
    episode = world.episodes["a_team1"]
    s.sighting_record(
        episode=episode, actor=world.users["police_a"], seen_at=timezone.now(), source="police"
    )
    client.force_login(world.users[user_key])
    response = client.get(reverse("api:episode_sightings", args=[episode.pk]))
    allowed = "a_team1" in world.expected[user_key]
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert [row["source"] for row in response.json()] == ["police"]
        assert AuditEntry.objects.filter(
            verb="episode.viewed", actor=world.users[user_key], target_id=str(episode.pk)
        ).exists()


def test_sightings_are_listed_in_time_order(world, client):
    episode = world.episodes["a_team1"]
    for hours, place in ((1, "Later"), (3, "Earlier")):
        s.sighting_record(
            episode=episode,
            actor=world.users["cmo_a"],
            seen_at=timezone.now() - dt.timedelta(hours=hours),
            source="public",
            place=place,
        )
    client.force_login(world.users["health"])
    rows = client.get(reverse("api:episode_sightings", args=[episode.pk])).json()
    assert [row["place"]["description"] for row in rows] == ["Earlier", "Later"]


def test_a_health_practitioner_records_a_sighting(world, client):
    episode = world.episodes["a_team1"]
    client.force_login(world.users["health"])
    response = client.post(
        reverse("api:episode_sightings", args=[episode.pk]),
        {"kind": "lead", "seen_at": _iso(1), "source": "health", "place": "GP surgery"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    sighting = Sighting.objects.get()
    assert sighting.recorded_by_organisation == world.orgs["health"]
    assert AuditEntry.objects.filter(verb="locate.sighting_recorded").count() == 1


def test_a_refused_sighting_is_a_400_naming_the_field(world, client):
    client.force_login(world.users["cmo_a"])
    response = client.post(
        reverse("api:episode_sightings", args=[world.episodes["a_team1"].pk]),
        {"seen_at": _iso(30), "source": "police"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"seen_at": [s.BEFORE_LAST_SEEN]}


def test_an_analyst_may_not_record_a_sighting(world, client):
    client.force_login(world.users["auditor"])
    response = client.post(
        reverse("api:episode_sightings", args=[world.episodes["a_unallocated"].pk]),
        {"seen_at": _iso(1), "source": "police"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Sighting.objects.exists()


def test_the_locate_plan_is_added_to_done_and_read(world, client):
    episode = world.episodes["a_team1"]
    client.force_login(world.users["sw_1"])
    response = client.post(
        reverse("api:locate_action_create", args=[episode.pk]),
        {
            "kind": "social_media_check",
            "description": "Check her accounts",
            "owner_organisation": "FA",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    action = LocateAction.objects.get()
    assert action.owner_organisation == world.orgs["force_a"]
    client.force_login(world.users["police_a"])
    url = reverse("api:locate_action_outcome", args=[action.pk])
    response = client.post(url, {"outcome": "Active at 02:00"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["done"] is True
    again = client.post(url, {"outcome": "x"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "action_done"
    plan = client.get(reverse("api:episode_locate_plan", args=[episode.pk])).json()
    assert [a["outcome"] for a in plan["actions"]] == ["Active at 02:00"]
    assert plan["safe_and_well"] is None and plan["publicity_to_withdraw"] == []


def test_a_school_may_not_add_to_the_plan_and_another_la_gets_404(world, client):
    episode = world.episodes["a_team1"]
    body = {"kind": "phone_check", "description": "Ring", "owner_organisation": "FA"}
    url = reverse("api:locate_action_create", args=[episode.pk])
    client.force_login(world.users["school_1"])
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(world.users["cmo_b"])
    assert client.post(url, body, content_type="application/json").status_code == 404
    assert client.get(reverse("api:episode_locate_plan", args=[episode.pk])).status_code == 404


def test_the_schema_names_the_search(client, world):
    client.force_login(world.users["cmo_a"])
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    for path in (
        "/api/v1/episodes/{episode_id}/sightings/",
        "/api/v1/episodes/{episode_id}/locate-plan/",
        "/api/v1/episodes/{episode_id}/locate-plan/actions/",
        "/api/v1/locate-actions/{action_id}/outcome/",
    ):
        assert path in schema["paths"], path
