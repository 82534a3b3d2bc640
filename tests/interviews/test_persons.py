"""Persons of concern named in a return interview, linked to the child by key: the link's
source is the interview (and its episode), only persons the recorder may see are offered,
a new one may be recorded, and each write is audited with ids only."""

import pytest
from django.core.exceptions import ValidationError

from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.concerns.models import PersonLink, PersonOfConcern
from homesafe.concerns.services import person_of_concern_record
from homesafe.interviews import services
from homesafe.interviews.services import interview_complete, interview_link_persons
from tests.interviews.helpers import content
from tests.snapshots import built_once


@pytest.fixture
def completed(request, world, offered):
    return built_once(
        request,
        "interviews-completed",
        lambda: interview_complete(interview=offered, actor=world.users["rhi"], **content(world)),
    )


@pytest.fixture
def kay(world):
    """Known through a_team2, the child of the interview (the RHI worker sees her)."""
    return person_of_concern_record(
        child=world.children["a_team2"], actor=world.users["cmo_a"], name="Kay Known"
    )


@pytest.fixture
def hidden(world):
    """Known only through another LA's child: the RHI worker cannot see him."""
    return person_of_concern_record(
        child=world.children["b_only"], actor=world.users["cmo_b"], name="Hal Hidden"
    )


def _errors(excinfo) -> dict:
    return {k: [e.message for e in v] for k, v in excinfo.value.error_dict.items()}


def test_known_and_new_persons_are_linked_with_the_interview_as_source(world, completed, kay):
    links = interview_link_persons(
        interview=completed,
        actor=world.users["rhi"],
        persons=[kay],
        new_person_name="  Zed New ",
        new_person_kind="peer",
        note="Named as who she stayed with",
    )
    assert len(links) == 2
    for link in links:
        assert link.interview == completed and link.meeting is None
        assert link.child == completed.child and link.episode == completed.episode
        assert link.kind == "named_in_interview"
        assert link.recorded_by == world.users["rhi"]
    zed = PersonOfConcern.objects.get(name="Zed New")
    assert zed.kind == "peer"
    entry = AuditEntry.objects.get(verb="interview.persons_linked")
    assert entry.payload["person_ids"] == sorted([kay.pk, zed.pk])
    assert entry.payload["new_person"] is True
    assert "Zed" not in str(entry.payload) and "stayed" not in str(entry.payload)
    linked = AuditEntry.objects.filter(
        verb="concern.person_linked", payload__interview_id=completed.pk
    )
    assert linked.count() == 2


def test_linking_again_changes_nothing(world, completed, kay):
    interview_link_persons(interview=completed, actor=world.users["rhi"], persons=[kay])
    again = interview_link_persons(interview=completed, actor=world.users["rhi"], persons=[kay])
    assert again == []
    assert PersonLink.objects.filter(interview=completed, person=kay).count() == 1


def test_a_person_the_recorder_cannot_see_is_refused(world, completed, kay, hidden):
    with pytest.raises(ValidationError) as excinfo:
        interview_link_persons(interview=completed, actor=world.users["rhi"], persons=[kay, hidden])
    assert _errors(excinfo) == {"persons": [services.PERSON_NOT_VISIBLE]}
    assert not PersonLink.objects.filter(interview=completed).exists()
    assert not AuditEntry.objects.filter(verb="interview.persons_linked").exists()


def test_someone_must_be_chosen_or_named(world, completed):
    with pytest.raises(ValidationError) as excinfo:
        interview_link_persons(interview=completed, actor=world.users["rhi"], new_person_name=" ")
    assert _errors(excinfo) == {"persons": [services.PERSONS_MISSING]}


def test_a_bad_new_person_names_the_new_person_field(world, completed):
    with pytest.raises(ValidationError) as excinfo:
        interview_link_persons(
            interview=completed,
            actor=world.users["rhi"],
            new_person_name="Zed",
            new_person_kind="martian",
        )
    assert _errors(excinfo) == {"new_person_kind": [services.PERSON_KIND_UNKNOWN]}
    assert not PersonOfConcern.objects.filter(name="Zed").exists()


def test_only_a_held_interview_links_persons(world, offered, kay):
    with pytest.raises(ApplicationError) as excinfo:
        interview_link_persons(interview=offered, actor=world.users["rhi"], persons=[kay])
    assert excinfo.value.code == "interview_not_completed"
    assert not PersonLink.objects.filter(interview=offered).exists()


def test_a_link_from_an_interview_is_about_the_interviews_child(world, completed, kay):
    from homesafe.concerns.services import INTERVIEW_NOT_CHILDS, person_of_concern_link

    with pytest.raises(ValidationError) as excinfo:
        person_of_concern_link(
            person=kay,
            child=world.children["a_team1"],
            actor=world.users["cmo_a"],
            kind="associate",
            interview=completed,
        )
    assert _errors(excinfo) == {"interview": [INTERVIEW_NOT_CHILDS]}
