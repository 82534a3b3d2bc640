"""The safety plan through the API: the same access as the pages (404 for a child the user may
not see, 403 where the plan is not theirs), reads audited as the page's, a new version by those
who may change the child, errors as JSON with field names, and the review closing its duty."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.api.safety_plans import REVIEW_EPISODE_NOT_FOUND
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.safety_plans.models import SafetyPlanVersion
from homesafe.safety_plans.services import REASONS_MISSING
from tests.safety_plans.conftest import PLAN, episode_reported, plan_save

PLAN_JSON = dict(PLAN)


@pytest.fixture
def plan(world):
    return plan_save(world, world.children["a_team1"])


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("sw_1", 200),
        ("sw_1b", 200),
        ("cmo_a", 200),
        ("health", 200),
        ("police_a", 200),
        ("school_1", 403),
        ("sw_2", 404),
        ("cmo_b", 404),
        ("police_b", 404),
        ("analyst", 404),
    ],
)
def test_who_reads_the_plan(world, client, plan, user, status):
    child = world.children["a_team1"]
    client.force_login(world.users[user])
    current = client.get(reverse("api:child_safety_plan", args=[child.pk]))
    assert current.status_code == status
    old = client.get(reverse("api:child_safety_plan_version", args=[child.pk, 1]))
    assert old.status_code == status
    if status == 200:
        body = current.json()
        assert body["version"] == 1 and body["indicators"] == [
            "previous_missing",
            "curfew",
            "phone_off",
        ]
        assert body["risk_level"] == "medium" and body["child_words"] == PLAN["child_words"]
        assert (
            AuditEntry.objects.filter(
                actor=world.users[user], verb="safety_plan.viewed", child_id=child.pk
            ).count()
            == 2
        )


def test_no_plan_yet_is_a_404(world, client):
    client.force_login(world.users["sw_1"])
    response = client.get(reverse("api:child_safety_plan", args=[world.children["a_team1"].pk]))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize(("user", "status"), [("sw_1b", 403), ("police_a", 403), ("cmo_b", 404)])
def test_only_those_who_may_change_the_child_save_a_version(world, client, user, status):
    client.force_login(world.users[user])
    response = client.post(
        reverse("api:child_safety_plan", args=[world.children["a_team1"].pk]),
        PLAN_JSON,
        content_type="application/json",
    )
    assert response.status_code == status
    assert not SafetyPlanVersion.objects.exists()


def test_a_judgement_without_reasons_is_a_400_naming_the_field(world, client):
    client.force_login(world.users["sw_1"])
    response = client.post(
        reverse("api:child_safety_plan", args=[world.children["a_team1"].pk]),
        {**PLAN_JSON, "method": "judgement", "risk_level": "high"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"reasons": [REASONS_MISSING]}


def test_a_review_through_the_api_closes_the_duty(planned_world, client):
    world = planned_world
    child = world.children["a_team1"]
    first = plan_save(world, child)
    SafetyPlanVersion.objects.filter(pk=first.pk).update(
        saved_at=timezone.now() - dt.timedelta(days=3)
    )
    episode = episode_reported(world, child)
    duty = Duty.objects.get(episode=episode, kind="safety_plan_review")
    client.force_login(world.users["sw_1"])
    url = reverse("api:child_safety_plan", args=[child.pk])
    wrong = client.post(
        url,
        {**PLAN_JSON, "review_of_episode_id": world.episodes["a_team2"].pk},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {"review_of_episode_id": [REVIEW_EPISODE_NOT_FOUND]}
    response = client.post(
        url,
        {**PLAN_JSON, "curfew": "21:00", "review_of_episode_id": episode.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 2 and body["review_of_episode_id"] == episode.pk
    # The return is now on the record: "missing before" counts, and the level follows it.
    assert body["changed_fields"] == ["indicators", "risk_level", "curfew"]
    assert "previous_missing" in body["indicators"] and body["risk_level"] == "medium"
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE
    assert AuditEntry.objects.filter(verb="safety_plan.saved", child_id=child.pk).count() == 2
