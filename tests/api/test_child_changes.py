"""Issue 12 point 6 through the API: a change to a child's details names the version it was
made on (If-Match: the ETag of the client's read); a stale one is refused with 412 naming the
fields changed meanwhile, and one without a version with 428."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from homesafe.access.models import AuditEntry


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.users["cmo_a"])
    return client


def test_read_gives_the_version_and_a_change_on_it_is_saved(world, api):
    child = world.children["a_team1"]
    url = reverse("api:child", args=[child.pk])
    etag = api.get(url)["ETag"]
    response = api.patch(url, {"last_name": "Moss"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response.json()["last_name"] == "Moss"
    assert response["ETag"] != etag
    entry = AuditEntry.objects.filter(verb="child.updated").get()
    assert entry.payload["fields"] == ["last_name"]


def test_a_change_on_an_old_version_is_refused_naming_the_fields(world, api):
    child = world.children["a_team1"]
    url = reverse("api:child", args=[child.pk])
    etag = api.get(url)["ETag"]
    assert (
        api.patch(url, {"last_name": "Moss"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    )
    other = APIClient()
    other.force_authenticate(world.users["sw_1"])
    response = other.patch(url, {"first_name": "Jo"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["code"] == "stale_edit"
    assert response.json()["changed"] == ["last_name"]
    child.refresh_from_db()
    assert (child.first_name, child.last_name) != ("Jo", "Moss")
    assert child.last_name == "Moss"
    again = other.patch(url, {"first_name": "Jo"}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert again.status_code == 200


def test_a_change_without_a_version_or_by_a_reader_is_refused(world, api):
    child = world.children["a_team1"]
    url = reverse("api:child", args=[child.pk])
    response = api.patch(url, {"last_name": "Moss"}, format="json")
    assert response.status_code == 428
    assert response.json()["code"] == "version_required"
    reader = APIClient()
    reader.force_authenticate(world.users["sw_1b"])  # a team-mate reads, does not change
    etag = reader.get(url)["ETag"]
    denied = reader.patch(url, {"last_name": "X"}, format="json", HTTP_IF_MATCH=etag)
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
    invalid = api.patch(url, {"sex": "X"}, format="json", HTTP_IF_MATCH=etag)
    assert invalid.status_code == 400 and "sex" in invalid.json()["errors"]
    child.refresh_from_db()
    assert child.last_name != "Moss"
