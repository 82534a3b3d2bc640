"""Telling from outside HomeSafe (homesafe.duties.sending): a notification whose told party has
no HomeSafe users is sent from the duty's page to a secure mailbox of the contact directory, by
the e-mail backend or GOV.UK Notify; every attempt is recorded; a failure keeps the duty open;
a double submission sends once; only those who may work on the duty may send."""

from __future__ import annotations

import datetime as dt
import json
import re
import smtplib
import uuid

import pytest
import requests
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from homesafe.access.choices import AuditVerb, ContactTakes
from homesafe.access.models import AuditEntry, OrganisationContact
from homesafe.duties.choices import DutyEventKind, DutyState, MessageChannel, MessageState
from homesafe.duties.models import Duty, DutyEvent, OutboundMessage, ProtocolVersion
from homesafe.duties.owners import people_told
from homesafe.duties.protocol import protocol_current
from homesafe.duties.sending import (
    CONTACT_MISSING,
    CONTACT_NOT_SECURE,
    SEND_FAILED,
    TOLD_NOTE_MISSING,
    duty_is_sendable,
    duty_send,
)
from homesafe.episodes.services import episode_report
from homesafe.people.models import CarePeriod, CohortPeriod
from homesafe.protocol.facts import DutyKind
from tests.factories import OrganisationFactory, PlacementFactory

SECURE = "missing.team@host-c.gov.uk"
PLAIN = "enquiries@host-c.example.org"


@pytest.fixture
def protocol(db):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=60))


@pytest.fixture
def host(world):
    """A host council with no HomeSafe users, in the directory with a secure mailbox and a
    general address that is not secure."""
    la_c = OrganisationFactory(code="903", name="Host Council C")
    secure = OrganisationContact.objects.create(
        organisation=la_c,
        name="Missing children team",
        role="Missing coordinator",
        email=SECURE,
        email_secure=True,
        phone="0100 000 0001",
        out_of_hours_phone="0100 000 0999",
        takes=ContactTakes.MISSING_NOTIFICATIONS,
    )
    plain = OrganisationContact.objects.create(
        organisation=la_c, name="Front desk", role="Reception", email=PLAIN
    )
    return la_c, secure, plain


@pytest.fixture
def duty(world, protocol, host):
    """LA A's looked-after child (allocated to sw_1, at school 1) placed in Host Council C,
    reported missing: "Tell the host authority" is open with LA A's missing coordinators."""
    la_a = world.orgs["la_a"]
    child = world.children["a_team1"]
    child.episodes.all().delete()
    CohortPeriod.objects.create(child=child, cohort="looked_after", started_on=dt.date(2025, 1, 1))
    CarePeriod.objects.create(
        child=child, legal_status="care_order", placing_la=la_a, started_on=dt.date(2025, 1, 1)
    )
    PlacementFactory(child=child, placing_la=la_a, host_la=host[0], started_on=dt.date(2025, 1, 1))
    at = timezone.now() - dt.timedelta(hours=2)
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=at - dt.timedelta(hours=1),
        reported_at=at,
        reported_by="parent",
        risk="medium",
        police_force=world.orgs["force_a"],
        police_reference="FA-2026-0042",
    )
    duty = Duty.objects.get(episode=episode, kind=DutyKind.NOTIFY_HOST_LA)
    assert duty.state == DutyState.OPEN and duty.told_organisation == host[0]
    assert people_told(duty) == []
    return duty


def _token(response) -> str:
    match = re.search(r'name="token" (?:type="hidden" )?value="([^"]+)"', response.content.decode())
    if match is None:
        match = re.search(r'value="([^"]+)" name="token"', response.content.decode())
    assert match, "the Send form has a token"
    return match.group(1)


def _page(client, user, duty):
    client.force_login(user)
    response = client.get(reverse("duties:detail", args=[duty.pk]))
    assert response.status_code == 200
    return response


def _send(client, duty, contact, token):
    return client.post(
        reverse("duties:send", args=[duty.pk]), {"contact": contact.pk, "token": token}
    )


def test_send_to_a_host_council_with_no_users_records_delivery_and_closes_the_duty(
    client, world, duty, host
):
    _, secure, plain = host
    page = _page(client, world.users["cmo_a"], duty)
    html = page.content.decode()
    assert 'id="send"' in html and "Tell Host Council C" in html
    assert "0100 000 0999" in html  # the out-of-hours number to ring
    # Only the secure mailbox is offered to send to; the other address is listed, not offered.
    assert f'value="{secure.pk}"' in html and f'value="{plain.pk}"' not in html

    response = _send(client, duty, secure, _token(page))

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [SECURE] and not email.cc and not email.bcc
    child, episode = duty.child, duty.episode
    assert child.full_name in email.body
    assert child.date_of_birth.strftime("%-d %B %Y") in email.body
    assert "FA-2026-0042" in email.body
    assert timezone.localtime(episode.last_seen_at).strftime("%-d %B %Y at %H:%M") in email.body
    assert world.users["cmo_a"].email in email.body  # whom to contact at the authority
    assert "placed in your area" in email.subject
    assert child.last_name not in email.subject  # the subject names no child
    message = OutboundMessage.objects.get(duty=duty)
    assert message.state == MessageState.SENT and message.sent_at is not None
    assert message.channel == MessageChannel.EMAIL
    assert message.to_address == SECURE and message.contact == secure
    assert message.provider_reference == email.extra_headers["Message-ID"]
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE and duty.told_at is not None
    assert duty.closing_note == "Sent to Missing children team at Host Council C"
    assert duty.closed_by == world.users["cmo_a"]
    assert DutyEvent.objects.filter(duty=duty, kind=DutyEventKind.SENT).count() == 1
    assert AuditEntry.objects.filter(
        verb=AuditVerb.DUTY_MESSAGE_SENT, target_id=str(duty.pk), child_id=child.pk
    ).exists()
    # The page shows it done, with the history, and no Send form.
    html = client.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    assert "Sent by e-mail" in html and 'id="send"' not in html


def test_only_a_secure_mailbox_of_the_told_party_can_be_sent_to(client, world, duty, host):
    _, _, plain = host
    other = OrganisationContact.objects.create(
        organisation=world.orgs["la_b"],
        name="B",
        role="Missing",
        email="b@b.gov.uk",
        email_secure=True,
    )
    page = _page(client, world.users["cmo_a"], duty)
    not_secure = CONTACT_NOT_SECURE.format(organisation="Host Council C")
    # A contact of another organisation is not among the choices at all.
    for contact, error in ((plain, not_secure), (other, CONTACT_MISSING)):
        response = _send(client, duty, contact, _token(page))
        assert response.status_code == 400
        assert str(escape(error)) in response.content.decode()
    # The service holds the same rule, whoever calls it.
    for contact in (plain, other):
        with pytest.raises(ValidationError) as refused:
            duty_send(duty=duty, contact=contact, token="t", actor=world.users["cmo_a"])
        assert refused.value.message_dict == {"contact": [not_secure]}
    assert mail.outbox == [] and not OutboundMessage.objects.exists()
    duty.refresh_from_db()
    assert duty.state == DutyState.OPEN


def test_an_smtp_failure_keeps_the_duty_open_and_records_the_failure(
    client, world, duty, host, monkeypatch
):
    _, secure, _ = host

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({SECURE: (550, b"Mailbox unavailable")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    page = _page(client, world.users["cmo_a"], duty)
    response = _send(client, duty, secure, _token(page))

    assert response.status_code == 400
    message = OutboundMessage.objects.get(duty=duty)
    assert message.state == MessageState.FAILED and message.sent_at is None
    assert "SMTPRecipientsRefused" in message.failure and "Mailbox unavailable" in message.failure
    html = response.content.decode()
    assert "govuk-error-summary" in html
    expected = SEND_FAILED.format(to=message.to_label, failure=message.failure)
    assert str(escape(expected)) in html
    duty.refresh_from_db()
    assert duty.state == DutyState.OPEN and duty.told_at is None
    assert DutyEvent.objects.filter(duty=duty, kind=DutyEventKind.SEND_FAILED).count() == 1
    assert AuditEntry.objects.filter(verb=AuditVerb.DUTY_MESSAGE_FAILED).count() == 1

    # The page gave a new token: trying again, once the server accepts, sends and closes.
    monkeypatch.undo()
    retry = _send(client, duty, secure, _token(response))
    assert retry.status_code == 302 and len(mail.outbox) == 1
    assert list(OutboundMessage.objects.order_by("pk").values_list("state", flat=True)) == [
        MessageState.FAILED,
        MessageState.SENT,
    ]
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE


def test_a_double_submission_sends_once(client, world, duty, host):
    _, secure, _ = host
    token = _token(_page(client, world.users["cmo_a"], duty))
    first = _send(client, duty, secure, token)
    second = _send(client, duty, secure, token)
    assert first.status_code == second.status_code == 302
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.filter(duty=duty).count() == 1
    assert DutyEvent.objects.filter(duty=duty, kind=DutyEventKind.SENT).count() == 1
    # The service itself: the same token again returns the first message and sends nothing.
    again = duty_send(duty=duty, contact=secure, token=token, actor=world.users["cmo_a"])
    assert again.state == MessageState.SENT and len(mail.outbox) == 1


class _NotifyHTTP:
    """requests' Session.request, as GOV.UK Notify's client calls it: records each call and
    answers with the given status and JSON (no network)."""

    def __init__(self, status: int, answer: dict):
        self.status, self.answer, self.calls = status, answer, []

    def __call__(self, method, url, **kwargs):  # set on the class: called unbound
        self.calls.append((method, url, kwargs))
        response = requests.Response()
        response.status_code = self.status
        response._content = json.dumps(self.answer).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = url
        return response


@pytest.fixture
def notify(settings):
    settings.HOMESAFE_NOTIFY_API_KEY = f"homesafe_test-{uuid.uuid4()}-{uuid.uuid4()}"
    settings.HOMESAFE_NOTIFY_TEMPLATE_ID = str(uuid.uuid4())
    settings.HOMESAFE_NOTIFY_BASE_URL = "https://notify.invalid"
    return settings


def test_notify_sends_through_its_client_and_records_its_reference(
    world, duty, host, notify, monkeypatch
):
    _, secure, _ = host
    http = _NotifyHTTP(201, {"id": "740e5834-3a29-46b4-9a6f-16142fde533a"})
    monkeypatch.setattr(requests.Session, "request", http)

    message = duty_send(duty=duty, contact=secure, token="t-1", actor=world.users["cmo_a"])

    assert len(http.calls) == 1
    method, url, kwargs = http.calls[0]
    assert (method, url) == ("POST", "https://notify.invalid/v2/notifications/email")
    assert kwargs["headers"]["Authorization"].startswith("Bearer ")
    sent = json.loads(kwargs["data"])
    assert sent["email_address"] == SECURE
    assert sent["template_id"] == notify.HOMESAFE_NOTIFY_TEMPLATE_ID
    assert duty.child.full_name in sent["personalisation"]["body"]
    assert duty.child.last_name not in sent["personalisation"]["subject"]
    assert sent["reference"] == f"homesafe-message-{message.pk}"
    assert mail.outbox == []  # Notify, not the e-mail backend
    assert message.channel == MessageChannel.NOTIFY and message.state == MessageState.SENT
    assert message.provider_reference == "740e5834-3a29-46b4-9a6f-16142fde533a"
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE and duty.told_at is not None


def test_a_notify_error_keeps_the_duty_open_and_records_what_notify_said(
    world, duty, host, notify, monkeypatch
):
    _, secure, _ = host
    answer = {"status_code": 400, "errors": [{"error": "BadRequestError", "message": "bad"}]}
    monkeypatch.setattr(requests.Session, "request", _NotifyHTTP(400, answer))

    message = duty_send(duty=duty, contact=secure, token="t-2", actor=world.users["cmo_a"])

    assert message.state == MessageState.FAILED
    assert message.failure.startswith("GOV.UK Notify: 400")
    duty.refresh_from_db()
    assert duty.state == DutyState.OPEN
    assert DutyEvent.objects.filter(duty=duty, kind=DutyEventKind.SEND_FAILED).exists()


def test_the_demo_s_file_backend_writes_the_message_under_its_folder(
    world, duty, host, settings, tmp_path
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path / "mail")},
        }
    }
    message = duty_send(duty=duty, contact=host[1], token="t-3", actor=world.users["cmo_a"])
    assert message.state == MessageState.SENT
    written = "".join(p.read_text() for p in (tmp_path / "mail").iterdir())
    assert f"To: {SECURE}" in written and "FA-2026-0042" in written


# Who may send: the duty's owners (LA A's missing coordinators) and those who may change the
# child's record (the allocated worker); not a team-mate (read-only), the school, or the police.
SENDERS = [
    ("cmo_a", 302),
    ("sw_1", 302),
    ("sw_1b", 403),
    ("school_1", 403),
    ("police_a", 403),
    ("cmo_b", 404),  # cannot see the child at all
]


@pytest.mark.parametrize(("who", "status"), SENDERS)
def test_who_may_send(client, world, duty, host, who, status):
    client.force_login(world.users["cmo_a"])
    token = _token(client.get(reverse("duties:detail", args=[duty.pk])))
    client.force_login(world.users[who])
    response = _send(client, duty, host[1], token)
    assert response.status_code == status
    assert len(mail.outbox) == (1 if status == 302 else 0)
    told = client.post(reverse("duties:told", args=[duty.pk]), {"note": "Rang them"})
    # Sent, the duty is done: telling it again is refused on its page (400), not redirected.
    assert told.status_code == (400 if status == 302 else status)


def test_a_school_user_sees_no_send_form(client, world, duty):
    response = _page(client, world.users["school_1"], duty)
    assert 'id="send"' not in response.content.decode()


def test_record_that_you_told_them_another_way(client, world, duty):
    client.force_login(world.users["cmo_a"])
    url = reverse("duties:told", args=[duty.pk])
    refused = client.post(url, {"note": "  "})
    assert refused.status_code == 400
    assert str(escape(TOLD_NOTE_MISSING)) in refused.content.decode()
    duty.refresh_from_db()
    assert duty.state == DutyState.OPEN

    done = client.post(url, {"note": "Rang their out-of-hours line at 21:10, spoke to J. Shah"})

    assert done.status_code == 302
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE and duty.told_at is not None
    assert duty.closing_note.startswith("Told outside HomeSafe: Rang their out-of-hours line")
    assert DutyEvent.objects.filter(duty=duty, kind=DutyEventKind.TOLD_ANOTHER_WAY).exists()
    assert AuditEntry.objects.filter(verb=AuditVerb.DUTY_TOLD_ANOTHER_WAY).exists()
    assert mail.outbox == []


def test_a_told_party_with_users_is_not_sent_to(client, world, protocol):
    """The same notification for a child placed in LA B, whose coordinator uses HomeSafe: told
    in HomeSafe, done, and no Send form."""
    child = world.children["a_placed_in_b"]
    child.episodes.all().delete()
    la_a = world.orgs["la_a"]
    CohortPeriod.objects.create(child=child, cohort="looked_after", started_on=dt.date(2025, 1, 1))
    CarePeriod.objects.create(
        child=child, legal_status="care_order", placing_la=la_a, started_on=dt.date(2025, 1, 1)
    )
    at = timezone.now() - dt.timedelta(hours=2)
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=at,
        reported_at=at,
        reported_by="parent",
        risk="medium",
    )
    duty = Duty.objects.get(episode=episode, kind=DutyKind.NOTIFY_HOST_LA)
    assert duty.state == DutyState.DONE
    html = _page(client, world.users["cmo_a"], duty).content.decode()
    assert 'id="send"' not in html


def test_an_alert_by_duration_is_sent_only_once_due(duty):
    """A senior leadership alert says the child is still missing after 24 hours: it is not
    offered to send before then (HomeSafe tells its own users when it falls due too)."""
    duty.kind = DutyKind.SENIOR_LEADER_ALERT  # in memory: the same told party, with no users
    duty.due_at = timezone.now() + dt.timedelta(hours=3)
    assert not duty_is_sendable(duty)
    duty.due_at = timezone.now() - dt.timedelta(minutes=1)
    assert duty_is_sendable(duty)
