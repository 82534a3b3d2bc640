"""Sign-in: e-mail and password, then a TOTP code; MFA required of everyone outside the demo;
lockout after repeated failures; sessions that time out; no self sign-up."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.urls import reverse

from homesafe.access.choices import Role
from tests.clock import totp_code
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

totp_now = totp_code  # the name tests used before tests/clock.py


@pytest.fixture
def cmo(db):
    return UserFactory(organisation=OrganisationFactory(), roles=[Role.MISSING_COORDINATOR])


def _sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_password_then_totp_code_signs_in(client, cmo):
    response = _sign_in(client, cmo.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in yet: the home page still sends to sign-in.
    assert client.get(reverse("web:home")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(cmo.totp_secret)})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_wrong_totp_code_is_refused_with_a_field_error(client, cmo):
    _sign_in(client, cmo.email)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b'href="#id_code"' in response.content
    assert client.get(reverse("web:home")).status_code == 302


def test_wrong_password_shows_a_govuk_error_summary(client, cmo):
    response = _sign_in(client, cmo.email, "not-the-password")
    assert response.status_code == 200
    assert b"There is a problem" in response.content


def test_a_user_without_totp_must_set_it_up_before_any_page(client, db):
    user = UserFactory(roles=[Role.MISSING_COORDINATOR], mfa=False)
    _sign_in(client, user.email)
    assert settings.HOMESAFE_MFA_REQUIRED
    response = client.get(reverse("people:search"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password again before a change to sign-in security.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_setting_up_totp_then_reaching_pages(client, db):
    user = UserFactory(roles=[Role.MISSING_COORDINATOR], mfa=False)
    _sign_in(client, user.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = re.search(rb'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content)[
        1
    ].decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("people:search")).status_code == 200


def test_demo_relaxes_mfa_with_a_visible_banner(client, db, settings):
    settings.HOMESAFE_MFA_REQUIRED = False
    settings.DEMO = True
    user = UserFactory(roles=[Role.MISSING_COORDINATOR], mfa=False)
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert b"Two-factor sign-in is optional in the demo" in response.content


def test_lockout_after_repeated_failures(client, cmo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, cmo.email, "wrong-password")
    response = _sign_in(client, cmo.email)  # even the right password is refused now
    assert response.status_code == 429
    assert b"Too many attempts" in response.content


def test_no_self_sign_up(client, db):
    response = client.get(reverse("account_signup"))
    assert b"You cannot create an account" in response.content
    assert b"password" not in response.content
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "x" * 20, "password2": "x" * 20},
    )
    from homesafe.access.models import User

    assert not User.objects.filter(email="new@example.org").exists()


def test_sessions_time_out_after_inactivity():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Activity keeps the session going through SessionActivityMiddleware (tests/web/test_session.py)
    assert "homesafe.web.middleware.SessionActivityMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_sign_out(client, cmo):
    client.force_login(cmo)
    assert client.get(reverse("web:home")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("web:home")).status_code == 302


def test_inactive_user_cannot_sign_in(client, db):
    user = UserFactory(roles=[Role.MISSING_COORDINATOR], is_active=False)
    response = _sign_in(client, user.email)
    assert client.get(reverse("web:home")).status_code == 302
    assert response.status_code in (200, 302)
