"""Issue 16's browser acceptance for the child's plan: after a return, the allocated social
worker finds the duty to review the safety plan in My work, reviews it with the child (the
child's words, an agreed later curfew, advocacy offered), and the duty is done; the plan page,
an old version, the print page and the child's story show the plan with the episodes before and
after it. On a 390 px phone, every page fits and axe-core finds no WCAG 2.2 AA violation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.people.services_family import adverse_experience_record, education_concern_record
from homesafe.safety_plans.models import SafetyPlanVersion
from tests.e2e.test_duties_journey import _sign_in
from tests.safety_plans.conftest import plan_save, world_episode_returned

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page, what: str) -> None:
    widths = page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth,
                   client: document.documentElement.clientWidth})"""
    )
    assert widths["scroll"] <= widths["client"], f"{what}: {widths}"


def test_the_social_worker_reviews_the_safety_plan_with_the_child_after_a_return(
    page, live_server, world, axe
):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=30))
    child, worker = world.children["a_team1"], world.users["sw_1"]
    first = plan_save(world, child)
    SafetyPlanVersion.objects.filter(pk=first.pk).update(
        saved_at=timezone.now() - dt.timedelta(hours=5, minutes=30)
    )
    education_concern_record(
        child=child,
        actor=world.users["school_1"],
        kind="persistent_absence",
        started_on=timezone.localdate() - dt.timedelta(days=40),
        attendance_percent=76,
    )
    adverse_experience_record(child=child, kind="parental_separation", description="", actor=worker)
    episode = world_episode_returned(world, hours_ago=2)
    duty = Duty.objects.get(episode=episode, kind="safety_plan_review")
    assert duty.state == DutyState.OPEN and duty.owner_user == worker

    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, worker, axe)
    _fits(page, "my work")
    # The duty's action in My work opens the review form.
    edit_url = reverse("safety_plans:edit", args=[child.pk])
    action = page.locator(f'a[role="button"][href="{edit_url}"]').first
    expect(action).to_contain_text("Review the safety plan")
    action.click()

    expect(page.get_by_role("heading", name="Review the safety plan")).to_be_visible()
    axe(page, context="review form")
    _fits(page, "review form")
    expect(page.get_by_text("Parents separated or divorced")).to_be_visible()
    expect(page.get_by_label("The return this review follows (optional)")).to_have_value(
        str(episode.pk)
    )
    page.get_by_label("Agreed change: curfew (optional)").fill("22:00 on Fridays, agreed")
    page.get_by_label("The child's own words (optional)").fill(
        "If I can stay out later on Fridays I won't run."
    )
    page.get_by_label("The plan was made with the child").check()
    page.get_by_label("An independent advocate was offered").check()
    page.get_by_role("button", name="Save a new version").click()

    expect(page.get_by_text("Safety plan saved as version 2")).to_be_visible()
    expect(page.get_by_role("heading", name="Safety plan", exact=True)).to_be_visible()
    expect(page.get_by_text("22:00 on Fridays, agreed")).to_be_visible()
    expect(page.get_by_text("Missing education or persistently absent")).to_be_visible()
    axe(page, context="plan page")
    _fits(page, "plan page")
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE
    review = SafetyPlanVersion.objects.get(child=child, number=2)
    assert review.review_of == episode and review.made_with_child

    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", name="Safety plan, version 1")).to_be_visible()
    expect(page.get_by_text("21:30 on school nights, 22:30 at weekends")).to_be_visible()
    axe(page, context="old version")
    _fits(page, "old version")

    page.goto(live_server.url + reverse("safety_plans:print", args=[child.pk]))
    expect(page.get_by_text("If I can stay out later on Fridays I won't run.")).to_be_visible()
    axe(page, context="print page")
    _fits(page, "print page")

    page.goto(live_server.url + reverse("people:story", args=[child.pk]))
    expect(page.get_by_role("heading", name="Safety plan")).to_be_visible()
    # The episode was reported while version 1 was in force, and none before it.
    expect(page.get_by_text("Episodes before the first plan: 0.")).to_be_visible()
    plans = page.get_by_role("table", name="Versions of the safety plan")
    expect(plans.get_by_role("row").filter(has_text="Version 1")).to_contain_text("1 episode")
    expect(page.get_by_text("Persistently absent (10% or more of sessions) since")).to_be_visible()
    expect(page.get_by_text("Review after the return of")).to_be_visible()
    axe(page, context="child's story")
    _fits(page, "child's story")
