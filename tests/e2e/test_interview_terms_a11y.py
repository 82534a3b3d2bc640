"""axe-core on the administrators' interview taxonomy page and its form, with and without
errors; retiring a term takes it off the list offered."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from homesafe.interviews.models import InterviewTerm
from tests.clock import totp_code
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_interview_terms_pages_have_no_axe_violations(page, live_server, world, axe):
    user = world.users["admin"]
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    page.get_by_role("link", name="Administration").first.click()
    page.get_by_role("link", name="Interview factors").click()
    expect(page.get_by_role("heading", name="Interview factors and indicators")).to_be_visible()
    axe(page, context="taxonomy list")
    page.get_by_role("button", name=re.compile(r"^Retire\W+Parties$")).click()
    expect(page.get_by_text("Retired Parties")).to_be_visible()
    assert InterviewTerm.objects.get(kind="pull_factor", code="parties").retired_at is not None
    axe(page, context="taxonomy list with a retired term")
    page.goto(live_server.url + reverse("interviews:term_add") + "?kind=push_factor")
    axe(page, context="add a term")
    page.get_by_label("Code (optional)").fill("Not A Code")
    page.locator("form .govuk-button").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page, context="add a term with errors")
