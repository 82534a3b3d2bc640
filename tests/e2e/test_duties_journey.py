"""Issue 4's browser acceptance: a CMO sees a new police notification on the daily screening
list, its duties appear in the right people's inboxes, and completing the return interview
offer closes that duty. axe-core finds no WCAG 2.2 AA violation on any page on the way."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.access.audit import ClientActor
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_record_return, episode_report
from tests.e2e.conftest import sign_in_by_cookie
from tests.factories import ChildFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user, axe):
    """Signed in (tests/e2e/conftest.py: sign_in_by_cookie), at the user's My work."""
    sign_in_by_cookie(page, live_server, user)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    axe(page, context=f"my work ({user})")


def test_screening_inboxes_and_closing_the_rhi_offer(
    page, browser, browser_context_args, live_server, world, axe
):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=1))
    cmo, worker = world.users["cmo_a"], world.users["sw_1"]
    child = ChildFactory(
        responsible_la=world.orgs["la_a"],
        allocated_social_worker=worker,
        school=world.orgs["school_1"],
        first_name="Robin",
        last_name="Example",
    )

    _sign_in(page, live_server, cmo, axe)
    # A notification arrives from the police's system.
    now = timezone.now()
    episode = episode_report(
        child=child,
        actor=ClientActor(label="Force A case system"),
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=2),
        reported_at=now - dt.timedelta(minutes=30),
        reported_by="police",
        risk="medium",
        police_force=world.orgs["force_a"],
        police_reference="FA-2026-0001",
    )

    # The CMO's daily screening list shows it, with what it set off.
    page.get_by_role("link", name="Screening").click()
    expect(page.get_by_role("heading", name="Daily screening")).to_be_visible()
    card = page.locator(f"#n{episode.pk}-missing")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Missing now")
    expect(card).to_contain_text("Medium")
    expect(card.get_by_role("link", name="Tell the allocated social worker")).to_be_visible()
    expect(card.get_by_role("link", name="Tell the school")).to_be_visible()
    axe(page, context="screening")
    # The CMO records a screening decision on it, without JavaScript's help: "other" without a
    # note is an error in the summary, linked to the note; then a decision is recorded.
    card.get_by_label("Other (say what in the note)").check()
    card.get_by_role("button", name="Save decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("'other' needs a note")
    axe(page, context="screening, error")
    summary.get_by_role("link").click()
    card = page.locator(f"#n{episode.pk}-missing")
    expect(card.get_by_role("textbox")).to_be_focused()
    card.get_by_label("Strategy discussion").check()
    card.get_by_role("button", name="Save decision").click()
    card = page.locator(f"#n{episode.pk}-missing")
    expect(card).to_contain_text("Screened")
    expect(card).to_contain_text(f"By {cmo}")
    axe(page, context="screening, decided")

    # HomeSafe told the allocated social worker itself: a notice on their My work, naming the
    # child, that they acknowledge; the CMO's duty to tell them is done by that.
    worker_page = browser.new_page(**browser_context_args)
    _sign_in(worker_page, live_server, worker, axe)
    told = Duty.objects.get(episode=episode, kind="notify_social_worker")
    assert told.state == DutyState.DONE and told.owner_user is None
    notices = worker_page.get_by_role("region", name="You have been told")
    expect(notices).to_contain_text(child.full_name)
    axe(worker_page, context="my work with a notice")
    notices.get_by_role("button", name=f"Acknowledge the notice about {child.full_name}").click()
    expect(worker_page.get_by_text("Notice acknowledged")).to_be_visible()
    assert told.notices.get().acknowledged_at is not None
    worker_page.close()

    # The child comes back: the return interview must be offered, and the CMO's team holds it.
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(minutes=5),
        found_by="police",
        actor=cmo,
    )
    offer = Duty.objects.get(episode=episode, kind="rhi_offer")
    page.get_by_role("link", name="My work").click()
    axe(page, context="my work with the RHI offer")
    offer_link = page.get_by_role("link", name="Offer a return home interview")
    expect(offer_link).to_have_count(1)
    expect(page.get_by_role("row").filter(has=offer_link)).to_contain_text(child.full_name)

    # The duty's page: a mistake first (not needed, with no reason), then mark it done.
    offer_link.click()
    expect(page.get_by_role("heading", name="Offer a return home interview")).to_be_visible()
    expect(page.locator("h1 .govuk-tag")).to_have_text("Open")
    axe(page, context="duty page")
    page.get_by_role("button", name="Mark as not needed").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why this duty is not needed")
    axe(page, context="duty page with an error")
    offer.refresh_from_db()
    assert offer.state == DutyState.OPEN

    page.get_by_label("What was done (optional)").fill("Offered by phone; interview tomorrow")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Duty marked as done")).to_be_visible()
    expect(page.locator("h1 .govuk-tag")).to_have_text("Done")
    expect(page.get_by_role("button", name="Mark as done")).to_have_count(0)
    axe(page, context="done duty")
    offer.refresh_from_db()
    assert offer.state == DutyState.DONE and offer.closed_by == cmo

    # It has left the inbox.
    page.get_by_role("link", name="Back to My work").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_role("link", name="Offer a return home interview")).to_have_count(0)
