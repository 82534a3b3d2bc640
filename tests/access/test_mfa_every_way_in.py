"""Issue 12 point 2: the second factor on every way in. A session counts as signed in only if
it passed the second factor (allauth's TOTP stage, or setting up the authenticator in that
session); a password alone (Django's own login, as `/admin/login/` did) is signed out. Django's
admin is not served unless HOMESAFE_DJANGO_ADMIN is on, and then only behind allauth's sign-in,
read-only for the access models."""

import importlib

import pytest
from django.test import RequestFactory
from django.urls import clear_url_caches, reverse

from homesafe.access.choices import Role
from homesafe.access.middleware import MFA_REQUIRED_CODE
from tests.access.test_signin import totp_now
from tests.factories import PASSWORD, UserFactory


def _reload_urls():
    import homesafe.urls

    importlib.reload(homesafe.urls)
    clear_url_caches()


def _password_login(client, user) -> bool:
    """Django's own sign-in with e-mail and password (what the admin's login form did)."""
    return client.login(request=RequestFactory().post("/"), email=user.email, password=PASSWORD)


@pytest.fixture
def django_admin_on(settings):
    settings.HOMESAFE_DJANGO_ADMIN = True
    _reload_urls()
    yield
    settings.HOMESAFE_DJANGO_ADMIN = False
    _reload_urls()


@pytest.fixture
def staff(db):
    """An administrator who is also Django staff and superuser, with TOTP set up."""
    return UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True)


def test_django_admin_is_not_served_by_default(client, staff):
    assert client.get("/admin/login/").status_code == 404
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 404
    assert client.get(reverse("administration:index")).status_code == 302  # not signed in


def test_admin_login_with_the_password_alone_is_refused(client, staff, django_admin_on):
    """The probe's hole: POST /admin/login/ with the password signed a TOTP user in."""
    response = client.post(
        "/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    # Django's password form is not there: allauth's sign-in is, which then asks for the code.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get("/admin/access/user/").status_code == 302


def test_a_session_signed_in_with_the_password_alone_is_signed_out(client, staff, world):
    """Whatever signs a session in without the second factor (here Django's own `login()` with
    the password, as the admin's form did), the next request signs it out."""
    assert _password_login(client, staff)
    response = client.get(reverse("administration:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    # The API answers in JSON, and the session is gone there too.
    _password_login(client, staff)
    child = world.children["a_team1"]
    response = client.get(reverse("api:child", args=[child.pk]))
    assert response.status_code == 403 and response.json()["code"] == MFA_REQUIRED_CODE
    assert client.get(reverse("api:children")).status_code in (401, 403)


def test_password_then_code_passes_and_reaches_the_admin_when_it_is_on(
    client, staff, django_admin_on
):
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response["Location"].startswith(reverse("account_login"))
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302  # still at the code stage
    client.post(reverse("mfa_authenticate"), {"code": totp_now(staff.totp_secret)})
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("administration:index")).status_code == 200


def test_the_admin_cannot_change_roles_teams_organisations_grants_or_keys(
    client, staff, world, django_admin_on
):
    """Changes go through the audited services; the admin shows them read-only."""
    client.force_login(staff)  # password and code (tests/signin.py)
    sw = world.users["sw_1"]
    for url in [
        f"/admin/access/user/{sw.pk}/change/",
        f"/admin/access/organisation/{world.orgs['la_a'].pk}/change/",
        f"/admin/access/team/{sw.team_id}/change/",
    ]:
        page = client.get(url)
        assert page.status_code == 200 and b'name="_save"' not in page.content, url
        response = client.post(url, {"is_active": "on", "name": "Changed"})
        assert response.status_code == 403, url
    for url in [
        "/admin/access/userrole/add/",
        "/admin/access/caseaccessgrant/add/",
        "/admin/access/organisation/add/",
        "/admin/intake/policeapikey/add/",
    ]:
        assert client.post(url, {}).status_code in (403, 404), url
    sw.refresh_from_db()
    assert sw.is_active and world.orgs["la_a"].name != "Changed"


def test_the_admins_audit_pages_show_ids_not_childrens_facts(client, staff, world, django_admin_on):
    from homesafe.people.queries import child_get_for_user_or_404

    child = world.children["a_unallocated"]
    child_get_for_user_or_404(user=world.users["cmo_a"], child_id=child.pk)
    client.force_login(staff)
    for url in ["/admin/access/auditentry/", "/admin/access/caseaccessgrant/"]:
        body = client.get(url).content.decode()
        assert child.first_name not in body and child.last_name not in body, url
    grant = world.users["auditor"].case_grants.first()
    body = client.get(f"/admin/access/caseaccessgrant/{grant.pk}/change/").content.decode()
    assert str(grant.child_id) in body and child.first_name not in body


def test_setting_up_the_authenticator_in_this_session_counts_as_the_second_factor(client, db):
    """A new user (or one whose two-factor was reset) signs in with the password and must set
    up an authenticator before anything else; doing so passes the stage for this session."""
    user = UserFactory(roles=[Role.MISSING_COORDINATOR], mfa=False)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("mfa_activate_totp"))
    # An authenticator made before this session's sign-in (not by it) does not count.
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from homesafe.access.middleware import session_passed_mfa

    class Request:
        pass

    request = Request()
    request.session, request.user = client.session, user
    assert not session_passed_mfa(request)
    TOTP.activate(user, generate_totp_secret())
    assert session_passed_mfa(request)  # made after the password: this session set it up
