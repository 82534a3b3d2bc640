"""Issue 15's browser journey: a team manager opens the monthly compliance view from the
menu, drills from a figure to the children behind it, and opens the figures; at 1280 and
390 px, every page fits and axe-core finds no WCAG 2.2 AA violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from homesafe.access.choices import Role
from tests.e2e.test_responsive import DESKTOP, PHONE, _signed_in, _too_wide
from tests.factories import UserFactory
from tests.insight.dataset import build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_team_manager_drills_from_compliance_to_the_children(viewport, browser, live_server, axe):
    data = build()
    manager = UserFactory(organisation=data.la_a, team=data.team, roles=[Role.TEAM_MANAGER])
    context = _signed_in(browser, live_server, manager, viewport)
    page = context.new_page()
    width = viewport["width"]

    page.goto(live_server.url + reverse("web:home"))
    page.get_by_role("link", name="duties met in time, month by month").click()
    expect(page.get_by_role("heading", name="Duties met in time, month by month")).to_be_visible()
    expect(page.get_by_text("owned by Team T")).to_be_visible()
    assert not _too_wide(page), f"compliance at {width} px"
    axe(page, context=f"compliance at {width} px")

    # October: e3's escalation, owned by team T and still open: 0 of 1, overdue.
    page.get_by_role("link", name="escalate to the team manager, October 2026").click()
    expect(page.get_by_role("heading", name="Escalate to the team manager")).to_be_visible()
    expect(page.get_by_role("link", name=data.c2.full_name)).to_be_visible()
    expect(page.get_by_role("cell", name="Overdue", exact=True)).to_be_visible()
    assert not _too_wide(page), f"children behind a figure at {width} px"
    axe(page, context=f"children behind a figure at {width} px")

    page.get_by_role("link", name="Back to the figures").click()
    expect(page.get_by_role("heading", name="Figures")).to_be_visible()
    assert not _too_wide(page), f"figures at {width} px"
    axe(page, context=f"figures at {width} px")
    context.close()
