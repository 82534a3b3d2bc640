"""axe-core on the exploitation screening pages, with and without errors: no WCAG 2.2 AA
violation; the form works without JavaScript-only widgets."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from homesafe.screening.models import ExploitationScreening
from tests.clock import totp_code
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_screening_pages_have_no_axe_violations(page, live_server, world, axe):
    user = world.users["sw_1"]
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    child = world.children["a_team1"]
    page.goto(live_server.url + reverse("screening:list", args=[child.pk]))
    axe(page, context="list, empty")
    for tool in ("combined", "seraf"):
        page.goto(live_server.url + reverse("screening:new", args=[child.pk, tool]))
        axe(page, context=f"{tool} form")
        page.locator("form .govuk-button").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        axe(page, context=f"{tool} form with errors")
    # Answer every SERAF question "No", then one significant indicator in both periods.
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    page.locator("input[name=answer_missing_overnight][value=both]").check()
    page.locator("form .govuk-button").click()
    expect(
        page.get_by_role("heading", name="SERAF (sexual exploitation risk assessment framework)")
    ).to_be_visible()
    screening = ExploitationScreening.objects.get()
    assert (screening.score, screening.band) == (6, "mild")
    axe(page, context="screening")
    page.goto(live_server.url + reverse("screening:list", args=[child.pk]))
    axe(page, context="list")
    page.goto(live_server.url + reverse("screening:override", args=[screening.pk]))
    page.get_by_label("Significant risk").check()
    page.locator("form .govuk-button").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page, context="band form with errors")
