"""The episode pages that make a place and change the episode call one use case each
(episodes/services_places.py): the place and the change are written together or not at all,
and the child is re-planned once, at the end (issue 14)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe import use_cases
from homesafe.episodes.models import Location, MissingEpisode
from homesafe.episodes.services_places import (
    episode_correct_with_places,
    episode_record_return_at_place,
    episode_report_at_place,
)
from tests.episodes.test_correction_views import _form_data
from tests.episodes.test_views import _parts, good_report


@pytest.fixture
def handed_over(monkeypatch):
    """Every hand-over of changed children to the subscribers (the duties app's stays)."""
    calls: list[set[int]] = []
    monkeypatch.setattr(use_cases, "_subscribers", [*use_cases._subscribers, calls.append])
    return calls


@pytest.fixture
def cmo(world, client):
    client.force_login(world.users["cmo_a"])
    return client


def test_the_composed_services_are_use_cases():
    for service in (
        episode_report_at_place,
        episode_record_return_at_place,
        episode_correct_with_places,
    ):
        assert service.is_use_case


def test_reporting_with_a_place_is_one_use_case(world, cmo, handed_over):
    child = world.children["a_unallocated"]
    MissingEpisode.objects.filter(child=child).delete()
    response = cmo.post(reverse("episodes:new", args=[child.pk]), good_report(world))
    assert response.status_code == 302
    episode = MissingEpisode.objects.get(child=child)
    assert episode.last_seen_location.description == "Bus station"
    assert handed_over == [{child.pk}]


def _return(when: dt.datetime, place: str = "Friend's flat") -> dict:
    return {
        **_parts("returned_at", when),
        "found_by": "police",
        "found_place": place,
        "found_postcode": "",
        "found_place_kind": "family",
    }


def test_recording_a_return_with_a_place_is_one_use_case(world, cmo, handed_over):
    episode = world.episodes["a_team1"]
    response = cmo.post(
        reverse("episodes:return", args=[episode.pk]),
        _return(timezone.now() - dt.timedelta(minutes=10)),
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == "returned" and episode.found_location.kind == "family"
    assert handed_over == [{episode.child_id}]


def test_a_return_the_service_refuses_leaves_no_place(world, cmo, handed_over):
    """The place is made first, then the return breaks a rule: neither is kept."""
    episode = world.episodes["a_team1"]
    places = Location.objects.count()
    too_early = episode.last_seen_at - dt.timedelta(days=1)
    response = cmo.post(
        reverse("episodes:return", args=[episode.pk]), _return(too_early, "Nowhere new")
    )
    assert response.status_code == 400
    assert "cannot be before the child was last seen" in response.content.decode()
    assert Location.objects.count() == places
    assert not Location.objects.filter(description="Nowhere new").exists()
    assert handed_over == []


def test_correcting_with_new_places_is_one_use_case(world, client, handed_over):
    episode = world.episodes["a_team1"]
    client.force_login(world.users["cmo_a"])
    data = _form_data(episode, last_seen_place="Victoria bus station", reason="Rang back")
    response = client.post(reverse("episodes:correct", args=[episode.pk]), data)
    assert response.status_code == 302, response.content.decode()
    episode.refresh_from_db()
    assert str(episode.last_seen_location) == "Victoria bus station"
    assert handed_over == [{episode.child_id}]
