"""Issue 11's browser acceptance for long forms: a section of the return interview saved with
"Save and come back later" comes back as typed; the time-out warning appears before the
session ends and "Stay signed in" keeps it going; when the time runs out on a section, what was
typed is saved as a draft before signing out. axe-core checks the pages and the dialog."""

import datetime as dt
import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.interviews.models import InterviewDraft
from homesafe.interviews.services import interview_offer
from tests.interviews.helpers import report_and_return
from tests.signin import SignedInClient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDS = "Nobody listens at the house."


def _signed_in(page, live_server, user) -> None:
    """The browser carries a session of the user's that passed two-factor sign-in (which has
    its own tests)."""
    client = SignedInClient()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _offered(world):
    episode = report_and_return(world, key="a_team2")  # referred to the RHI service
    interview_offer(
        episode=episode,
        offered_at=timezone.now() - dt.timedelta(hours=3),
        offered_by_organisation=world.orgs["rhi"],
        offered_by_name="Robin Worker",
        offer_method="phone",
        actor=world.users["rhi"],
    )
    return episode


def test_a_section_saved_for_later_comes_back_as_typed(page, live_server, world, axe):
    episode = _offered(world)
    _signed_in(page, live_server, world.users["rhi"])
    page.goto(live_server.url + reverse("interviews:detail", args=[episode.pk]))
    page.get_by_role("button", name="Record the interview").click()
    expect(page.get_by_role("heading", name="Record the return interview")).to_be_visible()
    axe(page, context="the interview's sections")
    page.get_by_role("link", name="The child's voice").click()
    axe(page, context="a section")
    page.get_by_label("The child's own words (optional)").fill(WORDS)
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Draft saved")).to_be_visible()
    expect(page.get_by_role("link", name="Your draft")).to_be_visible()
    axe(page, context="the interview page with a draft")

    page.get_by_role("button", name="Continue recording the interview").click()
    voice = page.locator(".govuk-task-list__item", has_text="The child's voice")
    expect(voice).to_contain_text("In progress")
    voice.get_by_role("link").click()
    expect(page.get_by_label("The child's own words (optional)")).to_have_value(WORDS)


def test_the_timeout_warning_and_stay_signed_in(page, live_server, world, axe):
    # The page's clock, not the machine's: the half hour passes in a moment (Playwright's
    # page.clock drives the page's Date and timers; the server's session is still young).
    page.clock.install()
    _signed_in(page, live_server, world.users["sw_1"])
    page.goto(live_server.url + reverse("web:home"))
    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    # The page acts 5 s before the server would end the session; the warning comes 2 minutes
    # before that.
    acts_at = django_settings.SESSION_COOKIE_AGE * 1000 - 5_000
    page.clock.run_for(acts_at - 120_000 - 2_000)
    expect(dialog).to_be_hidden()
    page.clock.run_for(3_000)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("For your security, we will sign you out in 2 minutes.")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    axe(page, context="the time-out warning")
    with page.expect_response(re.compile(r"/session/extend$")) as extended:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert extended.value.status == 200
    assert extended.value.json() == {"timeout": django_settings.SESSION_COOKIE_AGE}
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    # Kept going: the full time again before the next warning.
    page.clock.run_for(acts_at - 120_000 - 2_000)
    expect(dialog).to_be_hidden()


def test_when_time_runs_out_a_section_is_saved_as_a_draft(page, live_server, world):
    episode = _offered(world)
    page.clock.install()
    _signed_in(page, live_server, world.users["rhi"])
    page.goto(live_server.url + reverse("interviews:section", args=[episode.pk, "voice"]))
    page.get_by_label("The child's own words (optional)").fill(WORDS)
    page.clock.run_for(django_settings.SESSION_COOKIE_AGE * 1000)
    expect(page.get_by_role("heading", name="You have been signed out")).to_be_visible()
    expect(page.get_by_text("saved as a draft")).to_be_visible()
    draft = InterviewDraft.objects.get(author=world.users["rhi"])
    assert draft.answers["childs_words"] == [WORDS]
    page.goto(live_server.url + reverse("web:home"))
    expect(page).to_have_url(re.compile(r"/account/login/"))
