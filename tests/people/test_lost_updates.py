"""Issue 12 point 6: two people change a child's details at once. The second save, made on
the version both saw, is refused naming the fields the first changed (it used to revert them
silently); saved again on the current version it keeps both changes, and each audit entry
names only the fields its person changed."""

import re

import pytest
from django.urls import reverse

from homesafe.access.edits import STALE_EDIT, StaleEdit, edit_changed_since, edit_version
from homesafe.access.models import AuditEntry
from homesafe.people.services import child_details, child_details_version, child_update
from homesafe.web.edits import STALE_FIELD


def _form_data(client, url) -> dict:
    """What the page's form sends back unchanged: every input's value, the version included."""
    body = client.get(url).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", body):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if 'type="radio"' in tag and "checked" not in tag:
            continue
        data[name.group(1)] = value.group(1) if value else ""
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)"\s+selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_version_names_the_fields_changed_since():
    seen = {"first_name": "Ria", "last_name": "Stone", "school": 3}
    version = edit_version(seen)
    assert edit_changed_since(version, seen) == []
    assert edit_changed_since(version, {**seen, "last_name": "Moss", "school": 4}) == [
        "last_name",
        "school",
    ]
    assert "Stone" not in version  # keyed hashes, not the values
    assert edit_changed_since("", seen) == ["first_name", "last_name", "school"]


def test_service_refuses_a_save_on_an_old_version_and_names_what_changed(world):
    child = world.children["a_team1"]
    seen = child_details_version(child)
    child_update(child=child, actor=world.users["cmo_a"], last_name="Moss", version=seen)
    with pytest.raises(StaleEdit) as refused:
        child_update(child=child, actor=world.users["sw_1"], first_language="Welsh", version=seen)
    assert refused.value.fields == ["last_name"]
    assert refused.value.current["last_name"] == "Moss"
    child.refresh_from_db()
    assert (child.last_name, child.first_language) == ("Moss", "")
    assert AuditEntry.objects.filter(verb="child.updated").count() == 1


def test_second_person_is_shown_what_changed_and_saves_on_top(world, client):
    child = world.children["a_team1"]
    url = reverse("people:edit", args=[child.pk])
    client.force_login(world.users["sw_1"])
    second = _form_data(client, url)  # the social worker opens the form first...
    client.force_login(world.users["cmo_a"])
    first = _form_data(client, url)  # ...the coordinator opens it too, and saves first
    assert client.post(url, {**first, "last_name": "Moss"}).status_code == 302

    client.force_login(world.users["sw_1"])
    response = client.post(url, {**second, "first_language": "Welsh"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert STALE_EDIT.replace("'", "&#x27;") in body or STALE_EDIT in body
    assert STALE_FIELD.format(label="Last name") in body
    assert 'href="#id_last_name"' in body
    assert 'value="Moss"' in body  # the field changed meanwhile shows the saved value
    assert 'value="Welsh"' in body  # and the person's own change is kept
    child.refresh_from_db()
    assert (child.last_name, child.first_language) == ("Moss", "")  # nothing lost, nothing saved

    again = re.search(r'name="version" value="([^"]+)"', body).group(1)
    assert again == child_details_version(child)
    data = {**second, "first_language": "Welsh", "last_name": "Moss", "version": again}
    assert client.post(url, data).status_code == 302
    child.refresh_from_db()
    assert (child.last_name, child.first_language) == ("Moss", "Welsh")
    entries = list(AuditEntry.objects.filter(verb="child.updated").order_by("id"))
    assert [(e.actor.username, e.payload["fields"]) for e in entries] == [
        (world.users["cmo_a"].username, ["last_name"]),
        (world.users["sw_1"].username, ["first_language"]),
    ]


def test_aliases_changed_meanwhile_are_named(world):
    child = world.children["a_team1"]
    seen = child_details_version(child)
    child_update(child=child, actor=world.users["cmo_a"], aliases=["Jay"], version=seen)
    with pytest.raises(StaleEdit) as refused:
        child_update(child=child, actor=world.users["sw_1"], aliases=["JJ"], version=seen)
    assert refused.value.fields == ["aliases"]
    assert child_details(child)["aliases"] == ["Jay"]
