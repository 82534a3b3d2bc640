"""Issue 6's browser acceptance for the return home interview: the RHI worker whose service
holds the child's referral offers the interview and records it with push and pull factors; the
CMO then sees the factors on the episode and on the interview page. axe-core finds no WCAG 2.2
AA violation on any page on the way."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.interviews.models import ReturnInterview
from tests.e2e.test_duties_journey import _sign_in
from tests.interviews.helpers import report_and_return

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_when(group, when: dt.datetime) -> None:
    local = timezone.localtime(when)
    group.get_by_label("Day").fill(str(local.day))
    group.get_by_label("Month").fill(str(local.month))
    group.get_by_label("Year").fill(str(local.year))
    group.get_by_label("Time").fill(local.strftime("%H:%M"))


def test_rhi_worker_records_an_interview_and_the_cmo_sees_the_factors(
    page, browser, browser_context_args, live_server, world, axe
):
    episode = report_and_return(world, key="a_team2")  # referred to the RHI service
    child = episode.child
    now = timezone.now()

    _sign_in(page, live_server, world.users["rhi"], axe)
    page.goto(live_server.url + reverse("episodes:detail", args=[episode.pk]))
    expect(page.get_by_role("heading", name="Return home interview")).to_be_visible()
    axe(page, context="episode before the offer")

    # The offer.
    page.get_by_role("button", name="Record the offer of a return interview").click()
    expect(
        page.get_by_role("heading", name="Record the offer of a return interview")
    ).to_be_visible()
    axe(page, context="offer form")
    _fill_when(page.locator(".govuk-date-input").first, now - dt.timedelta(hours=2))
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Save offer").click()
    expect(page.get_by_text("Offer recorded")).to_be_visible()
    axe(page, context="interview page, offered")
    assert Duty.objects.get(episode=episode, kind="rhi_offer").state == DutyState.DONE

    # The interview, section by section: first checked with nothing answered, to see the
    # error summary, each problem linking to its section.
    page.get_by_role("button", name="Record the interview").click()
    expect(page.get_by_role("heading", name="Record the return interview")).to_be_visible()
    axe(page, context="interview sections")
    page.get_by_role("button", name="Check your answers and record").click()
    page.get_by_role("button", name="Record the interview").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date and time the interview was held")
    expect(summary).to_contain_text("Enter where the interview was held")
    axe(page, context="check your answers with errors")
    summary.get_by_role("link", name="Enter where the interview was held").click()
    expect(page.get_by_role("heading", name="The interview")).to_be_visible()
    axe(page, context="the interview section")
    _fill_when(page.locator(".govuk-date-input").first, now - dt.timedelta(minutes=30))
    page.get_by_label("Where was it held?").fill("Youth centre")
    page.get_by_label("Who held it?").fill("Robin Worker")
    independent = page.get_by_role("group", name="Was the interviewer independent")
    independent.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Push and pull factors")).to_be_visible()
    page.get_by_label("Unhappy in placement").check()
    page.get_by_label("Bullying").check()
    page.get_by_label("Older boyfriend or girlfriend").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="While missing")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Exploitation")).to_be_visible()
    page.get_by_label("Older associates").check()
    page.get_by_label("What was explored about exploitation").fill("Asked who paid for travel")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("The child's own words (optional)").fill("Nobody listens at the house.")
    for heading in ("The child's voice", "Digital lives", "Referrals"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Sharing")).to_be_visible()
    consent = page.get_by_role("group", name="Did the child consent to sharing?")
    consent.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("Unhappy in placement, Bullying")).to_be_visible()
    axe(page, context="check your answers")
    page.get_by_role("button", name="Record the interview").click()
    expect(page.get_by_text("Return interview recorded")).to_be_visible()
    expect(page.locator("h1 .govuk-tag")).to_have_text("Completed")
    axe(page, context="interview page, completed")
    interview = ReturnInterview.objects.get(episode=episode)
    assert interview.push_factors == ["placement_unhappiness", "bullying"]
    assert Duty.objects.get(episode=episode, kind="rhi_complete").state == DutyState.DONE

    # The CMO sees the factors on the episode and on the interview page.
    cmo_page = browser.new_page(**browser_context_args)
    _sign_in(cmo_page, live_server, world.users["cmo_a"], axe)
    cmo_page.goto(live_server.url + reverse("episodes:detail", args=[episode.pk]))
    expect(cmo_page.get_by_text("Unhappy in placement, Bullying")).to_be_visible()
    expect(cmo_page.get_by_text("Older boyfriend or girlfriend")).to_be_visible()
    axe(cmo_page, context=f"episode page for the CMO ({child})")
    cmo_page.get_by_role("link", name="View the return interview").click()
    expect(cmo_page.get_by_text("Nobody listens at the house.")).to_be_visible()
    expect(cmo_page.get_by_text("Unhappy in placement, Bullying")).to_be_visible()
    axe(cmo_page, context="interview page for the CMO")
    cmo_page.close()
