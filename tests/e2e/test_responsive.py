"""Every page fits a phone and the navigation fits a desktop: for each role of the test
partnership, Chromium walks every page reachable from that role's home and navigation (one page
per kind of page, plus the pages the journeys visit) at 390 px wide and fails, naming the page,
if the document is wider than the viewport; at 1280 px the navigation must be one row. On the
way, each role's My work is checked at both widths (it fits, axe, children missing now first)."""

import datetime as dt
import hashlib
import os
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from homesafe.access.audit import ClientActor
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.meetings.models import Meeting
from homesafe.meetings.services import meeting_create
from tests.access.test_signin import totp_now
from tests.databases import _run_directory
from tests.factories import PASSWORD
from tests.signin import SignedInClient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# One user for each role in tests/world.py.
ROLES = {
    "missing coordinator": "cmo_a",
    "social worker": "sw_1",
    "team manager": "tm_1",
    "police coordinator": "police_a",
    "return interview worker": "rhi",
    "school lead": "school_1",
    "health practitioner": "health",
    "analyst": "analyst",
    "auditor": "auditor",
    "administrator": "admin",
}
# Files rather than pages, and pages outside HomeSafe's own (Django's admin, the API's).
SKIPPED_VIEWS = {
    "profiles:pdf",
    "profiles:photo",
    "profiles:version_pdf",
    "intake:import_report",
    "mfa_download_recovery_codes",
}
SKIPPED_PREFIXES = ("admin:", "api:", "djdt:")
PAGES_PER_ROLE = 60
SCREENSHOTS = os.environ.get("HOMESAFE_SCREENSHOTS", "")  # a folder, to look at My work


def _page_kind(path: str) -> str | None:
    """The view a path shows, with its query's keys: one visit for each kind of page."""
    parts = urlsplit(path)
    try:
        view = resolve(parts.path).view_name
    except Resolver404:
        return None
    if view in SKIPPED_VIEWS or view.startswith(SKIPPED_PREFIXES):
        return None
    keys = sorted({key for key, _ in parse_qsl(parts.query)} - {"next"})
    return view + ("?" + "&".join(keys) if keys else "")


def _journey_paths(world) -> list[str]:
    """Pages the journeys in tests/e2e/ visit (a search typed in, the returned child's
    episode, interview, duty and meeting), which a walk taking the first link of each kind may
    not reach. A role that may not see one gets the refusal page, which must fit too."""
    child = world.children["a_team1"]
    returned = child.episodes.get()
    return [
        reverse("people:search") + f"?name={child.first_name}",
        reverse("episodes:detail", args=[returned.pk]),
        reverse("interviews:detail", args=[returned.pk]),
        reverse("duties:detail", args=[Duty.objects.filter(episode=returned).first().pk]),
        reverse("meetings:detail", args=[Meeting.objects.get().pk]),
    ]


def _signed_in(browser, live_server, user, viewport):
    """A browser context already signed in as `user` (the sign-in pages are walked once, in
    the CMO's run, with a real password and code)."""
    client = SignedInClient()  # its session passed the second factor, as a real one has
    client.force_login(user)
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="Europe/London")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def _too_wide(page) -> str | None:
    widths = page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth,
                   client: document.documentElement.clientWidth})"""
    )
    if widths["scroll"] > widths["client"]:
        return f"{widths['scroll']} px wide in a {widths['client']} px viewport"
    return None


def _navigation_rows(page) -> int:
    return page.evaluate(
        """() => new Set(Array.from(document.querySelectorAll(
            '.govuk-service-navigation__item')).map(item => item.offsetTop)).size"""
    )


# Kinds of page measured at 390 px by an earlier role's walk in this run. The roles share most
# kinds of page (a child's record, an episode, a duty), and one measure of each kind finds a
# page that does not fit: a role's walk measures its own start pages (its home, navigation and
# the journeys' pages, which differ by role) and then only kinds no other role has measured.
# A kind is claimed by making a file named for it in the run's directory, which the
# pytest-xdist workers share (made with O_EXCL: one claim wins).
def _claim(measured: Path, kind: str) -> bool:
    try:
        (measured / hashlib.sha256(kind.encode()).hexdigest()).touch(exist_ok=False)
    except FileExistsError:
        return False
    return True


def _walk(page, base: str, start: list[str], measured: Path) -> dict[str, str]:
    """Visit one page of each kind reachable from `start` (past the start pages, only kinds no
    earlier role measured); the too-wide ones, by path."""
    seen, too_wide, queue, visited = set(), {}, deque(start), 0
    starts = set(start)
    while queue and visited < PAGES_PER_ROLE:
        path = queue.popleft()
        kind = _page_kind(path)
        if kind is None or kind in seen:
            continue
        seen.add(kind)
        if not _claim(measured, kind) and path not in starts:
            continue
        try:
            response = page.goto(base + path)
        except PlaywrightError:  # a download: not a page
            continue
        visited += 1
        landed = urlsplit(page.url)
        seen.add(_page_kind(landed.path + ("?" + landed.query if landed.query else "")))
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if problem := _too_wide(page):
            path = landed.path + ("?" + landed.query if landed.query else "")
            too_wide[f"{path} at 390 px"] = problem
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            parts = urlsplit(href)
            if href.startswith(base) and parts.path:
                queue.append(parts.path + ("?" + parts.query if parts.query else ""))
    assert visited > 2, f"only {visited} pages reached from {start}"
    return too_wide


def _sign_in_pages(browser, live_server, user) -> dict[str, str]:
    """The sign-in and two-factor pages at phone width, signing in for real."""
    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    too_wide = {}
    page.goto(live_server.url + reverse("account_login"))
    if problem := _too_wide(page):
        too_wide["sign in at 390 px"] = problem
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Code")).to_be_visible()
    if problem := _too_wide(page):
        too_wide["two-factor code at 390 px"] = problem
    page.get_by_label("Code").fill(totp_now(user.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    context.close()
    return too_wide


@pytest.fixture
def busy_world(world):
    """The test partnership with duties, a returned child's interview and a meeting, so
    that inboxes, duty, interview and meeting pages have rows to show."""
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=3))
    now = timezone.now()
    cmo = world.users["cmo_a"]
    for key, returned in (("a_team1", True), ("a_team2", False)):
        world.children[key].episodes.all().delete()
        episode = episode_report(
            child=world.children[key],
            actor=ClientActor(label="Force A case system"),
            episode_type="M",
            last_seen_at=now - dt.timedelta(hours=30),
            reported_at=now - dt.timedelta(hours=29),
            reported_by="police",
            risk="medium",
            police_force=world.orgs["force_a"],
            police_reference=f"FA-2026-{key}",
        )
        if returned:
            episode_record_return(
                episode=episode,
                returned_at=now - dt.timedelta(hours=2),
                found_by="police",
                actor=cmo,
            )
    meeting_create(
        kind="mace_locality",
        local_authority=world.orgs["la_a"],
        chair_name="A. Chair",
        children=[world.children["a_team1"], world.children["a_team2"]],
        held_at=now - dt.timedelta(hours=1),
        actor=cmo,
    )
    return world


def _my_work(page, role: str, viewport: dict, axe, user) -> None:
    """My work at this width: it fits, axe finds nothing, and for the roles with casework the
    children missing now come before any duty, each duty with its button."""
    expect(page.get_by_role("heading", name="My work", exact=True)).to_be_visible()
    assert not _too_wide(page), f"{role}: My work at {viewport['width']} px"
    axe(page, context=f"{role}: My work at {viewport['width']} px")
    headings = page.eval_on_selector_all("main h2", "hs => hs.map(h => h.id)")
    if "missing-now" in headings or "duties" in headings:
        assert headings.index("missing-now") < headings.index("duties"), headings
        rows = page.locator("#duties ~ div table tbody tr")
        if role in ("missing coordinator", "social worker"):  # busy_world gives them duties
            assert rows.count() > 0
        for i in range(rows.count()):
            expect(rows.nth(i).get_by_role("button")).to_have_count(1)
    if SCREENSHOTS:
        page.screenshot(
            path=f"{SCREENSHOTS}/my-work-{user.pk}-{viewport['width']}.png", full_page=True
        )
    if role == "missing coordinator":
        # A duty that needs an owner: its button opens the duty's page at the person picker,
        # with why in a warning and whom the duty tells.
        page.get_by_role("button", name="Choose an owner").first.click()
        expect(page.get_by_text("Needs an owner: ")).to_be_visible()
        expect(page.get_by_label("Who should do this?")).to_be_visible()
        assert not _too_wide(page), f"{role}: duty page at {viewport['width']} px"
        axe(page, context=f"{role}: a duty that needs an owner at {viewport['width']} px")
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/duty-{viewport['width']}.png", full_page=True)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_the_navigation_one_row(
    role, browser, live_server, busy_world, axe, tmp_path_factory
):
    """For each role: My work leads with the children missing now at 390 and 1280 px (and axe
    finds nothing there); every page reachable fits 390 px; the navigation is one row at
    1280 px on every page it links to. (One test per role, so that the busy world is built,
    and each width's browser context signed in, once for all three.)"""
    user = busy_world.users[ROLES[role]]
    too_wide = _sign_in_pages(browser, live_server, user) if role == "missing coordinator" else {}

    phone = _signed_in(browser, live_server, user, PHONE)
    page = phone.new_page()
    page.goto(live_server.url + reverse("web:home"))
    _my_work(page, role, PHONE, axe, user)
    start = [reverse("web:home"), *_journey_paths(busy_world)]
    measured = _run_directory(tmp_path_factory) / "responsive-measured"
    measured.mkdir(exist_ok=True)
    too_wide |= _walk(page, live_server.url, start, measured)
    phone.close()

    desktop = _signed_in(browser, live_server, user, DESKTOP)
    page = desktop.new_page()
    page.goto(live_server.url + reverse("web:home"))
    _my_work(page, role, DESKTOP, axe, user)
    if urlsplit(page.url).path != reverse("web:home"):  # the coordinator's went on to a duty
        page.goto(live_server.url + reverse("web:home"))
    navigation = page.eval_on_selector_all(
        ".govuk-service-navigation__link", "links => links.map(a => a.href)"
    )
    assert navigation, "no navigation"
    wrapped = {}
    for href in navigation:
        page.goto(href)
        # The current page's item is bold, so each one is measured while it is current.
        if (rows := _navigation_rows(page)) > 1:
            wrapped[f"{urlsplit(page.url).path} at 1280 px"] = f"navigation in {rows} rows"
    desktop.close()

    assert not too_wide | wrapped, f"{role}: {too_wide | wrapped}"
