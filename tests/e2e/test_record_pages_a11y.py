"""axe-core on the pages that change a child's record and on two-factor set-up, with and
without errors: none may have a WCAG 2.2 AA violation."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.clock import totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["edit", "cohort_new", "care_new", "placement_new", "network_new", "need_new"]


def test_record_pages_have_no_axe_violations(page, live_server, world, axe):
    user = world.users["sw_1"]
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    child = world.children["a_team1"]
    for name in PAGES:
        page.goto(live_server.url + reverse(f"people:{name}", args=[child.pk]))
        axe(page, context=name)
        if name == "edit":
            page.get_by_label("Last name").fill("")
        page.locator("form .govuk-button").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        axe(page, context=f"{name} with errors")


def test_two_factor_set_up_page_has_no_axe_violations(page, live_server, db, axe):
    from homesafe.access.choices import Role

    user = UserFactory(roles=[Role.MISSING_COORDINATOR], mfa=False)
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/account/reauthenticate/"))
    axe(page, context="confirm password")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form .govuk-button").first.click()
    expect(page).to_have_url(re.compile(r"/2fa/totp/activate/"))
    axe(page, context="activate TOTP")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.locator("form .govuk-button").first.click()
    expect(
        page.get_by_role("heading", name="My work").or_(
            page.get_by_role("heading", name=re.compile("Recovery", re.I))
        )
    ).to_be_visible()
    axe(page, context="after activation")


def test_the_story_of_a_child_with_40_episodes_has_no_axe_violations(page, live_server, world, axe):
    from tests.story.test_child_story import add_history

    child = world.children["a_team2"]
    child.episodes.all().delete()
    add_history(world, child, 40)
    user = world.users["cmo_a"]
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    page.goto(live_server.url + reverse("people:story", args=[child.pk]))
    expect(page.get_by_role("heading", name="The child's story")).to_be_visible()
    expect(page.locator("#story-map path").first).to_be_attached()  # the map drew its places
    axe(page, context="child's story")
