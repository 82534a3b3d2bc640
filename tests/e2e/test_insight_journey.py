"""Issue 15's browser journey, whole: a team manager opens the monthly compliance view from the
menu, drills from a figure to the children behind it, goes back to the figures, asks for the
quarterly pack, the worker builds it (its task run here, as the worker would) and the manager
downloads the PDF and the spreadsheet. At 390 px (the issue's width), every page fits and
axe-core finds no WCAG 2.2 AA violation (the packs page is checked once it shows the pack being
built, its form included)."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from homesafe.access.choices import Role
from homesafe.insight.models import PackStatus, ReportPack
from homesafe.insight.tasks import report_pack_build_task
from tests.e2e.test_responsive import PHONE, _signed_in, _too_wide
from tests.factories import UserFactory
from tests.insight.dataset import build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# After the quarter of the data set (October 2026) has ended, October still among the
# compliance view's six months.
JANUARY = dt.datetime(2027, 1, 6, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def _fits_and_axe_clean(page, axe, what):
    assert not _too_wide(page), f"{what} at 390 px"
    axe(page, context=f"{what} at 390 px")


def test_team_manager_compliance_to_children_to_quarterly_pack(browser, live_server, axe):
    data = build()
    manager = UserFactory(organisation=data.la_a, team=data.team, roles=[Role.TEAM_MANAGER])
    with time_machine.travel(JANUARY, tick=True):
        context = _signed_in(browser, live_server, manager, PHONE)
        page = context.new_page()

        page.goto(live_server.url + reverse("web:home"))
        page.get_by_role("link", name="duties met in time, month by month").click()
        expect(
            page.get_by_role("heading", name="Duties met in time, month by month")
        ).to_be_visible()
        expect(page.get_by_text("owned by Team T")).to_be_visible()
        _fits_and_axe_clean(page, axe, "compliance")

        # October: e3's escalation, owned by team T and still open: 0 of 1, overdue.
        page.get_by_role("link", name="escalate to the team manager, October 2026").click()
        expect(page.get_by_role("heading", name="Escalate to the team manager")).to_be_visible()
        expect(page.get_by_role("link", name=data.c2.full_name)).to_be_visible()
        expect(page.get_by_role("cell", name="Overdue", exact=True)).to_be_visible()
        _fits_and_axe_clean(page, axe, "children behind a figure")

        page.get_by_role("link", name="Back to the figures").click()
        expect(page.get_by_role("heading", name="Figures")).to_be_visible()
        _fits_and_axe_clean(page, axe, "figures")

        page.get_by_role("link", name="Report packs for the board").click()
        expect(page.get_by_role("heading", name="Report packs", exact=True)).to_be_visible()
        page.get_by_label("Period").select_option(label="Quarterly: October to December 2026")
        page.get_by_role("button", name="Build the pack").click()
        expect(page.get_by_text("Your pack is being built")).to_be_visible()
        expect(page.get_by_role("progressbar")).to_be_visible()
        _fits_and_axe_clean(page, axe, "packs building")

        pack = ReportPack.objects.get(requested_by=manager)
        report_pack_build_task.call(pack.pk)  # the worker's turn
        pack.refresh_from_db()
        assert pack.status == PackStatus.READY

        page.get_by_role("link", name="Refresh this page").click()
        expect(page.get_by_text("Ready", exact=True)).to_be_visible()
        _fits_and_axe_clean(page, axe, "packs ready")
        for name, magic in (("PDF", b"%PDF-"), ("XLSX", b"PK")):
            with page.expect_download() as download:
                page.get_by_role(
                    "link", name=f"{name} of the quarterly pack for October to December 2026"
                ).click()
            assert Path(download.value.path()).read_bytes().startswith(magic)
            assert download.value.suggested_filename.endswith(name.lower())
        context.close()
