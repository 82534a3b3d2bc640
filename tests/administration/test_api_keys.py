"""Police API keys on the administration pages: the key is shown once, on the page that creates
it; the list shows prefixes only; a revoked key is refused by the API."""

import re

from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.intake.models import PoliceApiKey


def _found_event(client, key: str):
    body = {
        "force": "FA",
        "police_reference": "FA-404",
        "event_id": "found-1",
        "occurred_at": timezone.now().isoformat(),
    }
    return client.post(
        reverse("api:event_found"),
        body,
        content_type="application/json",
        headers={"Authorization": f"Api-Key {key}"},
    )


def test_a_key_is_shown_once_then_only_its_prefix_and_revoking_it_closes_the_api(world, client):
    admin = world.users["admin"]
    client.force_login(admin)
    response = client.post(
        reverse("administration:api_key_add"),
        {"organisation": world.orgs["force_a"].pk, "name": "Niche production"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Copy the new key now" in body
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    key = re.search(r'id="api-key">([^<]+)<', body)[1]
    api_key = PoliceApiKey.objects.get(name="Niche production")
    assert key.startswith(api_key.prefix + ".") and key != api_key.prefix
    assert api_key.organisation == world.orgs["force_a"]

    # The key works on the API (the event is about a reference HomeSafe does not know: 2xx or
    # a 4xx naming the reference, but not an authentication failure).
    client.logout()
    assert _found_event(client, key).status_code not in (401, 403)

    # Afterwards: listed by prefix, never the key itself, not even on the key's pages.
    client.force_login(admin)
    listing = client.get(reverse("administration:api_keys")).content.decode()
    assert api_key.prefix in listing and key not in listing
    revoke_page = client.get(reverse("administration:api_key_revoke", args=[api_key.prefix]))
    assert key not in revoke_page.content.decode()

    # Revoked through the page: the API refuses the key from then on.
    response = client.post(reverse("administration:api_key_revoke", args=[api_key.prefix]))
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked
    assert AuditEntry.objects.filter(
        verb=AuditVerb.API_KEY_REVOKED, actor=admin, target_id=api_key.prefix
    ).exists()
    client.logout()
    refused = _found_event(client, key)
    assert refused.status_code in (401, 403)
    assert refused.json()["code"] == "key_invalid"


def test_the_create_form_names_the_fields_in_error(world, client):
    client.force_login(world.users["admin"])
    response = client.post(reverse("administration:api_key_add"), {})
    body = response.content.decode()
    assert 'href="#id_organisation"' in body and 'href="#id_name"' in body
    assert not PoliceApiKey.objects.exists()
    # A local authority is not offered: only police forces have keys.
    response = client.post(
        reverse("administration:api_key_add"),
        {"organisation": world.orgs["la_a"].pk, "name": "X"},
    )
    assert 'href="#id_organisation"' in response.content.decode()
    assert not PoliceApiKey.objects.exists()
