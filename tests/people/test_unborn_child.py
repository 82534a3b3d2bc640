"""Issue 16: an unborn child on a pre-birth plan as a member of the household: recorded and
ended by those who may change the child, checked, audited, shown on the record and the story
to casework roles only."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.people.models import UnbornChild
from homesafe.people.services_family import (
    UNBORN_DUE_RANGE,
    UNBORN_ENDED_BEFORE_RECORDED,
    unborn_child_end,
    unborn_child_record,
)


def _record(world, **overrides):
    data = {
        "child": world.children["a_team1"],
        "actor": world.users["sw_1"],
        "relationship": "child_expecting",
        "expected_on": timezone.localdate() + dt.timedelta(days=120),
        "plan": "child_protection",
        "notes": "Midwife aware",
    }
    return unborn_child_record(**{**data, **overrides})


def test_an_unborn_child_is_recorded_with_an_audit_of_codes_only(world):
    unborn = _record(world)
    assert unborn.is_current and unborn.recorded_by == world.users["sw_1"]
    entry = AuditEntry.objects.get(verb=AuditVerb.UNBORN_CHILD_RECORDED)
    assert entry.child_id == world.children["a_team1"].pk
    assert entry.payload == {"relationship": "child_expecting", "plan": "child_protection"}
    assert "Midwife" not in str(entry.payload)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"relationship": "cousin"}, "relationship", "Select one of the options"),
        ({"plan": "maybe"}, "plan", "Select one of the options"),
        ({"expected_on": timezone.localdate() + dt.timedelta(days=400)}, "expected_on", None),
        ({"expected_on": timezone.localdate() - dt.timedelta(days=60)}, "expected_on", None),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        _record(world, **overrides)
    assert caught.value.message_dict[field] == [message or UNBORN_DUE_RANGE]
    assert not UnbornChild.objects.exists()


def test_the_birth_ends_the_record_once(world):
    unborn = _record(world)
    with pytest.raises(ValidationError) as caught:
        unborn_child_end(
            unborn=unborn,
            ended_on=timezone.localdate() - dt.timedelta(days=3),
            actor=world.users["sw_1"],
        )
    assert caught.value.message_dict["ended_on"] == [UNBORN_ENDED_BEFORE_RECORDED]
    unborn_child_end(unborn=unborn, ended_on=timezone.localdate(), actor=world.users["sw_1"])
    unborn.refresh_from_db()
    assert not unborn.is_current
    with pytest.raises(ApplicationError):
        unborn_child_end(unborn=unborn, ended_on=timezone.localdate(), actor=world.users["sw_1"])
    assert AuditEntry.objects.filter(verb=AuditVerb.UNBORN_CHILD_ENDED).count() == 1


@pytest.mark.parametrize(
    ("user", "status"), [("sw_1", 200), ("cmo_a", 200), ("sw_1b", 403), ("school_1", 403)]
)
def test_who_may_record_an_unborn_child(world, client, user, status):
    client.force_login(world.users[user])
    url = reverse("people:unborn_new", args=[world.children["a_team1"].pk])
    assert client.get(url).status_code == status


def test_recording_through_the_page_and_seeing_it_on_the_record_and_story(world, client):
    child = world.children["a_team1"]
    due = timezone.localdate() + dt.timedelta(days=90)
    client.force_login(world.users["sw_1"])
    response = client.post(
        reverse("people:unborn_new", args=[child.pk]),
        {
            "relationship": "sibling",
            "expected_on_0": due.day,
            "expected_on_1": due.month,
            "expected_on_2": due.year,
            "plan": "assessment",
        },
    )
    assert response.status_code == 302
    record = client.get(reverse("people:child", args=[child.pk])).text
    assert "A brother or sister is expected: due" in record
    story = client.get(reverse("people:story", args=[child.pk])).text
    assert "An unborn child, due" in story and "pre-birth assessment under way" in story
    # The school sees the child but not their casework: nothing of the household.
    client.force_login(world.users["school_1"])
    assert "unborn" not in client.get(reverse("people:story", args=[child.pk])).text.lower()


def test_a_missing_due_date_names_the_field_on_the_page(world, client):
    client.force_login(world.users["sw_1"])
    response = client.post(
        reverse("people:unborn_new", args=[world.children["a_team1"].pk]),
        {"relationship": "sibling", "plan": "none"},
    )
    assert response.status_code == 400 and 'href="#id_expected_on' in response.text
