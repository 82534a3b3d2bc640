"""Journeys through HomeSafe in Chromium: sign in with a TOTP code, find a child, report an
episode, record the return; axe-core finds no WCAG 2.2 AA violation on any page on the way."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.episodes.models import MissingEpisode
from tests.clock import totp_code
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user, axe):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    axe(page, context="sign in")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    axe(page, context="two-factor")
    page.get_by_label("Code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    axe(page, context="my work")


def test_sign_in_find_report_and_return(page, live_server, world, axe):
    user = world.users["cmo_a"]
    child = world.children["a_unallocated"]
    MissingEpisode.objects.filter(child=child).delete()
    _sign_in(page, live_server, user, axe)

    # Find the child by name.
    page.get_by_role("link", name="Find a child").first.click()
    axe(page, context="find a child")
    page.get_by_label("Name or alias").fill(child.first_name)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    axe(page, context="search results")
    page.get_by_role("link", name=child.full_name).click()
    expect(page.get_by_role("heading", name=child.full_name)).to_be_visible()
    axe(page, context="child's record")

    # Report missing: first with a mistake, to see the error summary.
    page.get_by_role("button", name="Report missing or away").click()
    axe(page, context="report form")
    page.get_by_role("button", name="Save report").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter the date and time the child was last seen")
    axe(page, context="report form with errors")
    seen = timezone.localtime(timezone.now() - dt.timedelta(hours=4))
    reported = seen + dt.timedelta(hours=1)
    page.get_by_label("Missing", exact=True).check()
    date_groups = page.locator(".govuk-date-input")
    for group, when in ((date_groups.nth(0), seen), (date_groups.nth(1), reported)):
        group.get_by_label("Day").fill(str(when.day))
        group.get_by_label("Month").fill(str(when.month))
        group.get_by_label("Year").fill(str(when.year))
        group.get_by_label("Time").fill(when.strftime("%H:%M"))
    page.get_by_label("Where was the child last seen? (optional)").fill("Bus station")
    page.get_by_label("Postcode of that place (optional)").fill("NG1 2DT")
    page.get_by_label("Foster carer").check()
    page.get_by_label("High").check()
    page.get_by_label("Packed a bag or took belongings").check()
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_text("Missing episode recorded")).to_be_visible()
    expect(page.get_by_text("Still missing")).to_be_visible()
    axe(page, context="episode page")
    episode = MissingEpisode.objects.get(child=child)
    assert episode.last_seen_location.latitude is not None

    # Record the return.
    page.get_by_role("button", name="Record the return").click()
    axe(page, context="return form")
    back = timezone.localtime(timezone.now() - dt.timedelta(minutes=5))
    page.get_by_label("Day").fill(str(back.day))
    page.get_by_label("Month").fill(str(back.month))
    page.get_by_label("Year").fill(str(back.year))
    page.get_by_label("Time").fill(back.strftime("%H:%M"))
    page.get_by_label("Found by police").check()
    page.get_by_role("button", name="Save return").click()
    expect(page.get_by_text("Return recorded")).to_be_visible()
    expect(page.locator("h1 .govuk-tag")).to_have_text("Returned")
    axe(page, context="returned episode")
    episode.refresh_from_db()
    assert episode.status == "returned" and episode.found_by == "police"


def test_another_las_child_is_not_found_in_the_browser(page, live_server, world, axe):
    user = world.users["cmo_b"]
    _sign_in(page, live_server, user, axe)
    response = page.goto(f"{live_server.url}/children/{world.children['a_team1'].pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe(page, context="404")
