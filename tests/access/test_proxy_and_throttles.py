"""Issue 12 point 9: behind the documented proxy, lockouts and API throttles key on the
client's address (X-Forwarded-For, honoured only from HOMESAFE_TRUSTED_PROXIES); the API
slows bad keys and throttles each key and person with its JSON error; answers with children's
data carry Cache-Control: no-store."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from homesafe.access.choices import Role
from homesafe.access.client_ip import client_ip
from homesafe.intake.models import PoliceApiKey
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def _ip(settings, remote, forwarded=None, trusted=(PROXY,)):
    settings.HOMESAFE_TRUSTED_PROXIES = list(trusted)
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_client_address_honours_only_trusted_proxies(settings):
    assert _ip(settings, PROXY, "203.0.113.7") == "203.0.113.7"
    # A client's own forged entry is left of the one the proxy added: the proxy's is used.
    assert _ip(settings, PROXY, "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    # Through two trusted proxies (a network), still the client.
    assert _ip(settings, PROXY, "203.0.113.7, 10.0.0.9", trusted=["10.0.0.0/24"]) == ("203.0.113.7")
    # Not from a trusted proxy: X-Forwarded-For is the client's word and is ignored.
    assert _ip(settings, "192.0.2.50", "203.0.113.7") == "192.0.2.50"
    assert _ip(settings, PROXY, "203.0.113.7", trusted=()) == PROXY  # none configured
    assert _ip(settings, PROXY, "not-an-address") == PROXY


@pytest.fixture
def cmo(db):
    return UserFactory(organisation=OrganisationFactory(), roles=[Role.MISSING_COORDINATOR])


def _sign_in(client, email, password, address):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_bad_passwords_behind_the_proxy_lock_out_only_their_address(client, cmo, settings):
    settings.HOMESAFE_TRUSTED_PROXIES = [PROXY]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, cmo.email, "wrong-password", "203.0.113.66")
    assert _sign_in(client, cmo.email, PASSWORD, "203.0.113.66").status_code == 429
    # The same user from another address, through the same proxy, still signs in.
    response = _sign_in(client, cmo.email, PASSWORD, "198.51.100.10")
    assert response.status_code == 302


def test_sign_in_rate_limit_counts_each_client_behind_the_proxy_with_the_service_s_page(
    client, cmo, settings
):
    """allauth's limit on sign-ins counts the client's address, not the proxy's: one busy
    office is slowed, everyone else still signs in; the refusal is HomeSafe's own page."""
    settings.HOMESAFE_TRUSTED_PROXIES = [PROXY]
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}
    busy = [_sign_in(client, cmo.email, PASSWORD, "203.0.113.80") for _ in range(3)]
    assert [r.status_code for r in busy] == [302, 302, 429]
    refused = busy[-1]
    page = refused.content.decode()
    assert "Too many attempts" in page and "Wait a few minutes" in page
    assert "govuk-generic-header" in page and "govuk-footer" in page  # the service's, not bare
    assert _sign_in(client, cmo.email, PASSWORD, "198.51.100.80").status_code == 302


@pytest.fixture
def key(db):
    _, key = PoliceApiKey.objects.create_key(
        name="Force system", organisation=OrganisationFactory(type="police", code="FX")
    )
    return key


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": None, "bad_key": None, **rates},
    }


def _post_event(client, key, address="203.0.113.7"):
    return client.post(
        reverse("api:event_sighting"),
        {},
        content_type="application/json",
        headers={"Authorization": f"Api-Key {key}"},
        REMOTE_ADDR=address,
    )


def test_bad_keys_from_one_address_are_slowed_down(client, key, settings):
    _rates(settings, bad_key="3/minute")
    answers = [_post_event(client, "nope.nope").status_code for _ in range(5)]
    assert answers == [401, 401, 401, 429, 429]
    refused = _post_event(client, "nope.nope")
    assert refused.json()["code"] == "throttled" and int(refused["Retry-After"]) > 0
    assert _post_event(client, key).status_code == 429  # even a good key, from that address
    assert _post_event(client, key, address="198.51.100.2").status_code == 400  # another: heard


def test_each_key_and_person_is_throttled(client, key, settings):
    _rates(settings, client="2/minute")
    assert [_post_event(client, key).status_code for _ in range(3)] == [400, 400, 429]
    user = UserFactory(organisation=OrganisationFactory(), roles=[Role.MISSING_COORDINATOR])
    client.force_login(user)
    answers = [client.get(reverse("api:children")).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert client.get(reverse("api:children")).json()["code"] == "throttled"


def test_pages_and_api_answers_with_children_are_not_stored(world, client):
    child = world.children["a_team1"]
    client.force_login(world.users["cmo_a"])
    for url in (
        reverse("web:home"),
        reverse("people:child", args=[child.pk]),
        reverse("api:children"),
        reverse("api:child", args=[child.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    client.logout()
    assert "no-store" in client.get(reverse("api:children"))["Cache-Control"]  # 403 too
