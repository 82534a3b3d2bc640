"""Meeting and professional difference services: validation, transitions and audit entries
(ids and field names, never what was said)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.meetings import services
from homesafe.meetings.choices import Attendance, DifferenceStage, MeetingStatus
from homesafe.meetings.models import Meeting, MeetingAction, ProfessionalDifference
from homesafe.meetings.services import (
    BEFORE_THE_ACTION,
    difference_escalate,
    difference_raise,
    difference_resolve,
    meeting_add_action,
    meeting_cancel,
    meeting_complete_action,
    meeting_create,
    meeting_record_held,
    meeting_record_invitation,
    meeting_record_note,
)
from tests.clock import NOW

SECRET = "Jay picks her up"


def _create(world, **overrides):
    data = {
        "kind": "strategy",
        "local_authority": world.orgs["la_a"],
        "chair_name": "Pat Chair",
        "children": [world.children["a_team1"]],
        "planned_for": timezone.now() + dt.timedelta(days=1),
        "actor": world.users["cmo_a"],
    }
    data.update(overrides)
    return meeting_create(**data)


def _fields(error: ValidationError) -> set[str]:
    return set(error.value.error_dict)


def test_create_links_the_latest_episode_and_audits_ids(world, locality):
    assert locality.status == MeetingStatus.HELD
    links = {link.child_id: link for link in locality.child_links.all()}
    assert set(links) == {world.children["a_team1"].pk, world.children["a_team2"].pk}
    assert list(links[world.children["a_team1"].pk].episodes.all()) == [world.episodes["a_team1"]]
    assert [str(place) for place in locality.locations.all()] == ["Victoria bus station"]
    entry = AuditEntry.objects.get(verb="meeting.created")
    assert entry.payload["child_ids"] == sorted(links)
    assert entry.payload["locations"] == 1
    assert "Jay" not in str(entry.payload)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"children": []}, "children"),
        ({"planned_for": None}, "held_at"),
        ({"planned_for": None, "held_at": NOW + dt.timedelta(hours=1)}, "held_at"),
        ({"chair_name": "  "}, "chair_name"),
        ({"kind": "strategy", "children": ["a_team1", "a_team2"]}, "children"),
        ({"children": ["b_only"]}, "children"),  # not a child the CMO can see
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(world, overrides, field):
    if "children" in overrides:
        overrides["children"] = [world.children[key] for key in overrides["children"]]
    with pytest.raises(ValidationError) as error:
        _create(world, **overrides)
    assert field in _fields(error)
    assert not Meeting.objects.exists()
    assert not AuditEntry.objects.filter(verb="meeting.created").exists()


def test_create_refuses_a_child_the_actor_may_only_read(world):
    with pytest.raises(ApplicationError) as error:
        _create(world, actor=world.users["sw_1b"])  # team-mate of the allocated worker
    assert error.value.message == services.NOT_YOURS


def test_held_and_cancelled_transitions(world):
    meeting = _create(world)
    held = meeting_record_held(
        meeting=meeting, held_at=timezone.now() - dt.timedelta(minutes=5), actor=world.users["sw_1"]
    )
    assert held.status == MeetingStatus.HELD
    with pytest.raises(ApplicationError):
        meeting_record_held(meeting=meeting, held_at=timezone.now(), actor=world.users["sw_1"])
    with pytest.raises(ApplicationError):
        meeting_cancel(meeting=meeting, actor=world.users["cmo_a"])
    other = _create(world)
    meeting_cancel(meeting=other, actor=world.users["cmo_a"])
    assert other.status == MeetingStatus.CANCELLED
    assert AuditEntry.objects.filter(verb="meeting.cancelled").count() == 1


def test_invitations_and_attendance(world):
    meeting = _create(world)
    with pytest.raises(ValidationError) as error:
        meeting_record_invitation(
            meeting=meeting,
            organisation=world.orgs["force_a"],
            attendance=Attendance.ATTENDED,
            actor=world.users["cmo_a"],
        )
    assert "attendance" in _fields(error)
    invitation = meeting_record_invitation(
        meeting=meeting,
        organisation=world.orgs["force_a"],
        attendance=Attendance.NO_RESPONSE,
        actor=world.users["cmo_a"],
    )
    meeting_record_held(meeting=meeting, held_at=timezone.now(), actor=world.users["cmo_a"])
    again = meeting_record_invitation(
        meeting=meeting,
        organisation=world.orgs["force_a"],
        attendance=Attendance.ATTENDED,
        attendee_name="DS Green",
        actor=world.users["cmo_a"],
    )
    assert again.pk == invitation.pk and again.attendee_name == "DS Green"
    payloads = [e.payload for e in AuditEntry.objects.filter(verb="meeting.invitation")]
    assert {p["invited"] for p in payloads} == {True, False}


def test_notes_about_a_child_of_the_meeting_only(world, locality):
    with pytest.raises(ValidationError) as error:
        meeting_record_note(
            meeting=locality,
            kind="decision",
            text="x",
            child=world.children["a_team3"],
            actor=world.users["cmo_a"],
        )
    assert "child" in _fields(error)
    with pytest.raises(ValidationError):
        meeting_record_note(meeting=locality, kind="risk", text=" ", actor=world.users["cmo_a"])
    note = meeting_record_note(
        meeting=locality,
        kind="risk",
        text=SECRET,
        child=world.children["a_team1"],
        actor=world.users["cmo_a"],
    )
    entry = AuditEntry.objects.get(verb="meeting.note")
    assert entry.child_id == world.children["a_team1"].pk
    assert SECRET not in str(entry.payload) and note.text == SECRET


def test_actions_validate_owner_and_due_date_and_complete_once(world, locality):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        meeting_add_action(
            meeting=locality,
            description="",
            owner_organisation=world.orgs["force_a"],
            owner_person=world.users["school_1"],
            due_on=today - dt.timedelta(days=3),
            actor=world.users["cmo_a"],
        )
    assert _fields(error) == {"description", "owner_person", "due_on"}
    assert not MeetingAction.objects.exists()
    action = meeting_add_action(
        meeting=locality,
        description="Patrol the bus station",
        owner_organisation=world.orgs["force_a"],
        due_on=today + dt.timedelta(days=7),
        actor=world.users["cmo_a"],
    )
    with pytest.raises(ApplicationError):  # a school may not complete the police's action
        meeting_complete_action(
            action=action, completed_at=timezone.now(), actor=world.users["school_1"]
        )
    before = min(locality.when, action.created_at) - dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:  # done before it was agreed: refused
        meeting_complete_action(action=action, completed_at=before, actor=world.users["police_a"])
    assert error.value.message_dict == {"completed_at": [BEFORE_THE_ACTION]}
    done = meeting_complete_action(
        action=action, completed_at=timezone.now(), actor=world.users["police_a"], note="Done"
    )
    assert done.completed_by == world.users["police_a"]
    with pytest.raises(ApplicationError) as error:
        meeting_complete_action(
            action=action, completed_at=timezone.now(), actor=world.users["police_a"]
        )
    assert error.value.code == "action_completed"
    assert AuditEntry.objects.filter(verb="meeting.action_completed").count() == 1


def test_overdue_action(world, locality):
    action = meeting_add_action(
        meeting=locality,
        description="Visit",
        owner_organisation=world.orgs["la_a"],
        due_on=timezone.localdate(locality.held_at),
        actor=world.users["cmo_a"],
    )
    MeetingAction.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    action.refresh_from_db()
    assert action.is_overdue


def _raise(world, **overrides):
    data = {
        "child": world.children["a_team1"],
        "raised_at": timezone.now() - dt.timedelta(days=2),
        "raised_by_name": "Sam Teacher",
        "raised_by_organisation": world.orgs["school_1"],
        "raised_with_organisation": world.orgs["la_a"],
        "subject": "strategy_meeting",
        "detail": "School asks for a strategy meeting",
        "actor": world.users["school_1"],
    }
    data.update(overrides)
    return difference_raise(**data)


def test_difference_raise_escalate_resolve(world):
    with pytest.raises(ValidationError) as error:
        _raise(world, raised_with_organisation=world.orgs["school_1"], detail="")
    assert _fields(error) == {"raised_with_organisation", "detail"}
    assert not ProfessionalDifference.objects.exists()
    difference = _raise(world)
    assert [s.stage for s in difference.steps.all()] == [DifferenceStage.PRACTITIONER]
    user = world.users["school_1"]
    difference_escalate(
        difference=difference,
        stage="senior_manager",
        reached_at=timezone.now() - dt.timedelta(days=1),
        actor=user,
    )
    with pytest.raises(ValidationError) as error:
        difference_escalate(
            difference=difference, stage="manager", reached_at=timezone.now(), actor=user
        )
    assert "stage" in _fields(error)
    with pytest.raises(ApplicationError):  # school 2 is not a party and cannot change the child
        difference_resolve(
            difference=difference,
            resolved_at=timezone.now(),
            outcome="Agreed",
            actor=world.users["school_2"],
        )
    with pytest.raises(ValidationError):
        difference_resolve(
            difference=difference, resolved_at=timezone.now(), outcome="", actor=user
        )
    difference_resolve(
        difference=difference,
        resolved_at=timezone.now(),
        outcome="Strategy meeting held",
        actor=world.users["cmo_a"],
    )
    with pytest.raises(ApplicationError):
        difference_escalate(
            difference=difference, stage="partnership", reached_at=timezone.now(), actor=user
        )
    verbs = list(
        AuditEntry.objects.filter(verb__startswith="difference.")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["difference.raised", "difference.escalated", "difference.resolved"]
    assert all(
        "strategy meeting" not in str(e.payload).lower()
        for e in AuditEntry.objects.filter(verb__startswith="difference.")
    )
