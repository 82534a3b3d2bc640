"""Issue 13's browser acceptance: the practice reaches the right people (Chromium, axe clean).

On a Monday the missing coordinator screens the weekend's new and found notifications,
recording a decision on each; reports an out-of-area looked-after child whose host council has
no HomeSafe users, and sends the host council's notification from the duty; the school, which
uses HomeSafe, sees and acknowledges its notice; on return the return interview goes to the
commissioned provider, whose worker records it with a MACE referral ticked, which closes
`consider_mace`; the child's story shows all of it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.access.models import Organisation, OrganisationContact
from homesafe.daily_screening.models import ScreeningDecision
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.interviews.choices import RouteAllocated, RouteProvider
from homesafe.interviews.services_routes import rhi_route_create
from homesafe.people.models import CarePeriod, CohortPeriod, Placement
from tests.clock import LONDON
from tests.e2e.test_duties_journey import _sign_in
from tests.e2e.test_interview_journey import _fill_when
from tests.factories import ChildFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONDAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


def _weekend(world):
    """Two police notifications over the weekend: Sam reported missing on Saturday (still
    missing), Alex reported on Friday night and found on Sunday."""
    cmo = world.users["cmo_a"]
    sam, alex = world.children["a_team1"], world.children["a_team2"]
    for child in (sam, alex):
        child.episodes.all().delete()
    with time_machine.travel(dt.datetime(2026, 11, 28, 15, 0, tzinfo=LONDON), tick=False):
        episode_report(
            child=sam,
            actor=cmo,
            episode_type="M",
            last_seen_at=timezone.now() - dt.timedelta(hours=2),
            reported_at=timezone.now() - dt.timedelta(hours=1),
            reported_by="parent",
            risk="medium",
        )
    with time_machine.travel(dt.datetime(2026, 11, 27, 23, 0, tzinfo=LONDON), tick=False):
        found = episode_report(
            child=alex,
            actor=cmo,
            episode_type="M",
            last_seen_at=timezone.now() - dt.timedelta(hours=3),
            reported_at=timezone.now() - dt.timedelta(hours=1),
            reported_by="parent",
            risk="low",
        )
    with time_machine.travel(dt.datetime(2026, 11, 29, 10, 0, tzinfo=LONDON), tick=False):
        episode_record_return(episode=found, returned_at=timezone.now(), found_by="self", actor=cmo)
    return sam, alex


def _looked_after_child_placed_out_of_area(world):
    """Robin: LA A's looked-after child with no allocated worker, at school 1 (whose lead uses
    HomeSafe), placed with foster carers in Lowfield, a council with no HomeSafe users but a
    secure mailbox in the contact directory."""
    host = Organisation.objects.create(type="local_authority", code="977", name="Lowfield Council")
    OrganisationContact.objects.create(
        organisation=host,
        name="Lowfield missing children team",
        role="Missing children team",
        email="missing.children@lowfield.example",
        email_secure=True,
        phone="0100 000 0977",
    )
    robin = ChildFactory(
        responsible_la=world.orgs["la_a"],
        school=world.orgs["school_1"],
        first_name="Robin",
        last_name="Journeyman",
        date_of_birth=dt.date(2011, 2, 14),
    )
    CohortPeriod.objects.create(child=robin, cohort="looked_after", started_on=dt.date(2025, 1, 1))
    CarePeriod.objects.create(
        child=robin,
        legal_status="care_order",
        placing_la=world.orgs["la_a"],
        started_on=dt.date(2025, 1, 1),
    )
    Placement.objects.create(
        child=robin,
        placement_type="foster",
        placing_la=world.orgs["la_a"],
        host_la=host,
        started_on=dt.date(2025, 1, 1),
    )
    return robin, host


def test_the_practice_reaches_the_right_people(
    page, browser, browser_context_args, live_server, world, axe
):
    from homesafe.duties.models import ProtocolVersion
    from homesafe.duties.protocol import protocol_current

    protocol_current()
    ProtocolVersion.objects.update(duties_from=MONDAY - dt.timedelta(days=30))
    # The partnership's rule (seed 003): children with no social worker go to the commissioned
    # return interview service.
    rhi_route_create(
        local_authority=world.orgs["la_a"],
        order=1,
        provider_kind=RouteProvider.SERVICE,
        provider=world.orgs["rhi"],
        allocated=RouteAllocated.NO,
        actor=world.users["admin"],
    )
    sam, alex = _weekend(world)
    robin, host = _looked_after_child_placed_out_of_area(world)
    cmo = world.users["cmo_a"]

    with time_machine.travel(MONDAY, tick=True):
        # 1. Monday morning: the weekend's notifications, new and found, each screened.
        _sign_in(page, live_server, cmo, axe)
        page.get_by_role("link", name="Screening").click()
        expect(page.get_by_role("heading", name="Daily screening")).to_be_visible()
        expect(page.get_by_text("Friday 27 November 2026")).to_be_visible()
        axe(page, context="Monday's screening list")
        decisions = {
            f"New: reported missing: {sam.full_name}": "Strategy discussion",
            f"New: reported missing: {alex.full_name}": "No further action",
            f"Found or returned: {alex.full_name}": "No further action",
        }
        for title, decision in decisions.items():
            card = page.locator(".govuk-summary-card").filter(
                has=page.get_by_role("heading", name=re.compile(re.escape(title)))
            )
            expect(card).to_have_count(1)
            card.get_by_label(decision).check()
            card.get_by_role("button", name="Save decision").click()
            expect(page.get_by_text("Screening decision recorded").first).to_be_visible()
        assert ScreeningDecision.objects.filter(superseded_at__isnull=True).count() == 3
        axe(page, context="screening list, all screened")

        # 2. Robin is reported missing (with a concern of exploitation) by the CMO.
        page.goto(live_server.url + reverse("people:child", args=[robin.pk]))
        page.get_by_role("button", name="Report missing or away").click()
        page.get_by_role("group", name="Is the child missing or away?").get_by_label(
            "Missing"
        ).check()
        _fill_when(
            page.get_by_role("group", name="When was the child last seen?"),
            timezone.now() - dt.timedelta(hours=3),
        )
        _fill_when(
            page.get_by_role("group", name="When was the child reported to police?"),
            timezone.now() - dt.timedelta(hours=1),
        )
        page.get_by_role("group", name="Who reported the child missing?").get_by_label(
            "Foster carer"
        ).check()
        page.get_by_role("group", name="Police risk grading").get_by_label("Medium").check()
        page.get_by_label("There is a concern the child is being exploited").check()
        axe(page, context="report form")
        page.get_by_role("button", name=re.compile("Report|Save")).click()
        episode = MissingEpisode.objects.get(child=robin)
        host_duty = Duty.objects.get(episode=episode, kind="notify_host_la")
        school_duty = Duty.objects.get(episode=episode, kind="notify_school")
        assert host_duty.owner_role == "missing_coordinator" and host_duty.told_organisation == host
        assert host_duty.state == DutyState.OPEN  # Lowfield has no users: the CMO must send it
        assert school_duty.state == DutyState.DONE  # the school uses HomeSafe: told already

        # ... and sends Lowfield's notification from the duty (My work's button leads there).
        page.goto(live_server.url + reverse("web:home"))
        row = (
            page.get_by_role("row")
            .filter(has_text=robin.full_name)
            .filter(has_text="Tell the host authority")
        )
        row.get_by_text("Send the notification").click()
        expect(page.get_by_role("heading", name="Tell Lowfield Council")).to_be_visible()
        axe(page, context="the host council's notification")
        send = page.locator("form#send")
        send.get_by_label(re.compile("Lowfield missing children team")).check()
        send.get_by_role("button", name="Send").click()
        expect(
            page.get_by_text("Sent to Lowfield missing children team at Lowfield Council").first
        ).to_be_visible()
        host_duty.refresh_from_db()
        assert host_duty.state == DutyState.DONE and host_duty.told_at is not None
        (sent,) = [m for m in mail.outbox if m.to == ["missing.children@lowfield.example"]]
        assert robin.full_name in sent.body  # the secure mailbox is told whom
        axe(page, context="the notification sent")

        # ... and screens Robin's own notification from the list.
        page.get_by_role("link", name="Screening").click()
        card = page.locator(".govuk-summary-card").filter(
            has=page.get_by_role("heading", name=re.compile(f"New: reported missing: {robin}"))
        )
        card.get_by_label("Other (say what in the note)").check()
        card.get_by_role("button", name="Save decision").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()  # other needs a note
        axe(page, context="screening decision with an error")
        card = page.locator(".govuk-summary-card").filter(
            has=page.get_by_role("heading", name=re.compile(f"New: reported missing: {robin}"))
        )
        card.get_by_label("Other (say what in the note)").check()
        card.get_by_label(re.compile("Note")).fill("Host council sent the notification")
        card.get_by_role("button", name="Save decision").click()
        expect(page.get_by_text("Screening decision recorded").first).to_be_visible()

        # 3. The school's safeguarding lead sees the notice and acknowledges it.
        school_page = browser.new_page(**browser_context_args)
        _sign_in(school_page, live_server, world.users["school_1"], axe)
        notices = school_page.get_by_role("region", name="You have been told")
        expect(notices).to_contain_text(robin.full_name)
        expect(notices).to_contain_text("a pupil of your school")
        axe(school_page, context="the school's notice")
        notices.get_by_role(
            "button", name=f"Acknowledge the notice about {robin.full_name}"
        ).click()
        expect(school_page.get_by_text("Notice acknowledged")).to_be_visible()
        assert school_duty.notices.get().acknowledged_at is not None
        school_page.close()

        # 4. Robin comes back: the interview goes to the commissioned provider, whose worker
        # records it with a MACE referral ticked; consider_mace closes.
        episode_record_return(
            episode=episode,
            returned_at=timezone.now() - dt.timedelta(minutes=30),
            found_by="police",
            actor=cmo,
        )
        offer = Duty.objects.get(episode=episode, kind="rhi_offer")
        assert offer.owner_organisation == world.orgs["rhi"] and offer.needs_owner == ""
        mace = Duty.objects.get(episode=episode, kind="consider_mace")
        assert mace.state == DutyState.OPEN
        rhi_page = browser.new_page(**browser_context_args)
        _sign_in(rhi_page, live_server, world.users["rhi"], axe)
        rhi_page.get_by_role("link", name="Return interviews").click()
        caseload_row = rhi_page.get_by_role("row").filter(has_text=robin.full_name)
        expect(caseload_row).to_have_count(1)
        axe(rhi_page, context="the provider's caseload")
        caseload_row.get_by_text("Record the offer").click()
        _fill_when(rhi_page.locator(".govuk-date-input").first, timezone.now())
        rhi_page.get_by_label("Phone call").check()
        rhi_page.get_by_role("button", name="Save offer").click()
        expect(rhi_page.get_by_text("Offer recorded")).to_be_visible()
        _record_the_interview_with_a_mace_referral(rhi_page, axe)
        mace.refresh_from_db()
        assert mace.state == DutyState.DONE
        rhi_page.close()

        # 5. The child's story shows all of it.
        page.goto(live_server.url + reverse("people:story", args=[robin.pk]))
        story = page.locator("main")
        expect(story).to_contain_text("Told in HomeSafe: 1 person. (1 of 1 acknowledged)")
        expect(story).to_contain_text("Sent to Lowfield missing children team at Lowfield Council")
        expect(story).to_contain_text("Consider a MACE referral: done")
        expect(story).to_contain_text("Offer a return home interview: done")
        expect(story).to_contain_text("Other (say what in the note): Host council sent")
        axe(page, context="the child's story")


def _record_the_interview_with_a_mace_referral(page, axe) -> None:
    """Every section of the interview, the least a real one holds, with a MACE referral."""
    page.get_by_role("button", name="Record the interview").click()
    expect(page.get_by_role("heading", name="Record the return interview")).to_be_visible()
    page.get_by_role("link", name=re.compile("The interview")).first.click()
    _fill_when(page.locator(".govuk-date-input").first, timezone.now())
    page.get_by_label("Where was it held?").fill("Youth centre")
    page.get_by_label("Who held it?").fill("Robin Worker")
    page.get_by_role("group", name="Was the interviewer independent").get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    while not page.get_by_role("heading", name="Referrals").is_visible():
        if page.get_by_role("heading", name="Exploitation").is_visible():
            page.get_by_label("Older associates").check()
            page.get_by_label("What was explored about exploitation").fill(
                "Asked who paid for travel"
            )
        page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("MACE").check()
    page.get_by_role("button", name="Save and continue").click()
    consent = page.get_by_role("group", name="Did the child consent to sharing?")
    consent.get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    axe(page, context="check your answers with a MACE referral")
    page.get_by_role("button", name="Record the interview").click()
    expect(page.get_by_text("Return interview recorded")).to_be_visible()
