"""Education and experiences (issue 16): the school of the child's roll (or the local authority)
records missing education or absence, shown on the story beside the episodes and counted in the
assessment; trauma and adverse childhood experiences are recorded beside needs and shown to the
interviewer and in the assessment, never to the police or schools."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.people.models import EducationConcern
from homesafe.people.services_family import (
    ALREADY_ENDED,
    ATTENDANCE_RANGE,
    ENDED_BEFORE_START,
    STARTED_IN_FUTURE,
    adverse_experience_record,
    education_concern_end,
    education_concern_record,
)


def _record(world, actor="school_1", **kwargs):
    return education_concern_record(
        child=world.children["a_team1"],
        actor=world.users[actor],
        **{
            "kind": "persistent_absence",
            "started_on": timezone.localdate() - dt.timedelta(days=30),
            "attendance_percent": 81,
            **kwargs,
        },
    )


def test_the_school_records_absence_with_its_organisation_and_an_audit(world):
    concern = _record(world)
    assert concern.organisation == world.orgs["school_1"] and concern.is_open
    entry = AuditEntry.objects.get(verb="child.education_recorded")
    assert entry.payload == {"kind": "persistent_absence"}


def test_education_input_is_checked(world):
    with pytest.raises(ValidationError) as refused:
        _record(
            world, started_on=timezone.localdate() + dt.timedelta(days=1), attendance_percent=101
        )
    assert refused.value.message_dict == {
        "started_on": [STARTED_IN_FUTURE],
        "attendance_percent": [ATTENDANCE_RANGE],
    }
    concern = _record(world)
    with pytest.raises(ValidationError) as refused:
        education_concern_end(
            concern=concern,
            ended_on=concern.started_on - dt.timedelta(days=1),
            actor=world.users["school_1"],
        )
    assert refused.value.message_dict == {"ended_on": [ENDED_BEFORE_START]}
    education_concern_end(
        concern=concern, ended_on=timezone.localdate(), actor=world.users["school_1"]
    )
    with pytest.raises(ApplicationError) as refused:
        education_concern_end(
            concern=concern, ended_on=timezone.localdate(), actor=world.users["school_1"]
        )
    assert refused.value.message == ALREADY_ENDED


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("school_1", 302),  # the school of the child's roll
        ("sw_1", 302),  # the local authority (education welfare, case roles)
        ("cmo_a", 302),
        ("school_2", 404),  # another school: does not see the child
        ("health", 403),
        ("police_a", 403),
        ("sw_1b", 403),
    ],
)
def test_who_may_record_missing_education(world, client, user, status):
    child = world.children["a_team1"]
    client.force_login(world.users[user])
    response = client.post(
        reverse("people:education_new", args=[child.pk]),
        {
            "kind": "missing_education",
            "started_on_0": "2",
            "started_on_1": "11",
            "started_on_2": "2026",
        },
    )
    assert response.status_code == status
    assert EducationConcern.objects.filter(child=child).exists() is (status == 302)


def test_the_story_shows_education_beside_the_episodes(world, client):
    _record(world)
    child = world.children["a_team1"]
    for user, shown in (("sw_1", True), ("school_1", True), ("police_a", False)):
        client.force_login(world.users[user])
        html = client.get(reverse("people:story", args=[child.pk])).content.decode()
        assert ("Persistently absent (10% or more of sessions) since" in html) is shown, user
        assert ("attendance 81%" in html) is shown, user


def test_experiences_are_shown_to_the_interviewer_and_in_the_assessment(world, client):
    child = world.children["a_team2"]  # sw_2's child, referred to the RHI service
    adverse_experience_record(
        child=child, kind="domestic_abuse", description="Witnessed", actor=world.users["sw_2"]
    )
    assert AuditEntry.objects.get(verb="child.adverse_experience_recorded").payload == {
        "kind": "domestic_abuse"
    }
    episode = world.episodes["a_team2"]
    client.force_login(world.users["rhi"])
    html = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert "Before the interview" in html and "Domestic abuse in the home: Witnessed" in html
    client.force_login(world.users["sw_2"])
    form = client.get(reverse("safety_plans:edit", args=[child.pk])).content.decode()
    assert "Domestic abuse in the home: Witnessed" in form
    client.force_login(world.users["police_a"])
    for name in ("episodes:detail", "people:story"):
        arg = episode.pk if name == "episodes:detail" else child.pk
        assert "Domestic abuse" not in client.get(reverse(name, args=[arg])).content.decode()
