"""Return interviews reach a provider, in the browser: an administrator says the commissioned
service offers interviews to children with no social worker; a child comes back; the service's
worker finds the child on their "Return interviews" page and records the offer from there, which
closes the offer duty. axe-core finds no WCAG 2.2 AA violation on the way."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.interviews.models import RhiRoute
from tests.e2e.test_duties_journey import _sign_in
from tests.e2e.test_interview_journey import _fill_when
from tests.interviews.helpers import report_and_return

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_rule_sends_the_return_to_the_service_that_records_the_offer(
    page, browser, browser_context_args, live_server, world, axe
):
    rhi_service = world.orgs["rhi"]
    _sign_in(page, live_server, world.users["admin"], axe)
    page.get_by_role("link", name="Administration").first.click()
    page.get_by_role("link", name="Who offers return interviews").click()
    expect(page.get_by_role("heading", name="Who offers return interviews")).to_be_visible()
    axe(page, context="routes, none yet")
    page.get_by_role("button", name="Add a rule").click()
    page.get_by_role("button", name="Save").click()  # nothing answered: the errors
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page, context="route form with errors")
    page.get_by_label("Responsible local authority").select_option(label="LA A")
    page.get_by_label("Order").fill("10")
    page.get_by_label("Children with no allocated social worker").check()
    page.get_by_label("A return interview service").check()
    page.get_by_label("Return interview service", exact=True).select_option(label=rhi_service.name)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Rule added")).to_be_visible()
    axe(page, context="routes, one rule")
    assert RhiRoute.objects.get().provider == rhi_service

    episode = report_and_return(world, key="a_unallocated")  # no referral before this
    child = episode.child

    worker_page = browser.new_page(**browser_context_args)
    _sign_in(worker_page, live_server, world.users["rhi"], axe)
    worker_page.get_by_role("link", name="Return interviews").click()
    expect(worker_page.get_by_role("heading", name="Return interviews to do")).to_be_visible()
    axe(worker_page, context="caseload")
    row = worker_page.get_by_role("row").filter(has_text=child.full_name)
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Record the offer").click()
    expect(
        worker_page.get_by_role("heading", name="Record the offer of a return interview")
    ).to_be_visible()
    _fill_when(
        worker_page.locator(".govuk-date-input").first, timezone.now() - dt.timedelta(hours=1)
    )
    worker_page.get_by_label("Phone call").check()
    worker_page.get_by_role("button", name="Save offer").click()
    expect(worker_page.get_by_text("Offer recorded")).to_be_visible()
    assert Duty.objects.get(episode=episode, kind="rhi_offer").state == DutyState.DONE

    worker_page.get_by_role("link", name="Return interviews").click()
    row = worker_page.get_by_role("row").filter(has_text=child.full_name)
    expect(row.get_by_role("button", name="Record the interview")).to_be_visible()
    axe(worker_page, context="caseload, offered")
