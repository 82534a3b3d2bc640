"""Issue 16's browser acceptance, end to end: a police coordinator and a social worker both
record sightings of a missing child, the locate plan's actions are done, the child returns, the
police record the Safe and Well check, the return interview is offered (in the browser) and
recorded, and the social worker reviews the safety plan with the child from My work; the
episode's page then shows the whole episode in order. axe-core finds no WCAG 2.2 AA violation
on the way, and the social worker's pages fit a 390 px phone."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.episodes.services import episode_record_return
from homesafe.interviews.models import ReturnInterview
from homesafe.interviews.services import interview_complete
from homesafe.safety_plans.models import SafetyPlanVersion
from tests.e2e.test_duties_journey import _sign_in
from tests.e2e.test_interview_journey import _fill_when
from tests.e2e.test_search_journey import _plan_and_do, _record_sighting
from tests.interviews.helpers import content
from tests.locate.test_duties import _with_search_duties
from tests.safety_plans.conftest import plan_save

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page, what: str) -> None:
    widths = page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth,
                   client: document.documentElement.clientWidth})"""
    )
    assert widths["scroll"] <= widths["client"], f"{what}: {widths}"


def test_from_missing_through_the_search_and_return_to_the_plan_reviewed(
    page, browser, browser_context_args, live_server, world, axe
):
    _with_search_duties()
    child, worker = world.children["a_team1"], world.users["sw_1"]
    episode = world.episodes["a_team1"]
    # A plan in force before the child went missing (saved before the episode's report).
    first = plan_save(world, child)
    SafetyPlanVersion.objects.filter(pk=first.pk).update(
        saved_at=episode.reported_at - dt.timedelta(days=2)
    )
    url = live_server.url + reverse("episodes:detail", args=[episode.pk])

    # While missing: the police record a sighting and do an action of the plan.
    _sign_in(page, live_server, world.users["police_a"], axe)
    page.goto(url)
    _record_sighting(
        page, hours_ago=2, source="police", place="Skate park", note="Seen by a patrol", axe=axe
    )
    _plan_and_do(
        page,
        description="Check the flat on Mill Road",
        agency="Force A",
        outcome="Not there",
        axe=axe,
    )

    # The social worker, on a phone: an earlier sighting from the family.
    phone = browser.new_page(**browser_context_args, viewport=PHONE)
    _sign_in(phone, live_server, worker, axe)
    phone.goto(url)
    _record_sighting(
        phone, hours_ago=3, source="family_or_carer", place="Bus station", note="Aunt", axe=axe
    )
    _fits(phone, "episode page while missing")

    # The child returns; the police hold the Safe and Well check.
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(hours=1),
        found_by="police",
        actor=world.users["police_a"],
    )
    page.goto(url)
    page.get_by_role("button", name="Record the Safe and Well check").click()
    _fill_when(page.locator(".govuk-date-input").first, timezone.now() - dt.timedelta(minutes=50))
    page.get_by_label("Findings").fill("Stayed with an older friend; no harm disclosed")
    page.get_by_role("button", name="Record the check").click()
    expect(page.get_by_text("Safe and Well check recorded")).to_be_visible()
    assert Duty.objects.get(episode=episode, kind="safe_and_well").state == DutyState.DONE

    # The return interview: the social worker records the offer on the phone; the interview
    # itself is recorded (its section-by-section pages have their own journey).
    phone.goto(url)
    phone.get_by_role("button", name="Record the offer of a return interview").click()
    axe(phone, context="offer form at 390 px")
    _fill_when(phone.locator(".govuk-date-input").first, timezone.now() - dt.timedelta(minutes=40))
    phone.get_by_label("Phone call").check()
    phone.get_by_role("button", name="Save offer").click()
    expect(phone.get_by_text("Offer recorded")).to_be_visible()
    interview = ReturnInterview.objects.get(episode=episode)
    interview_complete(
        interview=interview,
        actor=worker,
        **content(world, held_at=timezone.now() - dt.timedelta(minutes=20)),
    )

    # The safety plan's review, from the duty in My work.
    duty = Duty.objects.get(episode=episode, kind="safety_plan_review")
    assert duty.state == DutyState.OPEN and duty.owner_user == worker
    phone.goto(live_server.url + reverse("web:home"))
    edit_url = reverse("safety_plans:edit", args=[child.pk])
    phone.locator(f'a[role="button"][href="{edit_url}"]').first.click()
    expect(phone.get_by_role("heading", name="Review the safety plan")).to_be_visible()
    phone.get_by_label("The child's own words (optional)").fill("Ring me, don't shout.")
    phone.get_by_label("The plan was made with the child").check()
    phone.get_by_role("button", name="Save a new version").click()
    expect(phone.get_by_text("Safety plan saved as version 2")).to_be_visible()
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE

    # The whole episode, in order, on its page.
    phone.goto(url + "#in-order")
    table = phone.locator("#episode-in-order")
    expect(table).to_be_visible()
    whats = [w.strip() for w in table.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    wanted = [
        "Last seen",
        "Seen at Bus station",
        "Seen at Skate park",
        "Found or returned",
        "Police Safe and Well check held",
        "Return home interview offered",
        "Return home interview held",
        "Safety plan reviewed (version 2)",
    ]
    assert [w for w in whats if w in wanted] == wanted, whats
    # Done as the test ran, which is after the return the test dates an hour back.
    assert "Search action done" in whats
    axe(phone, context="episode in order at 390 px")
    _fits(phone, "episode in order")
    phone.close()
