"""POST /api/v1/duties/{id}/send/: the same rules as the duty's page (who may send, secure
mailboxes only, a failure recorded and the duty left open), idempotent by the client's key."""

from __future__ import annotations

import smtplib

from django.core import mail
from django.urls import reverse

from homesafe.duties.choices import DutyState, MessageState
from homesafe.duties.models import OutboundMessage
from tests.duties import test_sending

# The fixtures of the page's tests: a host council with no users, its directory, the duty.
protocol, host, duty = test_sending.protocol, test_sending.host, test_sending.duty
SECURE = test_sending.SECURE

KEY = "5f0c6a4e-send-once"


def _post(client, duty, contact, key=KEY):
    return client.post(
        reverse("api:duty_send", args=[duty.pk]),
        {"contact": contact.pk, "idempotency_key": key},
        content_type="application/json",
    )


def test_get_lists_the_told_organisation_s_contacts(client, world, duty, host):
    client.force_login(world.users["cmo_a"])
    answer = client.get(reverse("api:duty_send", args=[duty.pk]))
    assert answer.status_code == 200
    body = answer.json()
    assert body["tells_role"] == "host_la" and body["organisation"] == "903"
    assert [(c["email"], c["email_secure"]) for c in body["contacts"]] == [
        (SECURE, True),
        ("enquiries@host-c.example.org", False),
    ]


def test_send_once_by_key_and_the_duty_is_done(client, world, duty, host):
    client.force_login(world.users["cmo_a"])
    first = _post(client, duty, host[1])
    assert first.status_code == 201
    assert first.json()["state"] == MessageState.SENT and first.json()["to_address"] == SECURE
    again = _post(client, duty, host[1])
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert len(mail.outbox) == 1
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE
    # Closed now: another key is refused, nothing sent.
    assert _post(client, duty, host[1], key="another-key-1").status_code == 409
    assert len(mail.outbox) == 1


def test_not_a_secure_mailbox_is_a_400(client, world, duty, host):
    client.force_login(world.users["cmo_a"])
    answer = client.post(
        reverse("api:duty_send", args=[duty.pk]),
        {"contact": host[2].pk, "idempotency_key": KEY},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "contact" in str(answer.json())
    assert mail.outbox == [] and not OutboundMessage.objects.exists()


def test_a_failure_is_a_502_recorded_and_the_duty_stays_open(
    client, world, duty, host, monkeypatch
):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    client.force_login(world.users["cmo_a"])
    answer = _post(client, duty, host[1])
    assert answer.status_code == 502
    assert answer.json()["code"] == "send_failed"
    assert answer.json()["message"]["state"] == MessageState.FAILED
    duty.refresh_from_db()
    assert duty.state == DutyState.OPEN


def test_a_school_user_may_not_send(client, world, duty, host):
    client.force_login(world.users["school_1"])
    assert _post(client, duty, host[1]).status_code == 403
    client.force_login(world.users["cmo_b"])
    assert _post(client, duty, host[1]).status_code == 404
    assert mail.outbox == []
