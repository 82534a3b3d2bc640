"""screening_complete and screening_override_band: validation, override, audit, review duty."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.access.times import IN_FUTURE
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.protocol.calendar import LONDON
from homesafe.screening import services
from homesafe.screening.models import ExploitationScreening
from homesafe.screening.services import screening_complete, screening_override_band
from tests.interviews.helpers import report_and_return
from tests.screening.helpers import combined_answers, seraf_answers

SIX = {"missing_overnight": "both"}  # one significant indicator in both periods: 6, mild


def _complete(world, child, *, user="sw_2", tool="seraf", answers=None, **kwargs):
    kwargs.setdefault("completed_at", timezone.now() - dt.timedelta(hours=1))
    return screening_complete(
        child=child,
        tool=tool,
        answers=seraf_answers(**SIX) if answers is None else answers,
        actor=world.users[user],
        **kwargs,
    )


def test_a_seraf_screening_is_scored_and_banded(world, returned):
    child = returned.child
    screening = _complete(world, child)
    assert (screening.score, screening.band, screening.final_band) == (6, "mild", "mild")
    assert (screening.tool, screening.tool_version) == ("seraf", "1")
    assert screening.completed_by == world.users["sw_2"]
    assert screening.completed_by_organisation == world.orgs["la_a"]
    assert screening.final_band_label == "Mild risk"
    local = timezone.localdate(screening.completed_at)
    assert screening.review_on > local


def test_a_categorical_screening_has_bands_and_no_score(world, returned):
    screening = _complete(
        world,
        returned.child,
        tool="combined",
        answers=combined_answers("cse_gifts", "cce_directed"),
    )
    assert screening.score is None
    assert screening.band == "experiencing"
    assert screening.group_bands["cse"] == "emerging"
    assert screening.final_band_label == "Experiencing exploitation"


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"missing_overnight": "sometimes"}, "answer_missing_overnight"),
        ({"abuse_or_neglect": "both"}, "answer_abuse_or_neglect"),
        ({"favourite_colour": "no"}, "answer_favourite_colour"),
    ],
)
def test_answers_are_validated_against_the_tool(world, returned, answers, field):
    with pytest.raises(ValidationError) as error:
        _complete(world, returned.child, answers=seraf_answers(**answers))
    assert field in error.value.error_dict
    assert not ExploitationScreening.objects.exists()


def test_every_indicator_must_be_answered(world, returned):
    answers = seraf_answers()
    del answers["older_partner"]
    with pytest.raises(ValidationError) as error:
        _complete(world, returned.child, answers=answers)
    assert "answer_older_partner" in error.value.error_dict


def test_an_unknown_tool_is_refused(world, returned):
    with pytest.raises(ValidationError) as error:
        _complete(world, returned.child, tool="horoscope")
    assert "answers" in error.value.error_dict


def test_a_screening_cannot_be_in_the_future(world, returned):
    with pytest.raises(ValidationError) as error:
        _complete(world, returned.child, completed_at=timezone.now() + dt.timedelta(hours=2))
    assert error.value.message_dict["completed_at"] == [IN_FUTURE]


def test_an_override_needs_a_reason(world, returned):
    with pytest.raises(ValidationError) as error:
        _complete(world, returned.child, override_band="significant", override_reason="  ")
    assert error.value.message_dict["override_reason"] == [services.OVERRIDE_REASON_MISSING]
    assert not ExploitationScreening.objects.exists()


def test_an_override_must_be_a_different_band_of_the_tool(world, returned):
    with pytest.raises(ValidationError) as error:
        _complete(world, returned.child, override_band="mild", override_reason="Same")
    assert error.value.message_dict["override_band"] == [services.OVERRIDE_SAME_AS_COMPUTED]
    with pytest.raises(ValidationError) as error:
        _complete(world, returned.child, override_band="emerging", override_reason="Wrong tool")
    assert error.value.message_dict["override_band"] == [services.NOT_A_BAND]


def test_an_override_is_kept_beside_the_computed_band(world, returned):
    screening = _complete(
        world,
        returned.child,
        override_band="significant",
        override_reason="Seen with adults known to police last night",
    )
    assert screening.band == "mild"
    assert screening.final_band == "significant"
    assert screening.override_reason == "Seen with adults known to police last night"


def test_the_database_refuses_an_override_without_a_reason(world, returned):
    screening = _complete(world, returned.child)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExploitationScreening.objects.filter(pk=screening.pk).update(override_band="moderate")


def test_a_later_override_and_putting_the_tool_band_back(world, returned):
    screening = _complete(world, returned.child)
    with pytest.raises(ValidationError):
        screening_override_band(
            screening=screening,
            override_band="moderate",
            override_reason="",
            actor=world.users["sw_2"],
        )
    screening = screening_override_band(
        screening=screening,
        override_band="moderate",
        override_reason="New intelligence",
        actor=world.users["sw_2"],
    )
    assert screening.final_band == "moderate"
    screening = screening_override_band(
        screening=screening, override_band="", override_reason="ignored", actor=world.users["sw_2"]
    )
    assert (screening.final_band, screening.override_reason) == ("mild", "")
    verbs = list(
        AuditEntry.objects.filter(target_id=str(screening.pk)).values_list("verb", flat=True)
    )
    assert verbs.count(AuditVerb.SCREENING_OVERRIDDEN) == 2


def test_audit_records_the_tool_never_the_answers(world, returned):
    screening = _complete(
        world, returned.child, override_band="significant", override_reason="Secret reason"
    )
    entry = AuditEntry.objects.get(verb=AuditVerb.SCREENING_COMPLETED)
    assert entry.actor == world.users["sw_2"]
    assert entry.child_id == returned.child_id
    assert entry.target_id == str(screening.pk)
    assert entry.payload == {
        "tool": "seraf",
        "version": "1",
        "overridden": True,
        "raises": ["exploitation"],  # the professional's band is significant
    }
    text = str(entry.payload)
    assert "missing_overnight" not in text and "both" not in text and "Secret" not in text


def test_a_review_date_may_be_earlier_than_the_protocols(world, returned):
    # The dates count from the day of the screening (an hour ago: yesterday, just after midnight).
    completed_at = timezone.now() - dt.timedelta(hours=1)
    day = timezone.localdate(completed_at)
    screening = _complete(
        world, returned.child, completed_at=completed_at, review_on=day + dt.timedelta(days=14)
    )
    assert screening.review_on == day + dt.timedelta(days=14)
    for bad, message in (
        (day, services.REVIEW_BEFORE_SCREENING),
        (day + dt.timedelta(days=200), None),
    ):
        with pytest.raises(ValidationError) as error:
            _complete(world, returned.child, completed_at=completed_at, review_on=bad)
        if message:
            assert error.value.message_dict["review_on"] == [message]
        else:
            assert "review_on" in error.value.message_dict


# -- The review duty ------------------------------------------------------------------------------


def _reviews(child):
    return list(Duty.objects.filter(child=child, kind="screening_review").order_by("id"))


@time_machine.travel(dt.datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), tick=False)
def test_the_review_duty_appears_with_the_review_date(world):
    episode = report_and_return(world)
    child = episode.child
    assert _reviews(child) == []
    screening = _complete(world, child, completed_at=dt.datetime(2026, 11, 25, 9, tzinfo=LONDON))
    assert screening.review_on == dt.date(2027, 2, 25)
    (duty,) = _reviews(child)
    assert duty.episode == episode
    assert duty.state == DutyState.OPEN
    assert duty.due_at == dt.datetime(2027, 2, 25, 23, 59, 59, tzinfo=LONDON)
    assert duty.owner_role == "social_worker"  # a_team2 is allocated to sw_2
    assert duty.owner_user == world.users["sw_2"]
    assert duty.rule == "screening_review_months"


def test_a_child_with_no_episode_gets_no_review_duty(world):
    child = world.children["b_only"]
    child.episodes.all().delete()
    _complete(world, child, user="cmo_b")
    assert _reviews(child) == []


def test_a_new_screening_after_a_new_episode_closes_the_review(world):
    first_episode = report_and_return(world)
    child = first_episode.child
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=30)):
        _complete(world, child, completed_at=timezone.now() - dt.timedelta(minutes=5))
    (first_review,) = _reviews(child)
    assert first_review.episode == first_episode
    # A new episode, then a new screening: the first review is done, a new one is planned.
    from homesafe.episodes.services import episode_report

    second_episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=timezone.now() - dt.timedelta(minutes=20),
        reported_at=timezone.now() - dt.timedelta(minutes=15),
        reported_by="foster_carer",
        risk="low",
        police_force=world.orgs["force_a"],
    )
    _complete(world, child, completed_at=timezone.now() - dt.timedelta(minutes=1))
    first_review.refresh_from_db()
    assert first_review.state == DutyState.DONE
    open_reviews = [d for d in _reviews(child) if d.state == DutyState.OPEN]
    assert [d.episode for d in open_reviews] == [second_episode]


def test_a_new_screening_on_the_same_episode_moves_the_review(world):
    episode = report_and_return(world)
    child = episode.child
    today = timezone.localdate()
    _complete(world, child, review_on=today + dt.timedelta(days=7))
    (duty,) = _reviews(child)
    assert timezone.localdate(duty.due_at) == today + dt.timedelta(days=7)
    _complete(world, child)
    (duty,) = _reviews(child)
    assert duty.state == DutyState.OPEN
    assert timezone.localdate(duty.due_at) > today + dt.timedelta(days=60)
