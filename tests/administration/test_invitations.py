"""Inviting a user: an e-mail whose link (at HOMESAFE_BASE_URL) sets a password once, within
7 days; then the person signs in and must set up two-factor sign-in."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import AuditVerb, Role
from homesafe.access.models import AuditEntry, User
from homesafe.administration.services import (
    INVITATION_VALID_FOR,
    invitation_link,
    user_invite,
    user_invite_again,
)

NEW_PASSWORD = "lantern-orchard-pebble-42"


@pytest.fixture
def base_url(settings):
    settings.HOMESAFE_BASE_URL = "https://homesafe.example.org"
    return settings.HOMESAFE_BASE_URL


def _invite_by_page(client, world, django_capture_on_commit_callbacks, **overrides):
    client.force_login(world.users["admin"])
    data = {
        "email": "new.worker@la-a.example.org",
        "first_name": "Robin",
        "last_name": "Newman",
        "organisation": world.orgs["la_a"].pk,
        "roles": [Role.SOCIAL_WORKER],
        **overrides,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("administration:user_invite"), data)
    client.logout()
    return response


def _token_from_mail(base_url: str) -> str:
    body = mail.outbox[-1].body
    match = re.search(re.escape(base_url) + r"/administration/invitation/([\w-]+)/", body)
    assert match, body
    return match[1]


def test_inviting_sends_a_link_at_the_base_url_and_audits(
    world, client, base_url, django_capture_on_commit_callbacks
):
    response = _invite_by_page(client, world, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    user = User.objects.get(email="new.worker@la-a.example.org")
    assert not user.has_usable_password()
    assert user.roles == {Role.SOCIAL_WORKER}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    token = _token_from_mail(base_url)
    assert len(token) >= 40
    verbs = set(
        AuditEntry.objects.filter(
            target_type="access.user", target_id=str(user.pk), actor=world.users["admin"]
        ).values_list("verb", flat=True)
    )
    assert verbs == {AuditVerb.USER_CREATED, AuditVerb.USER_INVITED}
    # Only the token's hash is stored.
    assert not AuditEntry.objects.filter(payload__icontains=token).exists()
    assert token not in str(list(user.invitations.values()))


def test_an_address_already_in_use_is_refused_on_the_field(
    world, client, django_capture_on_commit_callbacks
):
    response = _invite_by_page(
        client, world, django_capture_on_commit_callbacks, email=world.users["cmo_a"].email
    )
    body = response.content.decode()
    assert response.status_code == 400 and 'href="#id_email"' in body
    assert "already exists" in body
    assert mail.outbox == []


def test_the_link_sets_a_password_once(world, client, base_url):
    user, token = user_invite(
        email="a@la-a.example.org",
        first_name="Ash",
        last_name="Able",
        organisation=world.orgs["la_a"],
        roles=[Role.SOCIAL_WORKER],
        actor=world.users["admin"],
    )
    assert invitation_link(token).startswith(base_url + "/administration/invitation/")
    url = reverse("administration:invitation_accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and user.email in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"  # the token stays on this site
    # Errors name the field and set nothing.
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": "different"})
    assert 'href="#id_new_password2"' in response.content.decode()
    response = client.post(url, {"new_password1": "short", "new_password2": "short"})
    assert 'href="#id_new_password1"' in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()
    # The right password, twice.
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.verb, entry.actor_id, entry.target_id) == (
        AuditVerb.USER_INVITATION_ACCEPTED,
        user.pk,
        str(user.pk),
    )
    # Single use: the link no longer works, and cannot set another password.
    again = client.post(url, {"new_password1": "x" * 20 + "Q1", "new_password2": "x" * 20 + "Q1"})
    assert again.status_code == 404 and "This link does not work" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_link_expires(world, client):
    _, token = user_invite(
        email="b@la-a.example.org",
        first_name="Bo",
        last_name="Bee",
        organisation=world.orgs["la_a"],
        roles=[Role.SOCIAL_WORKER],
        actor=world.users["admin"],
    )
    url = reverse("administration:invitation_accept", args=[token])
    later = timezone.now() + INVITATION_VALID_FOR - dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(later + dt.timedelta(minutes=2), tick=False):
        response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert response.status_code == 404
    assert not User.objects.get(email="b@la-a.example.org").has_usable_password()


def test_an_unknown_token_opens_nothing(client, db):
    response = client.get(reverse("administration:invitation_accept", args=["x" * 43]))
    assert response.status_code == 404


def test_a_new_link_replaces_the_old_one(world, client):
    user, old = user_invite(
        email="c@la-a.example.org",
        first_name="Cy",
        last_name="Sea",
        organisation=world.orgs["la_a"],
        roles=[Role.SOCIAL_WORKER],
        actor=world.users["admin"],
    )
    new = user_invite_again(user=user, actor=world.users["admin"])
    assert client.get(reverse("administration:invitation_accept", args=[old])).status_code == 404
    assert client.get(reverse("administration:invitation_accept", args=[new])).status_code == 200


def test_a_deactivated_users_link_does_not_work(world, client):
    from homesafe.access.services_users import user_deactivate

    user, token = user_invite(
        email="d@la-a.example.org",
        first_name="Di",
        last_name="Dee",
        organisation=world.orgs["la_a"],
        roles=[Role.SOCIAL_WORKER],
        actor=world.users["admin"],
    )
    user_deactivate(user=user, actor=world.users["admin"])
    assert client.get(reverse("administration:invitation_accept", args=[token])).status_code == 404


def test_after_setting_a_password_the_person_must_set_up_two_factor(world, client):
    user, token = user_invite(
        email="e@la-a.example.org",
        first_name="Em",
        last_name="Ee",
        organisation=world.orgs["la_a"],
        roles=[Role.SOCIAL_WORKER],
        actor=world.users["admin"],
    )
    client.post(
        reverse("administration:invitation_accept", args=[token]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    client.post(reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD})
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_the_first_administrator_is_invited_from_the_command_line(world, client):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command(
        "invite_administrator", "first.admin@la-a.example.org", organisation="901", stdout=out
    )
    user = User.objects.get(email="first.admin@la-a.example.org")
    assert user.roles == {Role.ADMINISTRATOR}
    token = out.getvalue().strip().rsplit("/", 2)[-2]
    assert client.get(reverse("administration:invitation_accept", args=[token])).status_code == 200
    assert AuditEntry.objects.filter(
        verb=AuditVerb.USER_INVITED, actor=user, target_id=str(user.pk)
    ).exists()
    with pytest.raises(CommandError, match="No organisation has the code"):
        call_command("invite_administrator", "x@example.org", organisation="NOPE")
