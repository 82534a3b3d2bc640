"""The Reminder e-mails page in the browser: reached from the header's account links, "No
e-mail" unticks the times (GOV.UK's exclusive checkbox), errors are summarised; axe-core finds
no WCAG 2.2 AA violation."""

import re

import pytest
from playwright.sync_api import expect

from homesafe.reminders.models import ReminderPreference
from tests.clock import totp_code
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_social_worker_chooses_in_app_only_then_two_digests(page, live_server, world, axe):
    worker = world.users["sw_1"]
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/account/login/"))
    page.get_by_label("Email").fill(worker.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(worker.totp_secret))
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name="Reminder e-mails"
    ).click()
    expect(page.get_by_role("heading", name="Reminder e-mails")).to_be_visible()
    expect(page.get_by_label("08:00")).to_be_checked()
    axe(page, context="reminder e-mails")

    page.get_by_label("No e-mail: show reminders in HomeSafe only").check()
    expect(page.get_by_label("08:00")).not_to_be_checked()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your reminder e-mail settings are saved")).to_be_visible()
    assert ReminderPreference.objects.get(user=worker).times == []

    page.get_by_label("No e-mail: show reminders in HomeSafe only").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Select when you want your reminder e-mail")
    axe(page, context="reminder e-mails with an error")

    page.get_by_label("12:00").check()
    page.get_by_label("16:00").check()
    page.get_by_label("Every day").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("A digest at 12:00 and 16:00 every day")).to_be_visible()
    axe(page, context="reminder e-mails saved")
