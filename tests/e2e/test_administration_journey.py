"""An administrator invites a new user in Chromium; the invitee opens the e-mail's link, sets a
password, signs in and is asked to set up two-factor sign-in. axe-core finds no WCAG 2.2 AA
violation on any page on the way."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from homesafe.access.choices import Role
from homesafe.access.models import User
from tests.e2e.test_duties_journey import _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "lantern-orchard-pebble-42"


def test_an_administrator_invites_a_user_who_sets_a_password(
    page, live_server, world, axe, settings
):
    settings.HOMESAFE_BASE_URL = live_server.url  # the e-mail's link leads to this server
    _sign_in(page, live_server, world.users["admin"], axe)

    page.get_by_role("link", name="Administration").first.click()
    expect(page.get_by_role("heading", name="Administration", exact=True)).to_be_visible()
    axe(page, context="administration")
    page.get_by_role("link", name="Users").click()
    axe(page, context="users")
    page.get_by_role("button", name="Invite a user").click()
    axe(page, context="invite")

    # A mistake first: the error summary names the fields.
    page.get_by_role("button", name="Send the invitation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the person's work e-mail address")
    expect(summary).to_contain_text("Choose at least one role")
    axe(page, context="invite with errors")

    page.get_by_label("Work e-mail address").fill("robin.newman@la-a.example.org")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Newman")
    page.get_by_label("Organisation", exact=True).select_option(label="LA A")
    page.get_by_label("Social worker", exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invited: the sign-up link is on its way by e-mail")).to_be_visible()
    user = User.objects.get(email="robin.newman@la-a.example.org")
    assert user.roles == {Role.SOCIAL_WORKER} and not user.has_usable_password()

    page.get_by_role("link", name="Robin Newman").click()
    expect(page.get_by_role("heading", name="Robin Newman")).to_be_visible()
    axe(page, context="user")
    # The invitee opens the link in the e-mail, in their own browser.
    page = page.context.browser.new_context(locale="en-GB").new_page()
    link = re.search(r"(http\S+/administration/invitation/[\w-]+/)", mail.outbox[-1].body)[1]
    assert link.startswith(live_server.url)
    page.goto(link)
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    axe(page, context="set your password")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill("not the same")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the same password twice")
    axe(page, context="set your password with errors")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(re.compile(r"/account/login/"))
    expect(page.get_by_text("Your password is set. Sign in with it now.")).to_be_visible()

    # The link works once.
    page.goto(link)
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()

    # Signing in with the new password leads to setting up two-factor sign-in first.
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Email").fill("robin.newman@la-a.example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/account/(2fa|reauthenticate)"))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_other_administration_pages_have_no_axe_violations(page, live_server, world, axe):
    _sign_in(page, live_server, world.users["admin"], axe)
    base = live_server.url + "/administration/"
    page.goto(base + "organisations/")
    axe(page, context="organisations")
    page.get_by_role("link", name="LA A").click()
    axe(page, context="organisation")
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the contact's name")
    axe(page, context="add a contact with errors")
    page.goto(base + "organisations/add")
    axe(page, context="add an organisation")
    page.goto(base + "api-keys/add")
    page.get_by_label("Police force").select_option(label="Force A")
    page.get_by_label("Name of the key").fill("Niche")
    page.get_by_role("button", name="Create the key").click()
    expect(page.get_by_role("heading", name="Copy the new key now")).to_be_visible()
    axe(page, context="key created")
    page.goto(base + "api-keys/")
    axe(page, context="keys")
    page.goto(base + "protocol/")
    axe(page, context="protocol settings")
    page.get_by_label("Return interview offer hours").fill("100000")
    page.get_by_role("button", name="Preview the change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("720 or less")
    axe(page, context="protocol settings with errors")
    page.goto(base + "audit/")
    axe(page, context="audit log")
    page.goto(base + f"users/{world.users['sw_1'].pk}/")
    axe(page, context="a user")
