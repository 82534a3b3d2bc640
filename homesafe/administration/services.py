"""Inviting people: an administrator adds a user, who gets an e-mail with a single-use,
expiring link to set a password (then signs in and sets up two-factor sign-in).

Only a SHA-256 hash of the link's token is stored; the token is in the e-mail alone.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, Team, User
from homesafe.access.services import user_create
from homesafe.administration.models import Invitation
from homesafe.use_cases import use_case

INVITATION_VALID_FOR = timedelta(days=7)
INVITATION_NOT_USABLE = (
    "This link has expired or has already been used. Ask your administrator for a new one."
)
PASSWORDS_DIFFER = "Enter the same password twice"
EMAIL_TAKEN = "A user with this e-mail address already exists."
ALREADY_SIGNED_UP = "This user has already set a password: they sign in as usual."
INVITATION_SUBJECT = "You have been invited to {service}"
INVITATION_BODY = """\
An administrator has given you an account on {service}.

Set your password here (the link works once, until {expires}):
{link}

Then sign in with your e-mail address and that password, and set up an authenticator app for
two-factor sign-in.

If you did not expect this e-mail, you can ignore it.
"""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return settings.HOMESAFE_BASE_URL + reverse("administration:invitation_accept", args=[token])


def _invitation_send(*, user: User, actor: User | None) -> str:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        user=user,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
        invited_by=actor,
    )
    audit_record(
        actor=actor or user,  # no actor: the command line's first administrator
        verb=AuditVerb.USER_INVITED,
        target=user,
        payload={"invitation_id": invitation.pk},
    )
    service = settings.HOMESAFE_SERVICE_NAME
    message = EmailMessage(
        subject=INVITATION_SUBJECT.format(service=service),
        body=INVITATION_BODY.format(
            service=service,
            link=invitation_link(token),
            expires=timezone.localtime(invitation.expires_at).strftime("%-d %B %Y at %H:%M"),
        ),
        to=[user.email],
    )
    transaction.on_commit(message.send)
    return token


@use_case
def user_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    roles: list[str],
    actor: User | None,
    team: Team | None = None,
    job_title: str = "",
) -> tuple[User, str]:
    """Add a user with no password yet and e-mail them a sign-up link. Returns the user and the
    link's token (the page never shows it; `homesafe invite_administrator` prints it). `actor`
    is None only for that command."""
    if User.objects.filter(email__iexact=email.strip()).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    user = user_create(
        email=email.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation=organisation,
        roles=roles,
        team=team,
        job_title=job_title.strip(),
        actor=actor,
    )
    return user, _invitation_send(user=user, actor=actor)


@use_case
def user_invite_again(*, user: User, actor: User) -> str:
    """A new link for someone whose invitation expired or was lost; earlier links stop working."""
    if user.has_usable_password():
        raise ApplicationError(ALREADY_SIGNED_UP, code="already_signed_up")
    now = timezone.now()
    Invitation.objects.filter(user=user, accepted_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    return _invitation_send(user=user, actor=actor)


def invitation_get_usable(*, token: str) -> Invitation:
    """The invitation this token opens, if it is unused and unexpired and its user active."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if (
        invitation is None
        or not invitation.is_usable(now=timezone.now())
        or not invitation.user.is_active
    ):
        raise ApplicationError(INVITATION_NOT_USABLE, code="invitation_not_usable")
    return invitation


@use_case
def invitation_accept(*, token: str, new_password1: str, new_password2: str) -> User:
    """Set the invited user's password; the link then stops working."""
    invitation = invitation_get_usable(token=token)
    # Lock the row: two tabs submitting at once set the password once.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ApplicationError(INVITATION_NOT_USABLE, code="invitation_not_usable")
    user = invitation.user
    if new_password1 != new_password2:
        raise ValidationError({"new_password2": PASSWORDS_DIFFER})
    try:
        validate_password(new_password1, user=user)
    except ValidationError as error:
        raise ValidationError({"new_password1": error.messages}) from None
    user.set_password(new_password1)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        actor=user,
        verb=AuditVerb.USER_INVITATION_ACCEPTED,
        target=user,
        payload={"invitation_id": invitation.pk},
    )
    return user
