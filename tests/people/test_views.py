"""Pages of the child's record: search and add a child, with field-level errors for bad input."""

import pytest
from django.urls import reverse

from homesafe.access.models import AuditEntry
from homesafe.people.models import Child

GOOD_CHILD = {
    "first_name": "Mia",
    "last_name": "Holt",
    "aliases": "Mimi; M",
    "date_of_birth_0": "4",
    "date_of_birth_1": "5",
    "date_of_birth_2": "2011",
    "sex": "2",
    "ethnicity": "WBRI",
    "cohort": "child_in_need",
    "la_child_id": "LA-1",
    "nhs_number": "",
    "upn": "",
    "school": "",
}


@pytest.fixture
def cmo_client(world, client):
    client.force_login(world.users["cmo_a"])
    return client


def test_add_a_child(world, cmo_client):
    response = cmo_client.post(reverse("people:new"), GOOD_CHILD)
    child = Child.objects.get(la_child_id="LA-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:child", args=[child.pk])
    assert child.responsible_la == world.orgs["la_a"]
    assert sorted(a.name for a in child.aliases.all()) == ["M", "Mimi"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "s first name"),
        ({"date_of_birth_1": ""}, "date_of_birth", "Date of birth must include a month"),
        (
            {"date_of_birth_0": "31", "date_of_birth_1": "2"},
            "date_of_birth",
            "Date of birth must be a real date",
        ),
        ({"date_of_birth_2": "2099"}, "date_of_birth", "Date of birth must be in the past"),
        ({"nhs_number": "1234567890"}, "nhs_number", "valid check digit"),
        ({"upn": "A12"}, "upn", "13-character UPN"),
        ({"sex": "7"}, "sex", "Select a valid choice"),
        ({"school": "99999"}, "school", "Select a valid choice"),
    ],
)
def test_bad_child_input_names_the_field_and_writes_nothing(cmo_client, changes, field, message):
    children, audits = Child.objects.count(), AuditEntry.objects.count()
    response = cmo_client.post(reverse("people:new"), {**GOOD_CHILD, **changes})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    anchor = f"#id_{field}_0" if field == "date_of_birth" else f"#id_{field}"
    assert f'href="{anchor}"' in body
    assert body.startswith("<!DOCTYPE html>") and "<title>Error: " in body
    assert Child.objects.count() == children
    assert AuditEntry.objects.count() == audits


def test_duplicate_la_child_id_is_a_field_error(world, cmo_client):
    cmo_client.post(reverse("people:new"), GOOD_CHILD)
    children = Child.objects.count()
    response = cmo_client.post(reverse("people:new"), {**GOOD_CHILD, "first_name": "Other"})
    assert response.status_code == 400
    assert "Another child of this local authority has this LA child ID" in response.content.decode()
    assert Child.objects.count() == children


@pytest.mark.parametrize("user_key", ["police_a", "school_1", "health", "analyst", "admin"])
def test_only_la_case_roles_add_children(world, client, user_key):
    client.force_login(world.users[user_key])
    assert client.get(reverse("people:new")).status_code == 403
    assert client.post(reverse("people:new"), GOOD_CHILD).status_code == 403
    assert not Child.objects.filter(la_child_id="LA-1").exists()


def test_search_by_identifier_and_date_of_birth(world, cmo_client):
    child = world.children["a_team1"]
    child.nhs_number = "9434765919"
    child.save()
    response = cmo_client.get(reverse("people:search"), {"identifier": "943 476 5919"})
    assert f'href="{reverse("people:child", args=[child.pk])}"'.encode() in response.content
    assert b"1 child found" in response.content
    response = cmo_client.get(
        reverse("people:search"),
        {"date_of_birth_0": "4", "date_of_birth_1": "5", "date_of_birth_2": "2011"},
    )
    assert b"6 children found" in response.content


def test_search_by_alias(world, cmo_client):
    child = world.children["a_team2"]
    child.aliases.create(name="Shadow")
    response = cmo_client.get(reverse("people:search"), {"name": "shadow"})
    assert f'href="{reverse("people:child", args=[child.pk])}"'.encode() in response.content
    # The result says which alias matched, since the child's own name does not contain it.
    assert b"Matched on alias Shadow" in response.content


def test_search_results_say_which_identifier_matched_and_who_is_missing_now(world, cmo_client):
    missing, returned = world.children["a_team1"], world.children["a_team2"]
    missing.upn, returned.upn = "A123456789012", "B123456789012"
    missing.save()
    returned.save()
    episode = world.episodes["a_team2"]
    episode.status, episode.returned_at = "returned", episode.reported_at
    episode.save()
    response = cmo_client.get(reverse("people:search"), {"identifier": "a123456789012"})
    assert b"Matched on UPN A123456789012" in response.content
    assert b"Missing now" in response.content
    response = cmo_client.get(reverse("people:search"), {"identifier": "B123456789012"})
    assert b"Matched on UPN B123456789012" in response.content
    assert b"Missing now" not in response.content


def test_a_name_found_in_the_childs_own_name_needs_no_explanation(world, cmo_client):
    child = world.children["a_team1"]
    child.aliases.create(name=child.first_name + "y")
    response = cmo_client.get(reverse("people:search"), {"name": child.first_name})
    assert f'href="{reverse("people:child", args=[child.pk])}"'.encode() in response.content
    assert b"Matched on alias" not in response.content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, None),
        ({"name": ""}, "Enter a name, a date of birth or an identifier"),
        (
            {"date_of_birth_0": "40", "date_of_birth_1": "1", "date_of_birth_2": "2011"},
            "Date of birth must be a real date",
        ),
    ],
)
def test_bad_search_input(cmo_client, query, message):
    audits = AuditEntry.objects.count()
    response = cmo_client.get(reverse("people:search"), query)
    assert response.status_code == 200
    if message:
        assert message in response.content.decode()
        assert b"There is a problem" in response.content
    assert AuditEntry.objects.count() == audits


def test_child_page_lists_episodes_newest_first(world, cmo_client):
    from tests.factories import EpisodeFactory

    child = world.children["a_team1"]
    episode = world.episodes["a_team1"]
    import datetime as dt

    from django.utils import timezone

    from homesafe.episodes.services import episode_record_return

    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(hours=1),
        found_by="self",
        actor=world.users["cmo_a"],
    )
    older = EpisodeFactory(
        child=child,
        status="returned",
        last_seen_at=timezone.now() - dt.timedelta(days=40),
        returned_at=timezone.now() - dt.timedelta(days=39),
    )
    body = cmo_client.get(reverse("people:child", args=[child.pk])).content.decode()
    newer_at = body.index(reverse("episodes:detail", args=[episode.pk]))
    older_at = body.index(reverse("episodes:detail", args=[older.pk]))
    assert newer_at < older_at


def test_a_merged_record_is_not_found_and_points_to_the_current_one(world, cmo_client):
    from homesafe.intake.services_merge import child_merge

    kept, merged = world.children["a_team1"], world.children["a_unallocated"]
    child_merge(kept=kept, merged=merged, reason="Same child", actor=world.users["cmo_a"])
    response = cmo_client.get(reverse("people:search"), {"name": "Kid"})
    assert f'href="{reverse("people:child", args=[merged.pk])}"'.encode() not in response.content
    assert f'href="{reverse("people:child", args=[kept.pk])}"'.encode() in response.content
    page = cmo_client.get(reverse("people:child", args=[merged.pk])).content.decode()
    assert "This record was merged into another record" in page
    assert f'href="{reverse("people:child", args=[kept.pk])}"' in page
