"""A social worker corrects an episode, then marks it recorded in error, without JavaScript
being needed; axe-core finds no WCAG 2.2 AA violation on any page, with or without errors."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.clock import totp_code
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_correct_then_void_an_episode(page, live_server, world, axe):
    from homesafe.duties.models import ProtocolVersion
    from homesafe.duties.protocol import protocol_current
    from homesafe.duties.services import duties_replan

    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=1))
    child, episode = world.children["a_team1"], world.episodes["a_team1"]
    duties_replan(child_ids=[child.pk])
    user = world.users["sw_1"]
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()

    page.goto(live_server.url + reverse("episodes:detail", args=[episode.pk]))
    expect(page.get_by_role("heading", name="Who has been told")).to_be_visible()
    expect(page.get_by_role("link", name="Tell the school")).to_be_visible()
    axe(page, context="episode page")

    page.get_by_role("button", name="Correct the episode").click()
    expect(page.get_by_role("heading", name="Correct the episode")).to_be_visible()
    expect(page.get_by_text("The police reported this episode (REF-a_team1)")).to_be_visible()
    axe(page, context="correction form")
    page.get_by_label("Away from placement without authorisation").check()
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are correcting this episode"
    )
    axe(page, context="correction form with errors")
    page.get_by_label("Why are you correcting this episode?").fill(
        "The carer knew where she was: away, not missing"
    )
    page.get_by_role("button", name="Save correction").click()
    expect(page.get_by_text("Episode corrected")).to_be_visible()
    expect(page.get_by_role("cell", name="Missing or away: Missing → Away")).to_be_visible()
    axe(page, context="episode page after a correction")

    page.get_by_role("link", name="Mark as recorded in error").click()
    axe(page, context="void form")
    page.get_by_role("button", name="Mark as recorded in error").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why this episode was recorded in error"
    )
    axe(page, context="void form with errors")
    page.get_by_label("Why was this episode recorded in error?").fill("Recorded on the wrong child")
    page.get_by_role("button", name="Mark as recorded in error").click()
    expect(page.get_by_text("Episode marked as recorded in error")).to_be_visible()
    expect(page.get_by_text("Why: Recorded on the wrong child")).to_be_visible()
    axe(page, context="voided episode page")

    page.goto(live_server.url + reverse("people:child", args=[child.pk]))
    expect(page.get_by_text("Recorded in error")).to_be_visible()
    axe(page, context="child's record")
    page.goto(live_server.url + reverse("people:story", args=[child.pk]))
    expect(page.get_by_role("heading", name="Episodes (0)")).to_be_visible()
    axe(page, context="child's story")
