"""The safety plan's services: every save is a version of the assessment and the plan, the
level is scored or judged with reasons, the record's own indicators count, audit entries carry
no personal data, and a version saved after a return closes the safety_plan_review duty."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.people.services_family import education_concern_record
from homesafe.safety_plans.models import SafetyPlanVersion
from homesafe.safety_plans.services import (
    INDICATOR_UNKNOWN,
    LEVEL_MISSING,
    REASONS_MISSING,
    REVIEW_NOT_RETURNED,
    REVIEW_NOT_THIS_CHILD,
    RISKS_MISSING,
    WHO_DOES_WHAT_MISSING,
)
from tests.safety_plans.conftest import episode_reported, plan_save


def test_every_save_is_a_new_version_and_old_ones_are_kept(world):
    child = world.children["a_team1"]
    first = plan_save(world, child)
    second = plan_save(world, child, curfew="21:00 every night")
    third = plan_save(world, child, curfew="21:00 every night")
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert "risks" in first.changed_fields
    assert second.changed_fields == ["curfew"]
    assert third.changed_fields == []  # a review with no change is still a version
    assert SafetyPlanVersion.objects.get(child=child, number=1).curfew.startswith("21:30")
    assert second.saved_by == world.users["sw_1"]


def test_scored_level_follows_the_indicators(world):
    child = world.children["a_team1"]  # no episode counted before now? the world gives one
    low = plan_save(world, child, indicators=[])
    # The world's episode for the child counts: previous missing (2 points).
    assert low.indicators == ["previous_missing"] and low.score == 2 and low.risk_level == "low"
    medium = plan_save(world, child, indicators=["curfew"])
    assert medium.score == 3 and medium.risk_level == "medium"
    high = plan_save(
        world, child, indicators=["curfew", "truancy", "phone_off", "whereabouts_withheld"]
    )
    assert high.score == 6 and high.risk_level == "high"


def test_professional_judgement_needs_a_level_and_reasons(world):
    child = world.children["a_team1"]
    with pytest.raises(ValidationError) as refused:
        plan_save(world, child, method="judgement", risk_level=None, reasons=" ")
    assert refused.value.message_dict == {
        "risk_level": [LEVEL_MISSING],
        "reasons": [REASONS_MISSING],
    }
    judged = plan_save(
        world,
        child,
        indicators=[],
        method="judgement",
        risk_level="high",
        reasons="Seen with an adult known for exploitation",
    )
    assert judged.risk_level == "high" and judged.score == 2  # the score is still shown


def test_the_plan_needs_risks_and_who_does_what(world):
    with pytest.raises(ValidationError) as refused:
        plan_save(world, world.children["a_team1"], risks="", who_does_what="  ")
    assert refused.value.message_dict == {
        "risks": [RISKS_MISSING],
        "who_does_what": [WHO_DOES_WHAT_MISSING],
    }
    assert not SafetyPlanVersion.objects.exists()


def test_an_unknown_indicator_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        plan_save(world, world.children["a_team1"], indicators=["curfew", "astrology"])
    assert refused.value.message_dict == {
        "indicators": [INDICATOR_UNKNOWN.format(code="astrology")]
    }


def test_an_open_record_of_missing_education_counts_as_an_indicator(world):
    child = world.children["a_team1"]
    education_concern_record(
        child=child,
        actor=world.users["school_1"],
        kind="persistent_absence",
        started_on=timezone.localdate() - dt.timedelta(days=20),
        attendance_percent=78,
    )
    version = plan_save(world, child, indicators=["curfew"])
    assert version.indicators == ["previous_missing", "curfew", "missing_education"]
    assert version.score == 4 and version.risk_level == "medium"


def test_a_review_follows_a_return_of_this_child(world):
    child = world.children["a_team1"]
    open_episode = world.episodes["a_team1"]  # the world's episode: still missing
    with pytest.raises(ApplicationError) as refused:
        plan_save(world, child, review_of=open_episode)
    assert refused.value.message == REVIEW_NOT_RETURNED
    with pytest.raises(ValidationError) as refused:
        plan_save(world, child, review_of=world.episodes["a_team2"])
    assert refused.value.message_dict == {"review_of": [REVIEW_NOT_THIS_CHILD]}


def test_audit_names_fields_never_values(world):
    child = world.children["a_team1"]
    plan_save(world, child)
    plan_save(world, child, child_words="They shout at me")
    entries = AuditEntry.objects.filter(verb="safety_plan.saved", child_id=child.pk)
    assert entries.count() == 2
    dumped = json.dumps([e.payload for e in entries])
    assert "shout" not in dumped and "skate" not in dumped and "101" not in dumped
    assert entries.order_by("-id").first().payload == {
        "version": 2,
        "review_of": None,
        "changed": ["child_words"],
    }


def test_a_review_after_the_return_closes_the_duty(planned_world):
    world = planned_world
    child = world.children["a_team1"]
    first = plan_save(world, child)
    SafetyPlanVersion.objects.filter(pk=first.pk).update(
        saved_at=timezone.now() - dt.timedelta(days=3)
    )
    episode = episode_reported(world, child)
    duty = Duty.objects.get(episode=episode, kind="safety_plan_review")
    assert duty.state == DutyState.OPEN
    assert duty.owner_role == "social_worker" and duty.owner_user == world.users["sw_1"]
    # Tue 24 Nov 2026, returned 04:30: five working days on is the end of Tue 1 Dec.
    assert timezone.localtime(duty.due_at).date() == dt.date(2026, 12, 1)
    review = plan_save(world, child, review_of=episode, curfew="21:00")
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE
    assert review.review_of == episode and review.number == 2


def test_no_review_duty_without_a_plan_in_force_at_the_return(planned_world):
    world = planned_world
    child = world.children["a_team1"]
    episode = episode_reported(world, child)
    assert not Duty.objects.filter(episode=episode, kind="safety_plan_review").exists()
    plan_save(world, child)  # the first plan, after the return: not a review duty's fulfilment
    assert not Duty.objects.filter(episode=episode, kind="safety_plan_review").exists()
