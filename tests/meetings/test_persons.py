"""Persons of concern discussed at a meeting, recorded by key about one of its children: each
is a PersonLink whose source is the meeting; only persons the recorder may see are taken; and
a locality MACE never shows a person linked only to children the viewer cannot see."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from homesafe.access.models import AuditEntry
from homesafe.concerns.models import PersonLink
from homesafe.concerns.services import person_of_concern_record
from homesafe.meetings import services
from homesafe.meetings.services import meeting_record_persons


@pytest.fixture
def dee(world):
    """Known through a_team1 (school 1, health)."""
    return person_of_concern_record(
        child=world.children["a_team1"], actor=world.users["cmo_a"], name="Dee Harbourer"
    )


@pytest.fixture
def kay(world):
    """Known through a_team2 only (school 2, the RHI service)."""
    return person_of_concern_record(
        child=world.children["a_team2"], actor=world.users["cmo_a"], name="Kay Older"
    )


@pytest.fixture
def hidden(world):
    return person_of_concern_record(
        child=world.children["b_only"], actor=world.users["cmo_b"], name="Hal Hidden"
    )


def _errors(excinfo) -> dict:
    return {k: [e.message for e in v] for k, v in excinfo.value.error_dict.items()}


def test_persons_discussed_are_linked_with_the_meeting_as_source(world, locality, dee, kay):
    cmo = world.users["cmo_a"]
    links = meeting_record_persons(
        meeting=locality, child=world.children["a_team1"], persons=[dee, kay], actor=cmo
    )
    assert {(link.person, link.child) for link in links} == {
        (dee, world.children["a_team1"]),
        (kay, world.children["a_team1"]),
    }
    assert all(link.meeting == locality and link.kind == "discussed_at_meeting" for link in links)
    assert locality.persons_discussed == "An adult known as 'Jay'"  # the note is kept
    entry = AuditEntry.objects.get(verb="meeting.persons")
    assert entry.payload == {
        "child_id": world.children["a_team1"].pk,
        "person_ids": sorted([dee.pk, kay.pk]),
    }
    # recording again is safe
    again = meeting_record_persons(
        meeting=locality, child=world.children["a_team1"], persons=[dee], actor=cmo
    )
    assert again == [] and PersonLink.objects.filter(meeting=locality).count() == 2


def test_a_person_the_recorder_cannot_see_is_refused(world, locality, dee, hidden):
    with pytest.raises(ValidationError) as excinfo:
        meeting_record_persons(
            meeting=locality,
            child=world.children["a_team1"],
            persons=[dee, hidden],
            actor=world.users["cmo_a"],
        )
    assert _errors(excinfo) == {"persons": [services.PERSON_NOT_VISIBLE]}
    assert not PersonLink.objects.filter(meeting=locality).exists()


@pytest.mark.parametrize(
    ("child_key", "persons", "field", "message"),
    [
        ("a_team3", ["dee"], "child", services.CHILD_NOT_IN_MEETING),
        ("a_team1", [], "persons", services.PERSONS_MISSING),
        (None, ["dee"], "child", services.CHILD_MISSING),
    ],
)
def test_bad_input_names_the_field(world, locality, dee, child_key, persons, field, message):
    with pytest.raises(ValidationError) as excinfo:
        meeting_record_persons(
            meeting=locality,
            child=world.children[child_key] if child_key else None,
            persons=[dee for _ in persons],
            actor=world.users["cmo_a"],
        )
    assert _errors(excinfo)[field] == [message]
    assert not PersonLink.objects.filter(meeting=locality).exists()


@pytest.mark.parametrize(
    ("user_key", "sees_dee", "sees_kay"),
    [
        ("cmo_a", True, True),
        ("school_1", True, False),  # sees a_team1 only
        ("school_2", False, True),  # sees a_team2 only
        ("health", True, False),
        ("rhi", False, True),
    ],
)
def test_a_locality_mace_shows_only_persons_about_children_the_viewer_sees(
    world, client, locality, dee, kay, user_key, sees_dee, sees_kay
):
    cmo = world.users["cmo_a"]
    meeting_record_persons(
        meeting=locality, child=world.children["a_team1"], persons=[dee], actor=cmo
    )
    meeting_record_persons(
        meeting=locality, child=world.children["a_team2"], persons=[kay], actor=cmo
    )
    client.force_login(world.users[user_key])
    page = client.get(reverse("meetings:detail", args=[locality.pk])).content.decode()
    assert ("Dee Harbourer" in page) is sees_dee
    assert ("Kay Older" in page) is sees_kay


def test_the_persons_page_records_by_key(world, client, locality, dee, hidden):
    client.force_login(world.users["cmo_a"])
    url = reverse("meetings:persons", args=[locality.pk])
    page = client.get(url).content.decode()
    assert "Dee Harbourer" in page and "Hal Hidden" not in page
    bad = client.post(url, {"child": world.children["a_team1"].pk})
    assert 'href="#id_persons"' in bad.content.decode()
    assert not PersonLink.objects.filter(meeting=locality).exists()
    response = client.post(
        url, {"child": world.children["a_team1"].pk, "persons": [dee.pk], "note": "Seen at park"}
    )
    assert response.status_code == 302
    link = PersonLink.objects.get(meeting=locality)
    assert (link.person, link.child, link.note) == (dee, world.children["a_team1"], "Seen at park")
    detail = client.get(reverse("meetings:detail", args=[locality.pk])).content.decode()
    assert "Dee Harbourer" in detail and "An adult known as" in detail


@pytest.mark.parametrize("key", ["police_a", "school_1", "rhi"])
def test_those_who_may_not_record_the_meeting_are_refused(world, client, locality, dee, key):
    client.force_login(world.users[key])
    url = reverse("meetings:persons", args=[locality.pk])
    assert client.get(url).status_code == 403
    post = client.post(url, {"child": world.children["a_team1"].pk, "persons": [dee.pk]})
    assert post.status_code == 403
    assert not PersonLink.objects.filter(meeting=locality).exists()
