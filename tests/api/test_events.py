"""Police events by API: every event type, idempotent re-sends, out-of-order events, a child
outside the force's area, and keys scoped to their own force."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.choices import EventOutcome, ReviewStatus
from homesafe.intake.models import IdentityReview, PoliceApiKey, PoliceEvent
from tests.factories import ChildFactory


@pytest.fixture
def keys(world):
    _, key_a = PoliceApiKey.objects.create_key(
        name="Force A system", organisation=world.orgs["force_a"]
    )
    _, key_b = PoliceApiKey.objects.create_key(
        name="Force B system", organisation=world.orgs["force_b"]
    )
    return {"FA": key_a, "FB": key_b}


@pytest.fixture
def send(client, keys):
    def send(kind: str, body: dict, *, key: str = "FA"):
        return client.post(
            reverse(f"api:event_{kind}"),
            body,
            content_type="application/json",
            headers={"Authorization": f"Api-Key {keys[key]}"},
        )

    return send


def ago(**kwargs) -> str:
    return (timezone.now() - dt.timedelta(**kwargs)).isoformat()


def report(child, ref="FA-1", event_id="e1", force="FA", **extra) -> dict:
    return {
        "force": force,
        "police_reference": ref,
        "event_id": event_id,
        "occurred_at": ago(hours=5),
        "forename": child.first_name,
        "surname": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "last_seen_at": ago(hours=6),
        "last_seen_location": "Bus station",
        "risk": "medium",
        **extra,
    }


def fresh_child(world, key="a_unallocated"):
    child = world.children[key]
    MissingEpisode.objects.filter(child=child).delete()
    return child


def test_missing_reported_opens_an_episode_for_the_matched_child(world, send):
    child = fresh_child(world)
    response = send("missing_reported", report(child))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["outcome"] == "applied" and body["duplicate"] is False
    episode = MissingEpisode.objects.get(pk=body["episode_id"])
    assert episode.child == child and episode.police_reference == "FA-1"
    assert episode.police_force == world.orgs["force_a"]
    assert episode.last_seen_location.description == "Bus station"
    entry = AuditEntry.objects.filter(verb="episode.reported", target_id=str(episode.pk)).get()
    assert entry.actor is None and entry.actor_label.startswith("api:FA:")


def test_every_event_type_in_order(world, send):
    child = fresh_child(world)
    assert send("missing_reported", report(child)).status_code == 201
    episode = MissingEpisode.objects.get(police_reference="FA-1")
    base = {"force": "FA", "police_reference": "FA-1"}
    r = send(
        "risk_regraded", {**base, "event_id": "e2", "occurred_at": ago(hours=4), "risk": "high"}
    )
    assert r.status_code == 201 and r.json()["outcome"] == "applied"
    assert episode.gradings.order_by("-graded_at").first().grade == "high"
    r = send(
        "sighting",
        {**base, "event_id": "e3", "occurred_at": ago(hours=3), "location": "Park", "postcode": ""},
    )
    assert r.status_code == 201 and r.json()["outcome"] == "applied"
    assert AuditEntry.objects.filter(verb="locate.sighting_recorded").exists()
    assert episode.sightings.get().location.description == "Park"
    r = send(
        "found",
        {**base, "event_id": "e4", "occurred_at": ago(hours=2), "found_by": "police"},
    )
    assert r.status_code == 201 and r.json()["outcome"] == "applied"
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.RETURNED and episode.found_by == "police"
    r = send(
        "closed",
        {**base, "event_id": "e5", "occurred_at": ago(hours=1), "closed_reason": "Found safe"},
    )
    assert r.status_code == 201 and r.json()["outcome"] == "applied"
    episode.refresh_from_db()
    assert episode.police_closed_reason == "Found safe" and episode.police_closed_at is not None


def test_closed_on_an_open_episode_records_the_return_at_closing(world, send):
    child = fresh_child(world)
    send("missing_reported", report(child))
    closed_at = timezone.now() - dt.timedelta(hours=1)
    r = send(
        "closed",
        {
            "force": "FA",
            "police_reference": "FA-1",
            "event_id": "c1",
            "occurred_at": closed_at.isoformat(),
            "closed_reason": "No longer missing",
        },
    )
    assert r.status_code == 201
    episode = MissingEpisode.objects.get(police_reference="FA-1")
    assert episode.status == EpisodeStatus.RETURNED and episode.returned_at == closed_at


def test_resending_the_same_event_is_a_no_op_answered_as_such(world, send):
    child = fresh_child(world)
    first = send("missing_reported", report(child))
    audit_before = AuditEntry.objects.count()
    again = send("missing_reported", report(child))
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["episode_id"] == first.json()["episode_id"]
    assert MissingEpisode.objects.filter(police_reference="FA-1").count() == 1
    assert PoliceEvent.objects.count() == 1
    assert AuditEntry.objects.count() == audit_before
    regrade = {
        "force": "FA",
        "police_reference": "FA-1",
        "event_id": "r1",
        "occurred_at": ago(hours=4),
        "risk": "high",
    }
    send("risk_regraded", regrade)
    send("risk_regraded", regrade)
    assert MissingEpisode.objects.get(police_reference="FA-1").gradings.count() == 2


def test_found_before_the_report_is_kept_then_applied(world, send):
    child = fresh_child(world)
    base = {"force": "FA", "police_reference": "FA-9"}
    found_at = timezone.now() - dt.timedelta(hours=1)
    r = send(
        "found",
        {**base, "event_id": "f1", "occurred_at": found_at.isoformat(), "found_by": "family"},
    )
    assert r.status_code == 201 and r.json()["outcome"] == "pending"
    r = send(
        "risk_regraded", {**base, "event_id": "g1", "occurred_at": ago(hours=2), "risk": "high"}
    )
    assert r.json()["outcome"] == "pending"
    assert not MissingEpisode.objects.filter(police_reference="FA-9").exists()
    r = send("missing_reported", report(child, ref="FA-9", event_id="m1"))
    assert r.status_code == 201
    episode = MissingEpisode.objects.get(police_reference="FA-9")
    assert episode.status == EpisodeStatus.RETURNED and episode.returned_at == found_at
    assert episode.found_by == "family"
    # the re-grade (2 h ago) was applied before the return (1 h ago): events in time order
    assert list(episode.gradings.order_by("graded_at").values_list("grade", flat=True)) == [
        "medium",
        "high",
    ]
    assert set(PoliceEvent.objects.values_list("outcome", flat=True)) == {EventOutcome.APPLIED}


def test_a_child_outside_the_forces_area_is_recorded_and_then_visible_to_that_force(
    world, send, client
):
    """Children run across borders: a force may report any child; the report makes the child
    visible to that force's coordinator (the access policy's 'episode reported to the force')."""
    child = ChildFactory(responsible_la=world.orgs["la_b"], first_name="Robin", last_name="Outside")
    client.force_login(world.users["police_a"])
    assert client.get(reverse("api:child", args=[child.pk])).status_code == 404
    client.logout()
    r = send("missing_reported", report(child, ref="FA-OUT"))
    assert r.status_code == 201 and r.json()["outcome"] == "applied"
    episode = MissingEpisode.objects.get(police_reference="FA-OUT")
    assert episode.child == child and episode.police_force == world.orgs["force_a"]
    client.force_login(world.users["police_a"])
    assert client.get(reverse("api:child", args=[child.pk])).status_code == 200


def test_a_key_is_scoped_to_its_force(world, send):
    child = fresh_child(world)
    send("missing_reported", report(child))
    # Force B's key cannot send Force A's events...
    r = send(
        "found",
        {"force": "FA", "police_reference": "FA-1", "event_id": "x", "occurred_at": ago(hours=1)},
        key="FB",
    )
    assert r.status_code == 403 and r.json()["code"] == "wrong_force"
    # ...and its own events with the same reference are about its own report, not Force A's.
    r = send(
        "found",
        {"force": "FB", "police_reference": "FA-1", "event_id": "x", "occurred_at": ago(hours=1)},
        key="FB",
    )
    assert r.status_code == 201 and r.json()["outcome"] == "pending"
    assert MissingEpisode.objects.get(police_reference="FA-1").status == EpisodeStatus.MISSING


def test_no_key_or_a_bad_key_is_refused(client, world):
    url = reverse("api:event_found")
    body = {"force": "FA", "police_reference": "X", "event_id": "1", "occurred_at": ago(hours=1)}
    assert client.post(url, body, content_type="application/json").status_code in (401, 403)
    r = client.post(
        url, body, content_type="application/json", headers={"Authorization": "Api-Key nope.nope"}
    )
    assert r.status_code == 401 and r.json()["code"] == "key_invalid"
    revoked, key = PoliceApiKey.objects.create_key(
        name="old", organisation=world.orgs["force_a"], revoked=True
    )
    r = client.post(
        url, body, content_type="application/json", headers={"Authorization": f"Api-Key {key}"}
    )
    assert r.status_code == 401


def test_invalid_event_is_400_with_the_field_and_nothing_stored(world, send):
    child = fresh_child(world)
    r = send("missing_reported", report(child, last_seen_at=ago(hours=1)))  # after the report
    assert r.status_code == 400
    assert r.json()["code"] == "invalid" and "last_seen_at" in r.json()["errors"]
    future = {
        "force": "FA",
        "police_reference": "X",
        "event_id": "1",
        "occurred_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
    }
    assert send("found", future).status_code == 400
    assert PoliceEvent.objects.count() == 0


def test_a_rule_broken_is_kept_as_rejected_with_a_code(world, send):
    child = fresh_child(world)
    send("missing_reported", report(child))
    base = {"force": "FA", "police_reference": "FA-1"}
    send("found", {**base, "event_id": "f", "occurred_at": ago(hours=2)})
    r = send(
        "risk_regraded", {**base, "event_id": "g", "occurred_at": ago(hours=1), "risk": "high"}
    )
    assert r.status_code == 409
    assert r.json()["outcome"] == "rejected" and r.json()["code"] == "episode_closed"
    again = send(
        "risk_regraded", {**base, "event_id": "g", "occurred_at": ago(hours=1), "risk": "high"}
    )
    assert again.status_code == 200 and again.json()["outcome"] == "rejected"


def test_an_uncertain_child_waits_for_the_coordinator(world, send):
    child = fresh_child(world)
    twin = ChildFactory(
        responsible_la=child.responsible_la,
        first_name=child.first_name,
        last_name=child.last_name,
        date_of_birth=child.date_of_birth,
    )
    r = send("missing_reported", report(child, ref="FA-TWIN"))
    assert r.status_code == 201 and r.json()["outcome"] == "needs_review"
    review = IdentityReview.objects.get(police_reference="FA-TWIN")
    assert review.status == ReviewStatus.OPEN
    top = list(review.candidates.values_list("child_id", "score")[:2])
    assert {c for c, _ in top} == {child.pk, twin.pk} and top[0][1] == 100
    assert not MissingEpisode.objects.filter(police_reference="FA-TWIN").exists()
