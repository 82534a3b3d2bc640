"""In Chromium: a CMO opens the host council's notification for a looked-after child placed
in a council with no HomeSafe users, sees its contacts and what the e-mail says, sends it to
the council's secure mailbox, and sees the duty done; then reads the contact directory. axe
finds no WCAG 2.2 AA violation on the way."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from homesafe.duties.choices import DutyState
from tests.duties import test_sending
from tests.e2e.test_duties_journey import _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A host council with no users, its directory, and LA A's child placed there, reported missing.
protocol, host, duty = test_sending.protocol, test_sending.host, test_sending.duty


def test_send_the_host_council_s_notification(page, live_server, world, duty, axe):
    _sign_in(page, live_server, world.users["cmo_a"], axe)
    page.goto(f"{live_server.url}/duties/{duty.pk}/#send")
    expect(page.get_by_role("heading", name="Tell Host Council C")).to_be_visible()
    expect(page.get_by_role("cell", name="0100 000 0999")).to_be_visible()
    page.get_by_text("What the e-mail says").click()
    expect(page.get_by_text(f"Child: {duty.child.full_name}")).to_be_visible()
    axe(page, context="duty page with Send")
    send = page.locator("form#send")
    send.get_by_label(re.compile("Missing children team")).check()
    send.get_by_role("button", name="Send").click()

    expect(
        page.get_by_text("Sent to Missing children team at Host Council C").first
    ).to_be_visible()
    axe(page, context="duty page after sending")
    assert [m.to for m in mail.outbox] == [[test_sending.SECURE]]
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE

    page.goto(f"{live_server.url}/duties/directory/")
    expect(page.get_by_role("heading", name="Host Council C")).to_be_visible()
    axe(page, context="contact directory")
