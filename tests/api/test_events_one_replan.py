"""A police event is one use case: however many facts it writes (a report, a return, events
that were waiting for it), its child is re-planned once, at its end (issue 14)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.audit import ClientActor
from homesafe.duties import services as duty_services
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.choices import NotificationSource
from homesafe.intake.models import PoliceApiKey
from homesafe.intake.notifications import notification_parse
from homesafe.intake.services import police_notification_apply
from homesafe.protocol.facts import DutyKind


@pytest.fixture
def send(client, world):
    _, key = PoliceApiKey.objects.create_key(name="Force A", organisation=world.orgs["force_a"])

    def send(kind: str, body: dict):
        return client.post(
            reverse(f"api:event_{kind}"),
            body,
            content_type="application/json",
            headers={"Authorization": f"Api-Key {key}"},
        )

    return send


@pytest.fixture
def replans(monkeypatch):
    """The children of every re-plan the duties app runs, one list per run."""
    runs: list[list[int]] = []
    real = duty_services.duties_replan

    def counted(*, child_ids, now=None):
        child_ids = list(child_ids)
        runs.append(child_ids)
        return real(child_ids=child_ids, now=now)

    monkeypatch.setattr(duty_services, "duties_replan", counted)
    return runs


def ago(**kwargs) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def report(child, **extra) -> dict:
    return {
        "force": "FA",
        "police_reference": "FA-41",
        "event_id": "m1",
        "occurred_at": ago(hours=5).isoformat(),
        "forename": child.first_name,
        "surname": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "last_seen_at": ago(hours=6).isoformat(),
        "last_seen_location": "Bus station",
        "risk": "medium",
        **extra,
    }


def _child(world):
    child = world.children["a_unallocated"]
    MissingEpisode.objects.filter(child=child).delete()
    return child


def test_a_notification_that_says_missing_then_found_replans_its_child_once(world, replans):
    """The daily download's row (and an identity review's decision) carries the report and the
    return at once: one use case, one re-plan."""
    child = _child(world)
    found_at = ago(hours=1)
    values = {**report(child), "reported_at": ago(hours=5), "found_at": found_at}
    values["last_seen_at"] = ago(hours=6)
    applied = police_notification_apply(
        force=world.orgs["force_a"],
        n=notification_parse(values, codes={}, now=timezone.now()),
        actor=ClientActor("download:FA"),
        source=NotificationSource.DOWNLOAD,
    )
    episode = MissingEpisode.objects.get(pk=applied.episode.pk)
    assert episode.status == EpisodeStatus.RETURNED and episode.returned_at == found_at
    assert replans == [[child.pk]]
    # That one re-plan saw the return: the interview's offer is planned.
    assert child.duties.filter(episode=episode, kind=DutyKind.RHI_OFFER).exists()


def test_a_report_that_applies_a_waiting_found_event_replans_once(world, send, replans):
    child = _child(world)
    found = {"force": "FA", "police_reference": "FA-41", "event_id": "f1"}
    r = send("found", {**found, "occurred_at": ago(hours=1).isoformat(), "found_by": "family"})
    assert r.json()["outcome"] == "pending"
    assert replans == []  # nothing to plan yet: no episode
    # One POST: the report, then the found event that was waiting for it.
    r = send("missing_reported", report(child))
    assert r.status_code == 201
    episode = MissingEpisode.objects.get(police_reference="FA-41")
    assert episode.status == EpisodeStatus.RETURNED
    assert replans == [[child.pk]]
    assert child.duties.filter(episode=episode, kind=DutyKind.RHI_OFFER).exists()


def test_each_event_is_its_own_use_case(world, send, replans):
    child = _child(world)
    send("missing_reported", report(child))
    found = {"force": "FA", "police_reference": "FA-41", "event_id": "f2"}
    send("found", {**found, "occurred_at": ago(hours=1).isoformat(), "found_by": "police"})
    assert replans == [[child.pk], [child.pk]]
