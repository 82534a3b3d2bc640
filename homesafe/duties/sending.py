"""Telling from outside HomeSafe: a notification whose told party has no HomeSafe users (a host
council or a school not on HomeSafe, an IRO known only by e-mail) is sent by its owner as a
minimal, templated e-mail to a secure mailbox of the contact directory, or recorded as told
another way (by phone).

Sending is three steps, so that no database transaction waits on a mail server and no
double click sends twice:

1. reserve (one transaction): the duty is still open and sendable, the contact is the told
   organisation's secure mailbox, and an `OutboundMessage` row in state "sending" is written
   with the form's one-time token (unique: a second submission of the same form finds the row
   and sends nothing; one "sending" row per duty: a second form waits its turn);
2. deliver (no transaction): through Django's e-mail backend (SMTP in production, files under
   var/mail/ in the demo), or GOV.UK Notify when `HOMESAFE_NOTIFY_API_KEY` is set;
3. record (one transaction): sent (the duty done, `told_at` set, its history and audit) or
   failed (the failure on the message and in the duty's history; the duty stays open).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb, ContactTakes
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, OrganisationContact, User
from homesafe.duties.choices import DutyEventKind, DutyState, MessageChannel, MessageState
from homesafe.duties.models import Duty, DutyEvent, OutboundMessage
from homesafe.duties.owners import people_told
from homesafe.duties.telling import TELL_WHEN_DUE
from homesafe.people.choices import NetworkRole
from homesafe.protocol.facts import DutyKind, OwnerRole
from homesafe.use_cases import facts_changed, use_case

logger = logging.getLogger(__name__)

NOT_SENDABLE = (
    "This duty cannot be sent: it is not an open notification whose told party is outside HomeSafe."
)
CONTACT_MISSING = "Choose whom to send it to"
CONTACT_NOT_SECURE = (
    "Choose a contact of {organisation} with a secure e-mail address: HomeSafe sends a child's "
    "details only to a secure mailbox."
)
TOKEN_OTHER_DUTY = "This form was for another duty: reload the page and send again."
ALREADY_SENDING = (
    "This notification is already being sent: wait a moment, then reload the page to see "
    "whether it was sent."
)
SEND_FAILED = (
    "The e-mail to {to} could not be sent ({failure}). The duty is still open: try again, or "
    "ring them and record that you told them another way."
)
TOLD_NOTE_MISSING = "Enter whom you told, how and when"

# A "sending" row older than this had no answer recorded (the process died mid-send): it is
# marked failed, so that the notification can be sent again.
SENDING_STALE_AFTER = timedelta(minutes=10)
STALE_FAILURE = "No answer from the e-mail service was recorded: it may not have been sent."

# Why the told party is being told, in the e-mail's words (a child ... has been reported missing).
WHY_TOLD: dict[str, str] = {
    DutyKind.NOTIFY_HOST_LA: "placed in your area",
    DutyKind.NOTIFY_PLACING_LA: "whom your authority placed",
    DutyKind.NOTIFY_SCHOOL: "on your school's roll",
    DutyKind.NOTIFY_IRO: "for whom you are the independent reviewing officer",
    DutyKind.NOTIFY_CP_CHAIR: "whose child protection conference you chair",
    DutyKind.NOTIFY_SOCIAL_WORKER: "for whom you are the allocated social worker",
    DutyKind.NOTIFY_EARLY_HELP: "known to your early help service",
    DutyKind.NOTIFY_HEALTH: "known to your health service",
    DutyKind.NOTIFY_YOUTH_JUSTICE: "known to your youth justice service",
    DutyKind.NOTIFY_EARLY_HELP_OF_RETURN: "known to your early help service",
    DutyKind.NOTIFY_HEALTH_OF_RETURN: "known to your health service",
    DutyKind.NOTIFY_YOUTH_JUSTICE_OF_RETURN: "known to your youth justice service",
    DutyKind.NOTIFY_SCHOOL_OF_RETURN: "on your school's roll",
}

# Notifications of a return (issue 16): the message says the child has returned, and when.
RETURN_KINDS = frozenset(
    {
        DutyKind.NOTIFY_EARLY_HELP_OF_RETURN,
        DutyKind.NOTIFY_HEALTH_OF_RETURN,
        DutyKind.NOTIFY_YOUTH_JUSTICE_OF_RETURN,
        DutyKind.NOTIFY_SCHOOL_OF_RETURN,
    }
)

# The told roles named by the child's network: the member's name and e-mail are shown on the
# duty's page beside the directory.
NETWORK_TOLD: dict[str, str] = {
    OwnerRole.IRO: NetworkRole.IRO,
    OwnerRole.CP_CHAIR: NetworkRole.CP_CHAIR,
    OwnerRole.EARLY_HELP: NetworkRole.EARLY_HELP,
    OwnerRole.HEALTH: NetworkRole.HEALTH,
    OwnerRole.YOUTH_JUSTICE: NetworkRole.YOUTH_JUSTICE,
}

SUBJECT = "{service}: a child {why} {what} ({authority})"
BODY = """\
{authority} is telling you that a child {why} {what}.

Child: {child}
Date of birth: {date_of_birth}
Last seen: {last_seen}
Reported to the police: {reported}
{returned_line}Police reference: {police_reference}

Who to contact at {authority}, the authority responsible for the child:
{contacts}

Sent by {sender} through {service}. \
This e-mail holds a child's personal data: keep it in a secure mailbox, \
do not forward it outside your organisation, and reply to the contact above.
"""


@dataclass(frozen=True)
class NetworkContact:
    """The child's IRO, conference chair, early help, health or youth justice worker as the
    network names them (not a HomeSafe user)."""

    name: str
    email: str
    organisation: Organisation


@dataclass(frozen=True)
class TellingDirectory:
    """Whom a notification tells from outside HomeSafe, and how to reach them."""

    organisation: Organisation
    contacts: list[OrganisationContact]
    network_contact: NetworkContact | None

    @property
    def sendable(self) -> list[OrganisationContact]:
        """The contacts a notification may be sent to: secure mailboxes."""
        return [c for c in self.contacts if c.email and c.email_secure]

    @property
    def phones(self) -> list[tuple[OrganisationContact, str, str]]:
        """(contact, "phone" or "out of hours", number) for every number to ring."""
        rows = []
        for c in self.contacts:
            if c.phone:
                rows.append((c, "phone", c.phone))
            if c.out_of_hours_phone:
                rows.append((c, "out of hours", c.out_of_hours_phone))
        return rows


def _contacts_first_for_missing(organisation_id: int) -> list[OrganisationContact]:
    contacts = OrganisationContact.objects.filter(organisation_id=organisation_id).select_related(
        "organisation"
    )
    return sorted(
        contacts,
        key=lambda c: (c.takes != ContactTakes.MISSING_NOTIFICATIONS, c.role.lower(), c.name),
    )


def duty_is_sendable(duty: Duty) -> bool:
    """An open notification or alert with a told party that has no HomeSafe users; an alert by
    how long the child has been missing only once it is due (as HomeSafe tells its users)."""
    return (
        duty.state == DutyState.OPEN
        and bool(duty.tells_role)
        and not duty.needs_owner
        and duty.told_organisation_id is not None
        and (duty.kind not in TELL_WHEN_DUE or duty.due_at <= timezone.now())
        and not people_told(duty)
    )


def duty_telling_directory(duty: Duty) -> TellingDirectory | None:
    """The told organisation's contacts from the directory (missing-child contacts first) and,
    for a told role the network names (IRO, conference chair, early help, health, youth
    justice), the child's network member; None if the duty is not sent
    from outside HomeSafe."""
    if not duty_is_sendable(duty):
        return None
    network_contact = None
    if duty.tells_role in NETWORK_TOLD:
        role = NETWORK_TOLD[duty.tells_role]
        member = (
            duty.child.network.filter(role=role, ended_on__isnull=True)
            .select_related("organisation")
            .first()
        )
        if member is not None and (member.contact_name or member.contact_email):
            network_contact = NetworkContact(
                member.contact_name, member.contact_email, member.organisation
            )
    return TellingDirectory(
        organisation=duty.told_organisation,
        contacts=_contacts_first_for_missing(duty.told_organisation_id),
        network_contact=network_contact,
    )


def _when(value) -> str:
    return timezone.localtime(value).strftime("%-d %B %Y at %H:%M")


def message_render(*, duty: Duty, sender: User) -> tuple[str, str]:
    """The e-mail's subject and body: only what the told party needs to act (docs/duties.md,
    "Telling from outside HomeSafe"). The subject names no child."""
    child, episode = duty.child, duty.episode
    authority = child.responsible_la
    lines = []
    for c in _contacts_first_for_missing(authority.pk):
        if c.takes != ContactTakes.MISSING_NOTIFICATIONS:
            continue
        ways = [w for w in (c.email, c.phone) if w]
        if c.out_of_hours_phone:
            ways.append(f"out of hours {c.out_of_hours_phone}")
        lines.append(f"- {c.name} ({c.role}): {', '.join(ways)}")
    sender_ways = ", ".join(w for w in (sender.email,) if w)
    sender_text = f"{sender}" + (f", {sender.job_title}" if sender.job_title else "")
    lines.append(f"- {sender_text}: {sender_ways}")
    reference = episode.police_reference or "not given yet"
    if episode.police_reference and episode.police_force_id:
        reference += f" ({episode.police_force.name})"
    values = {
        "service": settings.HOMESAFE_SERVICE_NAME,
        "authority": authority.name,
        "why": WHY_TOLD.get(duty.kind, "known to you"),
        "what": (
            "has returned after being reported missing"
            if duty.kind in RETURN_KINDS
            else "has been reported missing"
        ),
        "returned_line": (
            f"Returned: {_when(episode.returned_at)}\n"
            if duty.kind in RETURN_KINDS and episode.returned_at
            else ""
        ),
        "child": child.full_name,
        "date_of_birth": child.date_of_birth.strftime("%-d %B %Y"),
        "last_seen": _when(episode.last_seen_at),
        "reported": _when(episode.reported_at),
        "police_reference": reference,
        "contacts": "\n".join(lines[:3]),
        "sender": f"{sender_text}, {sender.organisation}" if sender.organisation else sender_text,
    }
    return SUBJECT.format(**values), BODY.format(**values)


def notify_configured() -> bool:
    return bool(getattr(settings, "HOMESAFE_NOTIFY_API_KEY", ""))


# -- sending ------------------------------------------------------------------------------


@use_case
def _reserve(*, duty: Duty, contact: OrganisationContact, token: str, actor: User):
    """Step 1: the message row in state "sending", or (a second submission of the same form)
    the row that submission wrote, with nothing to send."""
    existing = OutboundMessage.objects.filter(token=token).first()
    if existing is not None:
        if existing.duty_id != duty.pk:
            raise ValidationError({"contact": TOKEN_OTHER_DUTY})
        return existing, False
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if not duty_is_sendable(duty):
        raise ApplicationError(NOT_SENDABLE, code="not_sendable")
    if not (
        contact.organisation_id == duty.told_organisation_id
        and contact.email
        and contact.email_secure
    ):
        raise ValidationError(
            {"contact": CONTACT_NOT_SECURE.format(organisation=duty.told_organisation.name)}
        )
    now = timezone.now()
    OutboundMessage.objects.filter(
        duty=duty, state=MessageState.SENDING, created_at__lt=now - SENDING_STALE_AFTER
    ).update(state=MessageState.FAILED, failure=STALE_FAILURE)
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                duty=duty,
                contact=contact,
                to_address=contact.email,
                to_label=f"{contact.name} at {contact.organisation.name}"[:300],
                channel=MessageChannel.NOTIFY if notify_configured() else MessageChannel.EMAIL,
                token=token,
                sent_by=actor,
                created_at=now,
            )
    except IntegrityError:
        existing = OutboundMessage.objects.filter(token=token, duty=duty).first()
        if existing is not None:
            return existing, False
        raise ApplicationError(ALREADY_SENDING, code="already_sending") from None
    return message, True


def _deliver_email(message: OutboundMessage, subject: str, body: str) -> str:
    from django.core.mail.utils import DNS_NAME

    message_id = make_msgid(domain=str(DNS_NAME))
    EmailMessage(subject, body, to=[message.to_address], headers={"Message-ID": message_id}).send()
    return message_id


def _deliver_notify(message: OutboundMessage, subject: str, body: str) -> str:
    """Through GOV.UK Notify's official client. The Notify template is "((subject))" and
    "((body))" (docs/deployment.md), so HomeSafe's one template is what is sent either way."""
    from notifications_python_client.notifications import NotificationsAPIClient

    kwargs = {}
    if settings.HOMESAFE_NOTIFY_BASE_URL:
        kwargs["base_url"] = settings.HOMESAFE_NOTIFY_BASE_URL
    client = NotificationsAPIClient(settings.HOMESAFE_NOTIFY_API_KEY, timeout=20, **kwargs)
    answer = client.send_email_notification(
        email_address=message.to_address,
        template_id=settings.HOMESAFE_NOTIFY_TEMPLATE_ID,
        personalisation={"subject": subject, "body": body},
        reference=f"homesafe-message-{message.pk}",
    )
    return str((answer or {}).get("id", ""))


def _deliver(message: OutboundMessage, subject: str, body: str) -> tuple[str, str]:
    """Step 2: send; (provider reference, "") or ("", what failed)."""
    from notifications_python_client.errors import APIError

    try:
        if message.channel == MessageChannel.NOTIFY:
            return _deliver_notify(message, subject, body), ""
        return _deliver_email(message, subject, body), ""
    except APIError as error:
        logger.warning("notification message %s: GOV.UK Notify refused it", message.pk)
        return "", f"GOV.UK Notify: {error}"[:500]
    except (smtplib.SMTPException, OSError) as error:
        # OSError: the mail server could not be reached (refused, timed out, no route).
        logger.warning("notification message %s: the e-mail server refused it", message.pk)
        return "", f"{type(error).__name__}: {error}"[:500]


@use_case
def _record(*, message: OutboundMessage, reference: str, failure: str, actor: User):
    """Step 3: sent (the duty done) or failed (the duty stays open)."""
    now = timezone.now()
    duty = Duty.objects.select_for_update().get(pk=message.duty_id)
    if failure:
        message.state, message.failure = MessageState.FAILED, failure
        message.save(update_fields=["state", "failure"])
        DutyEvent.objects.create(
            duty=duty,
            kind=DutyEventKind.SEND_FAILED,
            actor=actor,
            detail=f"To {message.to_label}: {failure}"[:500],
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.DUTY_MESSAGE_FAILED,
            target=duty,
            payload={"kind": duty.kind, "message_id": message.pk, "channel": message.channel},
        )
        return message
    message.state, message.sent_at, message.provider_reference = (
        MessageState.SENT,
        now,
        reference[:200],
    )
    message.save(update_fields=["state", "sent_at", "provider_reference"])
    note = f"Sent to {message.to_label}"[:500]
    if duty.state == DutyState.OPEN:
        duty.state, duty.closed_at, duty.closed_by, duty.told_at = DutyState.DONE, now, actor, now
        duty.closing_note = note
        duty.save(update_fields=["state", "closed_at", "closed_by", "told_at", "closing_note"])
    DutyEvent.objects.create(duty=duty, kind=DutyEventKind.SENT, actor=actor, detail=note)
    audit_record(
        actor=actor,
        verb=AuditVerb.DUTY_MESSAGE_SENT,
        target=duty,
        payload={"kind": duty.kind, "message_id": message.pk, "channel": message.channel},
    )
    facts_changed(child_id=duty.child_id)
    return message


def duty_send(
    *, duty: Duty, contact: OrganisationContact | None, token: str, actor: User
) -> OutboundMessage:
    """Send a notification to a secure mailbox of the told organisation's directory and record
    the attempt. Returns the message: state SENT (the duty is done) or FAILED (the duty stays
    open; `SEND_FAILED` says why). A second call with the same token sends nothing and returns
    the first call's message. Not to be called inside a transaction: the e-mail goes out
    between two."""
    if contact is None:
        raise ValidationError({"contact": CONTACT_MISSING})
    message, fresh = _reserve(duty=duty, contact=contact, token=token, actor=actor)
    if not fresh:
        return message
    subject, body = message_render(
        duty=Duty.objects.select_related("child__responsible_la", "episode__police_force").get(
            pk=duty.pk
        ),
        sender=actor,
    )
    reference, failure = _deliver(message, subject, body)
    return _record(message=message, reference=reference, failure=failure, actor=actor)


@use_case
def duty_record_told(*, duty: Duty, note: str, actor: User) -> Duty:
    """The owner told the told party another way (by phone, say): the note says whom, how and
    when; the duty is done with `told_at` set."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": TOLD_NOTE_MISSING})
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if duty.state != DutyState.OPEN or not duty.tells_role:
        raise ApplicationError(NOT_SENDABLE, code="not_sendable")
    now = timezone.now()
    duty.state, duty.closed_at, duty.closed_by, duty.told_at = DutyState.DONE, now, actor, now
    duty.closing_note = f"Told outside HomeSafe: {note}"[:500]
    duty.save(update_fields=["state", "closed_at", "closed_by", "told_at", "closing_note"])
    DutyEvent.objects.create(
        duty=duty, kind=DutyEventKind.TOLD_ANOTHER_WAY, actor=actor, detail=note[:500]
    )
    audit_record(
        actor=actor, verb=AuditVerb.DUTY_TOLD_ANOTHER_WAY, target=duty, payload={"kind": duty.kind}
    )
    facts_changed(child_id=duty.child_id)
    return duty
