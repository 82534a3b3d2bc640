"""Interview services: validation naming the field, transitions as data, the exploitation
questions rule (North Yorkshire), duties closing, and audit entries without personal data."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.access.times import IN_FUTURE
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.interviews import services
from homesafe.interviews.choices import ALLOWED_TRANSITIONS, InterviewStatus
from homesafe.interviews.models import ContactAttempt, ReturnInterview
from homesafe.interviews.services import (
    interview_accept,
    interview_check_transition,
    interview_complete,
    interview_decline,
    interview_mark_unreachable,
    interview_offer,
    interview_record_attempt,
)
from tests.clock import NOW
from tests.interviews.helpers import content, report_and_return

HOUR = dt.timedelta(hours=1)


def _duty(episode, kind):
    return Duty.objects.get(episode=episode, kind=kind)


def _field_errors(excinfo) -> dict:
    return {k: [e.message for e in v] for k, v in excinfo.value.error_dict.items()}


# --- offer ------------------------------------------------------------------------------------


def test_offer_closes_the_rhi_offer_duty_and_is_audited(world, returned):
    assert _duty(returned, "rhi_offer").state == DutyState.OPEN
    interview = interview_offer(
        episode=returned,
        offered_at=timezone.now() - HOUR,
        offered_by_organisation=world.orgs["rhi"],
        offered_by_name="Robin Worker",
        offer_method="text",
        actor=world.users["rhi"],
    )
    assert interview.status == InterviewStatus.OFFERED and interview.child == returned.child
    assert _duty(returned, "rhi_offer").state == DutyState.DONE
    assert _duty(returned, "rhi_complete").state == DutyState.OPEN
    entry = AuditEntry.objects.get(verb="interview.offered")
    assert entry.actor == world.users["rhi"] and entry.child_id == returned.child_id
    assert entry.target_id == str(interview.pk)


@pytest.mark.parametrize(
    ("offered_at", "message"),
    [
        (dt.timedelta(hours=1), IN_FUTURE),
        (-dt.timedelta(hours=5), "before the child returned"),
    ],
)
def test_offer_times_are_checked(world, returned, offered_at, message):
    with pytest.raises(ValidationError) as excinfo:
        interview_offer(
            episode=returned,
            offered_at=timezone.now() + offered_at,
            offered_by_organisation=world.orgs["rhi"],
            offered_by_name="Robin",
            offer_method="phone",
            actor=world.users["rhi"],
        )
    assert message in _field_errors(excinfo)["offered_at"][0]
    assert not ReturnInterview.objects.exists()


def test_no_offer_while_missing_and_only_one_per_episode(world, offered):
    episode = world.episodes["a_team1"]  # still missing
    kwargs = {
        "offered_at": timezone.now() - HOUR,
        "offered_by_organisation": world.orgs["la_a"],
        "offered_by_name": "Sam",
        "offer_method": "phone",
        "actor": world.users["sw_1"],
    }
    with pytest.raises(ApplicationError) as excinfo:
        interview_offer(episode=episode, **kwargs)
    assert excinfo.value.code == "episode_open"
    with pytest.raises(ApplicationError) as excinfo:
        interview_offer(episode=offered.episode, **kwargs)
    assert excinfo.value.code == "interview_exists"


def test_the_offering_organisation_is_an_la_or_rhi_service(world, returned):
    with pytest.raises(ValidationError) as excinfo:
        interview_offer(
            episode=returned,
            offered_at=timezone.now() - HOUR,
            offered_by_organisation=world.orgs["force_a"],
            offered_by_name="PC",
            offer_method="phone",
            actor=world.users["cmo_a"],
        )
    assert "offered_by_organisation" in _field_errors(excinfo)


# --- transitions ------------------------------------------------------------------------------


def test_transitions_are_data_checked_in_one_place(offered):
    for current, targets in ALLOWED_TRANSITIONS.items():
        offered.status = current
        for target in InterviewStatus.values:
            if target in targets:
                interview_check_transition(offered, to=target)
            else:
                with pytest.raises(ApplicationError):
                    interview_check_transition(offered, to=target)
    assert ALLOWED_TRANSITIONS[InterviewStatus.COMPLETED] == set()
    assert ALLOWED_TRANSITIONS[InterviewStatus.DECLINED] == set()


def test_declined_closes_rhi_complete_and_is_final(world, offered):
    with pytest.raises(ValidationError) as excinfo:
        interview_decline(
            interview=offered,
            declined_at=timezone.now(),
            decline_reason=" ",
            actor=world.users["rhi"],
        )
    assert _field_errors(excinfo) == {"decline_reason": [services.REASON_MISSING]}
    interview_decline(
        interview=offered,
        declined_at=timezone.now() - dt.timedelta(minutes=5),
        decline_reason="Did not want to talk to anyone",
        actor=world.users["rhi"],
    )
    assert _duty(offered.episode, "rhi_complete").state == DutyState.DONE
    with pytest.raises(ApplicationError):
        interview_complete(interview=offered, actor=world.users["rhi"], **content(world))
    with pytest.raises(ApplicationError):
        interview_record_attempt(
            interview=offered,
            attempted_at=timezone.now(),
            method="phone",
            outcome="no_answer",
            actor=world.users["rhi"],
        )
    entry = AuditEntry.objects.get(verb="interview.declined")
    assert "Did not want" not in json.dumps(entry.payload)


def test_unreachable_needs_attempts_and_leaves_rhi_complete_open(world, offered):
    with pytest.raises(ValidationError) as excinfo:
        interview_mark_unreachable(
            interview=offered, unreachable_at=timezone.now(), actor=world.users["rhi"]
        )
    assert _field_errors(excinfo) == {"unreachable_at": [services.NO_ATTEMPTS]}
    for minutes in (120, 60):
        interview_record_attempt(
            interview=offered,
            attempted_at=timezone.now() - dt.timedelta(minutes=minutes),
            method="phone",
            outcome="no_answer",
            note="Voicemail",
            actor=world.users["rhi"],
        )
    interview_mark_unreachable(
        interview=offered, unreachable_at=timezone.now(), actor=world.users["rhi"]
    )
    assert offered.status == InterviewStatus.UNREACHABLE
    assert ContactAttempt.objects.filter(interview=offered).count() == 2
    assert _duty(offered.episode, "rhi_complete").state == DutyState.OPEN
    # Reached later: the interview can still be accepted and held.
    interview_accept(interview=offered, accepted_at=timezone.now(), actor=world.users["rhi"])
    interview_complete(interview=offered, actor=world.users["rhi"], **content(world))
    assert offered.status == InterviewStatus.COMPLETED


def test_attempt_time_is_checked(world, offered):
    with pytest.raises(ValidationError) as excinfo:
        interview_record_attempt(
            interview=offered,
            attempted_at=timezone.now() + HOUR,
            method="phone",
            outcome="no_answer",
            actor=world.users["rhi"],
        )
    assert _field_errors(excinfo) == {"attempted_at": [IN_FUTURE]}
    assert not ContactAttempt.objects.exists()


# --- complete ---------------------------------------------------------------------------------


def test_complete_records_everything_and_closes_both_duties(world, offered):
    interview = interview_complete(interview=offered, actor=world.users["rhi"], **content(world))
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.COMPLETED
    assert interview.childs_words == "  I just wanted to see my mates.  "  # verbatim
    assert interview.push_factors == ["conflict", "placement_unhappiness"]
    assert set(interview.shared_with.values_list("code", flat=True)) == {"FA", "100002"}
    assert _duty(offered.episode, "rhi_offer").state == DutyState.DONE
    assert _duty(offered.episode, "rhi_complete").state == DutyState.DONE


def test_complete_audit_names_fields_never_the_content(world, offered):
    data = content(world)
    interview_complete(interview=offered, actor=world.users["rhi"], **data)
    entry = AuditEntry.objects.get(verb="interview.completed")
    payload = json.dumps(entry.payload)
    assert "childs_words" in entry.payload["fields"]
    assert "push_factors" in entry.payload["fields"]
    for value in (
        "mates",
        "Older friends",
        "Snapchat",
        "Kay",
        "Worried",
        "Café",
        "Robin",
        "conflict",
        "older_associates",
        "concerns about",
    ):
        assert value not in payload


def test_new_exploitation_concern_from_the_interview_starts_mace_consideration(world, offered):
    assert not Duty.objects.filter(episode=offered.episode, kind="consider_mace").exists()
    data = content(world, referrals=[])  # no MACE referral yet: it is to be considered
    interview_complete(interview=offered, actor=world.users["rhi"], **data)
    mace = _duty(offered.episode, "consider_mace")
    assert mace.state == DutyState.OPEN
    assert "raised" in mace.reason


def test_none_identified_raises_no_concern(world, offered):
    data = content(world, exploitation_indicators=["none_identified"])
    interview_complete(interview=offered, actor=world.users["rhi"], **data)
    assert not Duty.objects.filter(episode=offered.episode, kind="consider_mace").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"held_at": NOW + HOUR}, "held_at", IN_FUTURE),
        ({"held_where": " "}, "held_where", services.HELD_WHERE_MISSING),
        ({"held_by_name": ""}, "held_by_name", services.HELD_BY_MISSING),
        ({"independent": None}, "independent", services.INDEPENDENT_MISSING),
        (
            {"independent": False},
            "not_independent_reason",
            services.NOT_INDEPENDENT_REASON_MISSING,
        ),
        ({"push_factors": ["boredom"]}, "push_factors", "boredom"),
        ({"pull_factors": ["conflict"]}, "pull_factors", "conflict"),
        ({"referrals": ["other"]}, "referrals_other", services.REFERRAL_OTHER_MISSING),
        (
            {"exploitation_indicators": ["none_identified", "new_phone"]},
            "exploitation_indicators",
            services.NONE_AND_INDICATORS,
        ),
        (
            {"safeguarding_override": True, "override_reason": ""},
            "override_reason",
            services.OVERRIDE_REASON_MISSING,
        ),
        ({"consent_to_share": "no"}, "shared_with", services.SHARING_NOT_ALLOWED),
        ({"shareable_summary": ""}, "shareable_summary", services.SUMMARY_MISSING),
    ],
)
def test_complete_validation_names_the_field_and_writes_nothing(
    world, offered, overrides, field, message
):
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        interview_complete(
            interview=offered, actor=world.users["rhi"], **content(world, **overrides)
        )
    assert message in _field_errors(excinfo)[field][0]
    offered.refresh_from_db()
    assert offered.status == InterviewStatus.OFFERED and offered.held_at is None
    assert AuditEntry.objects.count() == audits


def test_held_before_the_offer_is_refused(world, offered):
    data = content(world, held_at=offered.offered_at - dt.timedelta(minutes=30))
    with pytest.raises(ValidationError) as excinfo:
        interview_complete(interview=offered, actor=world.users["rhi"], **data)
    assert _field_errors(excinfo)["held_at"] == [services.BEFORE_OFFER]


def test_override_allows_sharing_without_consent(world, offered):
    data = content(
        world,
        consent_to_share="no",
        safeguarding_override=True,
        override_reason="Risk of serious harm from an adult",
    )
    interview = interview_complete(interview=offered, actor=world.users["rhi"], **data)
    assert interview.may_share


# --- the exploitation questions (North Yorkshire audit) ---------------------------------------


@pytest.mark.parametrize(
    "report",
    [{"pre_planned_indicators": ["bag_packed"]}, {"exploitation_concern": True}],
    ids=["pre-planned", "exploitation concern"],
)
def test_planned_or_exploitation_episode_needs_the_exploitation_questions(world, report):
    episode = report_and_return(world, **report)
    assert episode.pre_planned or episode.exploitation_concern
    interview = interview_offer(
        episode=episode,
        offered_at=timezone.now() - 3 * HOUR,
        offered_by_organisation=world.orgs["rhi"],
        offered_by_name="Robin",
        offer_method="in_person",
        actor=world.users["rhi"],
    )
    with pytest.raises(ValidationError) as excinfo:
        interview_complete(
            interview=interview,
            actor=world.users["rhi"],
            **content(world, exploitation_indicators=[], exploitation_note=""),
        )
    errors = _field_errors(excinfo)
    assert errors["exploitation_indicators"] == [services.EXPLOITATION_QUESTIONS]
    assert errors["exploitation_note"] == [services.EXPLOITATION_NOTE_MISSING]
    # Answered with "none identified" and a note: it completes.
    interview_complete(
        interview=interview,
        actor=world.users["rhi"],
        **content(
            world,
            exploitation_indicators=["none_identified"],
            exploitation_note="Asked about money, phones and older friends; nothing found",
        ),
    )
    assert interview.status == InterviewStatus.COMPLETED


def test_an_ordinary_episode_may_leave_the_exploitation_questions_blank(world, offered):
    assert not offered.episode.pre_planned and not offered.episode.exploitation_concern
    interview_complete(
        interview=offered,
        actor=world.users["rhi"],
        **content(world, exploitation_indicators=[], exploitation_note=""),
    )
    assert offered.status == InterviewStatus.COMPLETED
