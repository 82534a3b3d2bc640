"""Issue 16's browser acceptance for the search: a police coordinator and a social worker both
record sightings of a missing child, the locate plan's actions are done, the child returns and
the police record the Safe and Well check, which closes its duty. axe-core finds no WCAG 2.2 AA
violation on any page on the way, and the episode's page fits a 390 px phone."""

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.episodes.services import episode_record_return
from homesafe.locate.models import LocateAction, SafeAndWellCheck, Sighting
from tests.e2e.test_duties_journey import _sign_in
from tests.e2e.test_interview_journey import _fill_when
from tests.locate.test_duties import _with_search_duties

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("HOMESAFE_SCREENSHOTS", "")  # a folder, to look at the pages


def _record_sighting(page, *, hours_ago, source, place, note, axe):
    page.get_by_role("button", name="Record a sighting or lead").click()
    expect(page.get_by_role("heading", name="Record a sighting or lead")).to_be_visible()
    axe(page, context="sighting form")
    page.get_by_label("Sighting (the child was seen)").check()
    _fill_when(
        page.locator(".govuk-date-input").first, timezone.now() - dt.timedelta(hours=hours_ago)
    )
    page.get_by_label("Who saw the child or gave the lead?").select_option(source)
    page.get_by_label("Where (optional)").fill(place)
    page.get_by_label("What was seen or said (optional)").fill(note)
    page.get_by_role("button", name="Record the sighting").click()
    expect(page.get_by_text("Sighting recorded")).to_be_visible()


def _plan_and_do(page, *, description, agency, outcome, axe):
    page.get_by_role("button", name="Add an action to the plan").click()
    axe(page, context="action form")
    page.get_by_label("Place to check").check()
    page.get_by_label("What is to be done").fill(description)
    page.get_by_label("Agency that acts").select_option(label=agency)
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Action added to the plan")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=description)
    row.get_by_role("link", name="Record the outcome").click()
    axe(page, context="outcome form")
    page.get_by_label("What came of it").fill(outcome)
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Action done", exact=True)).to_be_visible()


def test_police_and_social_worker_search_then_the_safe_and_well_check(
    page, browser, browser_context_args, live_server, world, axe
):
    _with_search_duties()
    episode = world.episodes["a_team1"]
    url = live_server.url + reverse("episodes:detail", args=[episode.pk])

    # The police coordinator: a sighting and an action of the plan, done.
    _sign_in(page, live_server, world.users["police_a"], axe)
    page.goto(url)
    expect(page.get_by_role("heading", name="The search")).to_be_visible()
    axe(page, context="episode page, the search empty")
    _record_sighting(
        page, hours_ago=2, source="police", place="Skate park", note="Seen by a patrol", axe=axe
    )
    axe(page, context="episode page with a sighting")
    _plan_and_do(
        page,
        description="Check the flat on Mill Road",
        agency="Force A",
        outcome="Visited: not there",
        axe=axe,
    )

    # The social worker, in another browser: an earlier sighting (listed first) and an action.
    phone = browser.new_page(**browser_context_args, viewport=PHONE)
    _sign_in(phone, live_server, world.users["sw_1"], axe)
    phone.goto(url)
    _record_sighting(
        phone,
        hours_ago=4,
        source="family_or_carer",
        place="Bus station",
        note="Aunt saw her buying a ticket",
        axe=axe,
    )
    sightings = phone.locator("#sightings + .hs-table-scroll")
    expect(sightings.get_by_role("row").nth(1)).to_contain_text("Bus station")
    expect(sightings.get_by_role("row").nth(2)).to_contain_text("Skate park")
    _plan_and_do(
        phone,
        description="Ring her phone and check her social media",
        agency="LA A",
        outcome="Phone off; posted from the town centre at 02:00",
        axe=axe,
    )
    axe(phone, context="episode page at 390 px")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    if SCREENSHOTS:
        phone.locator("#search").scroll_into_view_if_needed()
        phone.screenshot(path=f"{SCREENSHOTS}/search-390.png", full_page=True)
    phone.close()
    assert Sighting.objects.filter(episode=episode).count() == 2
    assert all(a.is_done for a in LocateAction.objects.filter(episode=episode))

    # The child returns; the police hold the Safe and Well check, which closes its duty.
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(hours=1),
        found_by="police",
        actor=world.users["police_a"],
    )
    assert Duty.objects.get(episode=episode, kind="safe_and_well").state == DutyState.OPEN
    page.goto(url)
    page.get_by_role("button", name="Record the Safe and Well check").click()
    expect(
        page.get_by_role("heading", name="Record the police Safe and Well check")
    ).to_be_visible()
    axe(page, context="Safe and Well form")
    page.get_by_role("button", name="Record the check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter when the Safe and Well check was held"
    )
    axe(page, context="Safe and Well form with errors")
    _fill_when(page.locator(".govuk-date-input").first, timezone.now() - dt.timedelta(minutes=20))
    page.get_by_label("Officer, name or number (optional)").fill("PC 1234")
    page.get_by_label("Findings").fill("Stayed with an older friend; no harm disclosed")
    page.get_by_role("button", name="Record the check").click()
    expect(page.get_by_text("Safe and Well check recorded")).to_be_visible()
    expect(page.get_by_text("Stayed with an older friend; no harm disclosed")).to_be_visible()
    axe(page, context="episode page after the return")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/search-returned.png", full_page=True)
    assert SafeAndWellCheck.objects.filter(episode=episode).exists()
    assert Duty.objects.get(episode=episode, kind="safe_and_well").state == DutyState.DONE
