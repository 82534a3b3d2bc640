"""The daily screening by API: the list (range, counts, decisions) and recording a decision, for
missing coordinators only, through the same gate, rules and audit as the page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.daily_screening.models import ScreeningDecision
from homesafe.daily_screening.services import NOTE_REQUIRED
from homesafe.duties.models import ProtocolVersion
from homesafe.duties.protocol import protocol_current
from tests.daily_screening.conftest import new_child, report, returned
from tests.factories import ChildFactory


@pytest.fixture
def protocol(db):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=60))


def _decide(client, **body):
    return client.post(reverse("api:screening_decisions"), body, content_type="application/json")


@pytest.mark.parametrize("user_key", ["sw_1", "tm_1", "police_a", None])
def test_only_missing_coordinators(world, protocol, client, user_key):
    episode = report(world, new_child(world))
    if user_key:
        client.force_login(world.users[user_key])
    assert client.get(reverse("api:screening")).status_code == 403
    response = _decide(
        client, episode_id=episode.pk, notification="missing", decision="no_further_action"
    )
    assert response.status_code == 403
    assert not ScreeningDecision.objects.exists()


def test_the_list_with_counts_and_decisions(world, protocol, client):
    now = timezone.now()
    episode = report(world, new_child(world), reported_at=now - dt.timedelta(hours=5))
    returned(world, episode, at=now - dt.timedelta(hours=1))
    cmo = world.users["cmo_a"]
    client.force_login(cmo)
    response = _decide(
        client,
        episode_id=episode.pk,
        notification="found",
        decision="mace_referral",
        note="Older male",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["decided_by"] == str(cmo) and response.json()["notification"] == "found"
    body = client.get(reverse("api:screening")).json()
    mine = {n["notification"]: n for n in body["results"] if n["episode_id"] == episode.pk}
    assert set(mine) == {"missing", "found"}
    assert mine["found"]["screened"] and mine["found"]["decision"]["decision"] == "mace_referral"
    assert not mine["missing"]["screened"] and mine["missing"]["decision"] is None
    assert mine["missing"]["status"] == "returned" and mine["missing"]["police_risk"] == "medium"
    assert "notify_social_worker" in [d["kind"] for d in mine["missing"]["duties"]]
    counts = body["counts"]
    assert counts["screened"] >= 1 and counts["new"] + counts["found"] == len(body["results"])
    assert AuditEntry.objects.filter(verb=AuditVerb.DAILY_SCREENING_VIEWED).exists()


def test_a_range_and_a_bad_range(world, protocol, client):
    now = timezone.now()
    old = report(world, new_child(world), reported_at=now - dt.timedelta(days=8))
    day = timezone.localdate(old.reported_at).isoformat()
    client.force_login(world.users["cmo_a"])
    body = client.get(reverse("api:screening"), {"from": day, "to": day}).json()
    assert (body["date_from"], body["date_to"]) == (day, day)
    assert [n["episode_id"] for n in body["results"]] == [old.pk]
    response = client.get(reverse("api:screening"), {"from": "next tuesday"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "from" in response.json()["errors"]


def test_decision_errors(world, protocol, client):
    episode = report(world, new_child(world))
    theirs = report(world, ChildFactory(responsible_la=world.orgs["la_b"]))
    client.force_login(world.users["cmo_a"])
    response = _decide(client, episode_id=episode.pk, notification="missing", decision="other")
    assert response.status_code == 400 and response.json()["errors"] == {"note": [NOTE_REQUIRED]}
    response = _decide(
        client, episode_id=theirs.pk, notification="missing", decision="other", note="x"
    )
    assert response.status_code == 404
    response = _decide(
        client, episode_id=episode.pk, notification="found", decision="no_further_action"
    )
    assert response.status_code == 409 and response.json()["code"] == "no_such_notification"
    assert not ScreeningDecision.objects.exists()
