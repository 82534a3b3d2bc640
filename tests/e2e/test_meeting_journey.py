"""Issue 6's browser acceptance for meetings: a MACE meeting with two children and a location
creates actions for two agencies. The CMO records it through the pages; then each agency's
user sees their own action in their view of the child (and never the other child). axe-core
finds no WCAG 2.2 AA violation on any page on the way."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.meetings.models import Meeting, MeetingAction
from tests.e2e.test_duties_journey import _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_date(group, when, *, time: bool = True) -> None:
    group.get_by_label("Day").fill(str(when.day))
    group.get_by_label("Month").fill(str(when.month))
    group.get_by_label("Year").fill(str(when.year))
    if time:
        group.get_by_label("Time").fill(when.strftime("%H:%M"))


def _add_action(page, axe, *, description, about, agency, due) -> None:
    page.get_by_role("button", name="Add an action").click()
    expect(page.get_by_role("heading", name="Add an action")).to_be_visible()
    axe(page, context="action form")
    page.get_by_label("Action", exact=True).fill(description)
    page.get_by_label("About").select_option(label=about)
    page.get_by_label("Agency that owns it").select_option(label=agency)
    _fill_date(page.locator(".govuk-date-input").first, due, time=False)
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added")).to_be_visible()


def test_a_mace_meeting_with_two_children_and_a_location_creates_actions_for_two_agencies(
    page, browser, browser_context_args, live_server, world, axe
):
    first, second = world.children["a_team1"], world.children["a_team2"]
    first.la_child_id, second.la_child_id = "LA-1001", "LA-1002"
    first.save()
    second.save()
    school_2 = world.orgs["school_2"]

    _sign_in(page, live_server, world.users["cmo_a"], axe)
    page.goto(live_server.url + reverse("people:child", args=[first.pk]))
    page.get_by_role("link", name="Meetings, actions and professional differences").click()
    expect(
        page.get_by_role("heading", name="Meetings and professional differences")
    ).to_be_visible()
    axe(page, context="child's meetings, empty")

    # The children, chosen by search: an ID that does not exist finds nothing; the second
    # child is found by their LA child ID and ticked beside the first.
    page.get_by_role("button", name="Record a meeting").click()
    expect(page.get_by_role("heading", name="Which children were discussed?")).to_be_visible()
    expect(page.get_by_role("checkbox", name=first.full_name)).to_be_checked()
    axe(page, context="choosing the children")
    page.get_by_label("ID", exact=True).fill("LA-9999")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No child found")).to_be_visible()
    page.get_by_label("ID", exact=True).fill("LA-1002")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("checkbox", name=second.full_name).check()
    axe(page, context="children found")
    page.get_by_role("button", name="Continue with the children ticked").click()

    # The meeting, first without a chair.
    expect(page.get_by_role("heading", name="Record a meeting")).to_be_visible()
    axe(page, context="new meeting form")
    expect(page.get_by_role("checkbox", name=second.full_name)).to_be_checked()
    page.get_by_label("MACE level 2 (locality)").check()
    page.get_by_label("It has been held").check()
    held = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
    _fill_date(page.locator(".govuk-date-input").first, held)
    page.get_by_label("Places discussed (optional)").fill("Victoria bus station")
    page.get_by_role("button", name="Save meeting").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter who chaired the meeting")
    axe(page, context="new meeting form with errors")
    assert not Meeting.objects.exists()
    page.get_by_label("Chair", exact=True).fill("Pat Chair")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("Meeting recorded")).to_be_visible()
    expect(page.get_by_text("Victoria bus station")).to_be_visible()
    axe(page, context="meeting page")

    # Attendance, a risk about one child, and an action for each of two agencies.
    page.get_by_role("button", name="Invite an agency or record attendance").click()
    axe(page, context="invitation form")
    page.get_by_label("Agency").select_option(label="Force A")
    page.get_by_label("Attended", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Invitation recorded")).to_be_visible()
    page.get_by_role("button", name="Record a decision or risk").click()
    axe(page, context="note form")
    page.get_by_label("Risk identified").check()
    page.get_by_label("About").select_option(label=first.full_name)
    page.get_by_label("Decision or risk", exact=True).fill("Seen with older males at the station")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Seen with older males at the station")).to_be_visible()
    due = timezone.localdate() + dt.timedelta(days=7)
    _add_action(
        page,
        axe,
        description="Patrol Victoria bus station after school",
        about="The whole meeting",
        agency="Force A",
        due=due,
    )
    _add_action(
        page,
        axe,
        description="Check attendance every morning",
        about=second.full_name,
        agency=school_2.name,
        due=due,
    )
    axe(page, context="meeting page with actions")
    assert MeetingAction.objects.count() == 2

    # The police coordinator sees (and completes) the force's action on the child's record.
    police = browser.new_page(**browser_context_args)
    _sign_in(police, live_server, world.users["police_a"], axe)
    police.goto(live_server.url + reverse("meetings:child", args=[first.pk]))
    expect(police.get_by_text("Patrol Victoria bus station after school")).to_be_visible()
    axe(police, context="child's meetings for the police")
    police.get_by_role("link", name="MACE level 2 (locality)").click()
    police.get_by_role("link", name="Complete").first.click()
    axe(police, context="complete action form")
    police.get_by_role("button", name="Complete action").click()
    expect(police.get_by_text("Action completed")).to_be_visible()
    police.close()

    # School 2 sees its action for its pupil, and nothing about the other child.
    school = browser.new_page(**browser_context_args)
    _sign_in(school, live_server, world.users["school_2"], axe)
    school.goto(live_server.url + reverse("meetings:child", args=[second.pk]))
    expect(school.get_by_text("Check attendance every morning")).to_be_visible()
    school.get_by_role("link", name="MACE level 2 (locality)").click()
    expect(school.get_by_text("Check attendance every morning")).to_be_visible()
    expect(school.get_by_text("Other children were discussed")).to_be_visible()
    assert first.full_name not in school.content()
    assert "older males" not in school.content()
    axe(school, context="meeting page for school 2")
    school.close()
