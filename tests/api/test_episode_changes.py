"""Correcting an episode and voiding one recorded in error through the API: If-Match names the
version changed (412 stale, 428 missing), a missing reason is a 400 naming the field, the same
roles as the pages may change, and a voided episode leaves the list but can still be read."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from homesafe.access.models import AuditEntry
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.models import EpisodeCorrection
from homesafe.episodes.services import episode_report
from homesafe.episodes.services_corrections import REASON_MISSING
from tests.factories import ChildFactory


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def reported(world):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=1))
    child = ChildFactory(
        responsible_la=world.orgs["la_a"], allocated_social_worker=world.users["sw_1"]
    )
    now = timezone.now()
    return episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=3),
        reported_at=now - dt.timedelta(hours=2),
        reported_by="parent",
        risk="high",
    )


def test_a_correction_on_the_version_read_is_saved(world, reported):
    api = _api(world.users["sw_1"])
    url = reverse("api:episode", args=[reported.pk])
    etag = api.get(url)["ETag"]
    last_seen = reported.last_seen_at - dt.timedelta(hours=1)
    escalation = Duty.objects.get(episode=reported, kind="escalate_team_manager")
    response = api.post(
        reverse("api:episode_correct", args=[reported.pk]),
        {
            "last_seen_at": last_seen.isoformat(),
            "reported_at": (reported.reported_at - dt.timedelta(hours=1)).isoformat(),
            "risk": "medium",
            "trafficking_concern": True,
            "reason": "The police log shows an hour earlier, graded medium, and a concern",
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["current_risk"] == "medium"
    assert body["last_seen_at"] == last_seen.isoformat().replace("+00:00", "Z")
    assert response["ETag"] != etag
    assert response["ETag"] == api.get(url)["ETag"]
    correction = EpisodeCorrection.objects.get(episode=reported)
    assert set(correction.changes) == {
        "last_seen_at",
        "reported_at",
        "risk",
        "trafficking_concern",
    }
    # Re-planned: the concern calls for the NRM to be considered.
    assert Duty.objects.get(episode=reported, kind="consider_nrm").state == DutyState.OPEN
    entry = AuditEntry.objects.get(verb="episode.corrected")
    assert entry.payload["before"]["risk"] == "high"
    assert entry.payload["after"]["last_seen_at"] == last_seen.isoformat()
    moved = Duty.objects.get(pk=escalation.pk)
    assert moved.due_at == escalation.due_at - dt.timedelta(hours=1)


def test_a_correction_without_a_reason_is_a_400_naming_it(world, reported):
    api = _api(world.users["cmo_a"])
    etag = api.get(reverse("api:episode", args=[reported.pk]))["ETag"]
    url = reverse("api:episode_correct", args=[reported.pk])
    response = api.post(url, {"risk": "low"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "reason" in response.json()["errors"]
    blank = api.post(url, {"risk": "low", "reason": "  "}, format="json", HTTP_IF_MATCH=etag)
    assert blank.status_code == 400
    assert "reason" in blank.json()["errors"]
    assert not EpisodeCorrection.objects.exists()
    # The service's own message, when the serializer lets a reason through.
    from homesafe.episodes.services_corrections import episode_correct

    with pytest.raises(ValidationError) as error:
        episode_correct(
            episode=reported, changes={"risk": "low"}, reason="", actor=world.users["cmo_a"]
        )
    assert error.value.message_dict == {"reason": [REASON_MISSING]}


def test_a_correction_that_changes_nothing_or_breaks_a_rule_is_a_400(world, reported):
    api = _api(world.users["cmo_a"])
    etag = api.get(reverse("api:episode", args=[reported.pk]))["ETag"]
    url = reverse("api:episode_correct", args=[reported.pk])
    same = api.post(url, {"risk": "high", "reason": "x"}, format="json", HTTP_IF_MATCH=etag)
    assert same.status_code == 400
    assert "non_field_errors" in same.json()["errors"]
    early = (reported.last_seen_at - dt.timedelta(hours=1)).isoformat()
    bad = api.post(url, {"reported_at": early, "reason": "x"}, format="json", HTTP_IF_MATCH=etag)
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["reported_at"]


def test_a_stale_or_versionless_change_is_refused(world, reported):
    cmo, sw = _api(world.users["cmo_a"]), _api(world.users["sw_1"])
    etag = cmo.get(reverse("api:episode", args=[reported.pk]))["ETag"]
    url = reverse("api:episode_correct", args=[reported.pk])
    ok = sw.post(url, {"risk": "low", "reason": "Slip"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    stale = cmo.post(
        url, {"episode_type": "A", "reason": "Away"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert stale.json()["changed"] == ["risk"]
    assert stale["ETag"] == ok["ETag"]
    missing = cmo.post(url, {"episode_type": "A", "reason": "Away"}, format="json")
    assert missing.status_code == 428
    void = cmo.post(
        reverse("api:episode_void", args=[reported.pk]), {"reason": "Twice"}, format="json"
    )
    assert void.status_code == 428
    assert EpisodeCorrection.objects.count() == 1


@pytest.mark.parametrize(
    ("user_key", "expected"),
    [
        ("cmo_a", 200),
        ("sw_1", 200),
        ("tm_1", 200),
        ("sw_1b", 403),
        ("sl_a", 403),
        ("police_a", 403),
        ("school_1", 404),
        ("cmo_b", 404),
    ],
)
def test_who_may_void_through_the_api(world, reported, user_key, expected):
    api = _api(world.users[user_key])
    read = api.get(reverse("api:episode", args=[reported.pk]))
    etag = read["ETag"] if read.status_code == 200 else '"x"'
    response = api.post(
        reverse("api:episode_void", args=[reported.pk]),
        {"reason": "Recorded twice"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == expected
    reported.refresh_from_db()
    assert reported.is_voided == (expected == 200)


def test_a_voided_episode_leaves_the_list_and_stays_readable(world, reported):
    api = _api(world.users["cmo_a"])
    url = reverse("api:episode", args=[reported.pk])
    etag = api.get(url)["ETag"]
    open_duties = set(
        Duty.objects.filter(episode=reported, state=DutyState.OPEN).values_list("pk", flat=True)
    )
    response = api.post(
        reverse("api:episode_void", args=[reported.pk]),
        {"reason": "Wrong child"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "voided"
    assert response.json()["void_reason"] == "Wrong child"
    assert not Duty.objects.filter(pk__in=open_duties, state=DutyState.OPEN).exists()
    listed = api.get(reverse("api:episodes"), {"child": reported.child_id}).json()["results"]
    assert listed == []
    voided = api.get(reverse("api:episodes"), {"status": "voided"}).json()["results"]
    assert [e["id"] for e in voided] == [reported.pk]
    assert api.get(url).json()["status"] == "voided"
    again = api.post(
        reverse("api:episode_void", args=[reported.pk]),
        {"reason": "Wrong child"},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert again.status_code == 409
    assert again.json()["code"] == "episode_voided"
