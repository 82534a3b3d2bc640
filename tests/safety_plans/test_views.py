"""The safety plan's pages: who sees them (casework roles and the police; 403 for a school that
sees the child, 404 for another LA), who may make or review the plan, the review form with the
child after a return, old versions readable, the print page, and every read audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.safety_plans.models import SafetyPlanVersion
from homesafe.safety_plans.services import RISKS_MISSING
from tests.safety_plans.conftest import PLAN, episode_reported, plan_save, world_episode_returned


@pytest.fixture
def plan(world):
    return plan_save(world, world.children["a_team1"])


def _get(client, user, name, child, *args):
    client.force_login(user)
    return client.get(reverse(f"safety_plans:{name}", args=[child.pk, *args]))


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("cmo_a", 200),
        ("sw_1", 200),
        ("sw_1b", 200),  # a team-mate: reads
        ("tm_1", 200),
        ("sm_cic", 200),
        ("sl_a", 200),
        ("health", 200),  # in the child's network
        ("police_a", 200),  # looks for the child, does the prevention interview
        ("school_1", 403),  # sees the child, not the plan
        ("sw_2", 404),  # another team's child
        ("cmo_b", 404),  # another LA
        ("police_b", 404),
        ("rhi", 404),
        ("analyst", 404),
        ("admin", 404),
    ],
)
def test_who_sees_the_plan_its_versions_and_print(world, client, plan, user, status):
    child = world.children["a_team1"]
    for name, args in (("detail", ()), ("print", ()), ("version", (1,))):
        assert _get(client, world.users[user], name, child, *args).status_code == status, name


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("sw_1", 200),
        ("cmo_a", 200),
        ("tm_1", 200),
        ("sw_1b", 403),  # a team-mate's child is read-only
        ("health", 403),
        ("police_a", 403),
        ("school_1", 403),
        ("cmo_b", 404),
    ],
)
def test_who_may_make_or_review_the_plan(world, client, user, status):
    child = world.children["a_team1"]
    assert _get(client, world.users[user], "edit", child).status_code == status


def _post(plan_fields):
    data = {k: v for k, v in plan_fields.items() if not isinstance(v, bool)}
    for key, value in plan_fields.items():
        if value is True:
            data[key] = "on"
    return data


def test_the_social_worker_reviews_the_plan_after_a_return(world, client, plan):
    child = world.children["a_team1"]
    SafetyPlanVersion.objects.filter(pk=plan.pk).update(
        saved_at=timezone.now() - dt.timedelta(days=3)
    )
    episode = world_episode_returned(world, hours_ago=2)
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("safety_plans:edit", args=[child.pk]))
    assert page.status_code == 200
    assert b"Review the safety plan" in page.content
    assert f'value="{episode.pk}" selected'.encode() in page.content  # the latest return
    data = _post({**PLAN, "curfew": "21:00", "review_of": str(episode.pk)})
    response = client.post(reverse("safety_plans:edit", args=[child.pk]), data)
    assert response.status_code == 302
    review = SafetyPlanVersion.objects.get(child=child, number=2)
    assert review.review_of == episode and review.curfew == "21:00"
    assert review.made_with_child and review.advocacy_offered
    detail = client.get(response["Location"])
    assert b"Version 2" in detail.content and b"21:00" in detail.content
    # The first version stays readable as it was.
    old = client.get(reverse("safety_plans:version", args=[child.pk, 1]))
    assert b"21:30 on school nights" in old.content


def test_a_refused_plan_shows_the_error_and_writes_nothing(world, client):
    child = world.children["a_team1"]
    client.force_login(world.users["sw_1"])
    response = client.post(
        reverse("safety_plans:edit", args=[child.pk]), _post({**PLAN, "risks": ""})
    )
    assert response.status_code == 400
    assert RISKS_MISSING.encode() in response.content
    assert not SafetyPlanVersion.objects.exists()


def test_reads_are_audited(world, client, plan):
    child = world.children["a_team1"]
    _get(client, world.users["police_a"], "detail", child)
    _get(client, world.users["police_a"], "print", child)
    _get(client, world.users["police_a"], "version", child, 1)
    verbs = list(
        AuditEntry.objects.filter(actor=world.users["police_a"], child_id=child.pk)
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs.count("safety_plan.viewed") == 2
    assert verbs.count("safety_plan.printed") == 1


def test_the_page_shows_episodes_before_and_after_each_plan(world, client, plan):
    child = world.children["a_team1"]
    SafetyPlanVersion.objects.filter(pk=plan.pk).update(
        saved_at=timezone.now() - dt.timedelta(hours=4)
    )
    world_episode_returned(world, hours_ago=2)
    episode_reported(world, child, hours_ago=1.5, returned_hours_ago=1)
    response = _get(client, world.users["sw_1"], "detail", child)
    # The world's episode was reported before the plan; the new one while version 1 is in force.
    assert b"Episodes before the first plan: 1." in response.content
    assert b"1 episode</td>" in response.content


def test_the_plan_page_makes_the_same_number_of_queries_for_more_versions(world, client, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    child = world.children["a_team1"]
    client.force_login(world.users["sw_1"])
    url = reverse("safety_plans:detail", args=[child.pk])
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for curfew in ("20:00", "20:30", "21:00", "21:30"):
        plan_save(world, child, curfew=curfew)
    with CaptureQueriesContext(connection) as five:
        assert b"Version 5" in client.get(url).content
    assert len(five) == len(one)


@pytest.mark.parametrize(("user", "status"), [("sw_1", 200), ("school_1", 403), ("cmo_b", 404)])
def test_the_plan_as_a_pdf(world, client, plan, user, status):
    child = world.children["a_team1"]
    response = _get(client, world.users[user], "pdf", child)
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert response["Content-Disposition"] == (
            f'attachment; filename="safety-plan-{child.pk}-v1.pdf"'
        )
        assert AuditEntry.objects.filter(
            actor=world.users[user], verb="safety_plan.pdf_downloaded", child_id=child.pk
        ).exists()


def test_no_pdf_before_a_plan_is_made(world, client):
    assert _get(client, world.users["sw_1"], "pdf", world.children["a_team1"]).status_code == 404
