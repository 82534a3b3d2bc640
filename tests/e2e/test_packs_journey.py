"""Issue 15's browser journey, its packs part: a team manager opens the report packs from the
figures, asks for the quarterly pack, the worker builds it (its task run here, as the worker
would), the page shows it ready and the manager downloads the PDF and the spreadsheet; at 1280
and 390 px, every page fits and axe-core finds no WCAG 2.2 AA violation."""

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
from tests.e2e.test_responsive import DESKTOP, PHONE, _signed_in, _too_wide
from tests.factories import UserFactory
from tests.insight.dataset import build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# After the quarter of the data set (October 2026) has ended.
JANUARY = dt.datetime(2027, 1, 6, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_team_manager_downloads_the_quarterly_pack(viewport, browser, live_server, axe):
    data = build()
    manager = UserFactory(organisation=data.la_a, team=data.team, roles=[Role.TEAM_MANAGER])
    width = viewport["width"]
    with time_machine.travel(JANUARY, tick=True):
        context = _signed_in(browser, live_server, manager, viewport)
        page = context.new_page()
        page.goto(live_server.url + reverse("insight:dashboard"))
        page.get_by_role("link", name="Report packs for the board").click()
        expect(page.get_by_role("heading", name="Report packs", exact=True)).to_be_visible()
        assert not _too_wide(page), f"packs at {width} px"
        axe(page, context=f"packs at {width} px")

        page.get_by_label("Period").select_option(label="Quarterly: October to December 2026")
        page.get_by_role("button", name="Build the pack").click()
        expect(page.get_by_text("Your pack is being built")).to_be_visible()
        expect(page.get_by_role("progressbar")).to_be_visible()
        assert not _too_wide(page), f"packs building at {width} px"
        axe(page, context=f"packs building at {width} px")

        pack = ReportPack.objects.get(requested_by=manager)
        report_pack_build_task.call(pack.pk)  # the worker's turn
        pack.refresh_from_db()
        assert pack.status == PackStatus.READY

        page.get_by_role("link", name="Refresh this page").click()
        expect(page.get_by_text("Ready", exact=True)).to_be_visible()
        assert not _too_wide(page), f"packs ready at {width} px"
        axe(page, context=f"packs ready at {width} px")
        for name, magic in (("PDF", b"%PDF-"), ("XLSX", b"PK")):
            with page.expect_download() as download:
                page.get_by_role(
                    "link", name=f"{name} of the quarterly pack for October to December 2026"
                ).click()
            assert Path(download.value.path()).read_bytes().startswith(magic)
            assert download.value.suggested_filename.endswith(name.lower())
        context.close()
