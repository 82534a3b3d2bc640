"""Duties through the API: only the duties of children the user may see; `mine=true` narrows
to the duties they own; another authority's duty is a 404."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.duties.models import Duty
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_report


@pytest.fixture
def planned(world):
    protocol_current()
    child = world.children["a_unallocated"]
    child.episodes.all().delete()
    now = timezone.now()
    return episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=3),
        reported_at=now - dt.timedelta(hours=2),
        reported_by="parent",
        risk="medium",
    )


def test_duties_list_is_gated_and_audited(world, client, planned):
    client.force_login(world.users["cmo_a"])
    response = client.get(reverse("api:duties"), {"episode": planned.pk})
    assert response.status_code == 200
    ids = {d["id"] for d in response.json()["results"]}
    assert ids == set(Duty.objects.filter(episode=planned).values_list("pk", flat=True)) != set()
    assert AuditEntry.objects.filter(verb="duties.listed", actor=world.users["cmo_a"]).exists()
    client.force_login(world.users["cmo_b"])
    assert client.get(reverse("api:duties")).json()["results"] == []


def test_mine_narrows_to_owned_duties(world, client, planned):
    client.force_login(world.users["sl_a"])
    everything = client.get(reverse("api:duties")).json()["results"]
    # A senior leader is told of escalations; the unallocated child's case holder (the missing
    # coordinator) owns them: the leader owns none of this child's duties.
    assert (
        everything and client.get(reverse("api:duties"), {"mine": "true"}).json()["results"] == []
    )
    client.force_login(world.users["cmo_a"])
    mine = client.get(reverse("api:duties"), {"mine": "true"}).json()["results"]
    # ... and, as nobody else can be named, the team manager's review (needs an owner).
    assert mine and all(d["owner_role"] == "missing_coordinator" or d["needs_owner"] for d in mine)


def test_a_duty_says_whom_it_tells_and_why_it_needs_an_owner(world, client, planned):
    client.force_login(world.users["cmo_a"])
    duties = {
        d["kind"]: d
        for d in client.get(reverse("api:duties"), {"episode": planned.pk}).json()["results"]
    }
    head = duties["escalate_head_of_service"]
    assert (head["owner_role"], head["tells_role"]) == ("missing_coordinator", "head_of_service")
    assert head["told_organisation"] == world.orgs["la_a"].code and head["needs_owner"] == ""
    review = duties["escalation_review"]
    assert review["tells_role"] == "" and review["told_organisation"] is None
    assert "no allocated social worker" in review["needs_owner"]


def test_duty_detail_is_404_outside_the_policy(world, client, planned):
    duty = Duty.objects.filter(episode=planned).first()
    client.force_login(world.users["cmo_a"])
    body = client.get(reverse("api:duty", args=[duty.pk])).json()
    assert body["kind"] == duty.kind and body["overdue"] in (True, False)
    client.force_login(world.users["school_2"])
    assert client.get(reverse("api:duty", args=[duty.pk])).status_code == 404
