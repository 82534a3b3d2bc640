"""plan_duties: the rules, worked through examples a practitioner would recognise."""

import datetime as dt
import sys
from dataclasses import replace

import pytest

from homesafe.protocol.calendar import LONDON
from homesafe.protocol.duties import eighteenth_birthday, plan_duties
from homesafe.protocol.facts import (
    CaseFacts,
    ChildFacts,
    ChildStatus,
    DutyKind,
    DutyStatus,
    EpisodeFacts,
    LegalStatus,
    NetworkPartner,
    OwnerRole,
    Risk,
    ScreeningFacts,
)
from homesafe.protocol.settings import ProtocolSettings, SearchDuty

K = DutyKind
SETTINGS = ProtocolSettings()


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def child(**overrides) -> ChildFacts:
    values = {"date_of_birth": dt.date(2011, 5, 4), "status": ChildStatus.HOME}
    return ChildFacts(**(values | overrides))


def episode(id="e1", reported_at=None, risk=Risk.MEDIUM, **overrides) -> EpisodeFacts:
    reported_at = reported_at or london(2026, 11, 24, 10, 0)
    return EpisodeFacts(id=id, reported_at=reported_at, risk=risk, **overrides)


def plan(*episodes, now=None, settings=SETTINGS, **child_overrides):
    facts = CaseFacts(
        now=now or london(2026, 11, 25, 12, 0),
        child=child(**child_overrides),
        episodes=tuple(episodes),
    )
    return plan_duties(facts, settings)


def by_key(duties):
    return {(duty.kind, duty.episode): duty for duty in duties}


def kinds(duties, episode_id=None):
    return {duty.kind for duty in duties if episode_id in (None, duty.episode)}


def test_a_returned_child_at_home_with_no_concerns_gets_the_return_interview_only():
    duties = plan(episode(returned_at=london(2026, 11, 24, 18, 0)))
    assert kinds(duties) == {K.RHI_OFFER, K.RHI_COMPLETE}
    offer = by_key(duties)[K.RHI_OFFER, "e1"]
    assert offer.due_at == london(2026, 11, 27, 18, 0)
    assert offer.owner_role == OwnerRole.RHI_SERVICE
    assert offer.rule == "rhi_offer_hours"
    assert offer.status == DutyStatus.OPEN
    assert "Returned Tue 24 Nov 2026 18:00" in offer.reason
    assert "72 hours" in offer.reason


def test_duties_are_sorted_by_due_time_then_kind_then_episode():
    duties = plan(
        episode(risk=Risk.HIGH, exploitation_concern=True, trafficking_concern=True),
        status=ChildStatus.LOOKED_AFTER,
        legal_status=LegalStatus.CARE_ORDER,
        allocated=True,
        attends_school=True,
        placed_out_of_area=True,
    )
    keys = [(duty.due_at, duty.kind, duty.episode) for duty in duties]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))
    assert all(duty.due_at.tzinfo is LONDON for duty in duties)


def test_allocated_looked_after_child_still_missing_gets_every_missing_duty():
    duties = plan(
        episode(reported_at=london(2026, 11, 24, 10, 0)),
        now=london(2026, 11, 25, 12, 0),
        status=ChildStatus.LOOKED_AFTER,
        legal_status=LegalStatus.CARE_ORDER,
        allocated=True,
        attends_school=True,
    )
    duty = by_key(duties)
    assert duty[K.NOTIFY_SOCIAL_WORKER, "e1"].due_at == london(2026, 11, 24, 23, 59, 59)
    assert duty[K.NOTIFY_SOCIAL_WORKER, "e1"].status == DutyStatus.OVERDUE
    assert duty[K.NOTIFY_IRO, "e1"].owner_role == OwnerRole.SOCIAL_WORKER
    assert duty[K.NOTIFY_IRO, "e1"].tells == OwnerRole.IRO
    assert duty[K.NOTIFY_SCHOOL, "e1"].due_at == london(2026, 11, 25, 9, 0)
    assert duty[K.NOTIFY_SCHOOL, "e1"].owner_role == OwnerRole.MISSING_COORDINATOR
    assert duty[K.NOTIFY_SCHOOL, "e1"].tells == OwnerRole.SCHOOL
    alert = duty[K.SENIOR_LEADER_ALERT, "e1"]
    assert (alert.due_at, alert.status) == (london(2026, 11, 25, 10, 0), DutyStatus.OVERDUE)
    assert duty[K.ESCALATE_TEAM_MANAGER, "e1"].due_at == london(2026, 11, 25, 10, 0)
    service = duty[K.ESCALATE_SERVICE_MANAGER, "e1"]
    assert (service.due_at, service.status) == (london(2026, 11, 26, 10, 0), DutyStatus.OPEN)
    assert duty[K.ESCALATE_HEAD_OF_SERVICE, "e1"].due_at == london(2026, 11, 27, 10, 0)
    assert duty[K.CONSIDER_RECOVERY_ORDER, "e1"].owner_role == OwnerRole.SOCIAL_WORKER
    # Allocated and missing over 24 hours (Wed 25th 10:00): three working days to Mon 30th.
    meeting = duty[K.STRATEGY_MEETING, "e1"]
    assert meeting.due_at == london(2026, 11, 30, 23, 59, 59)
    assert "still missing 24 hours" in meeting.reason
    assert K.NOTIFY_CP_CHAIR not in kinds(duties)
    assert not kinds(duties) & {K.RHI_OFFER, K.PRE_INCIDENT_REVIEW, K.HIGH_RISK_ALERT}


def test_escalations_stop_being_planned_when_the_child_returns_before_they_fall_due():
    duties = plan(
        episode(reported_at=london(2026, 11, 24, 10, 0), returned_at=london(2026, 11, 25, 20, 0)),
        allocated=True,
        legal_status=LegalStatus.EPO,
    )
    planned = kinds(duties)
    assert {K.SENIOR_LEADER_ALERT, K.ESCALATE_TEAM_MANAGER, K.CONSIDER_RECOVERY_ORDER} <= planned
    assert K.ESCALATE_SERVICE_MANAGER not in planned  # 48 hours: Thu 26th 10:00, after return
    assert K.ESCALATE_HEAD_OF_SERVICE not in planned


def test_a_child_home_within_24_hours_has_no_strategy_meeting_from_the_missing_trigger():
    duties = plan(
        episode(returned_at=london(2026, 11, 24, 22, 0)),
        allocated=True,
    )
    assert K.STRATEGY_MEETING not in kinds(duties)
    assert K.SENIOR_LEADER_ALERT not in kinds(duties)


def test_recovery_order_is_never_for_section_20():
    assert K.CONSIDER_RECOVERY_ORDER not in kinds(
        plan(episode(), status=ChildStatus.LOOKED_AFTER, legal_status=LegalStatus.S20)
    )
    for legal_status in set(LegalStatus) - {LegalStatus.S20}:
        assert K.CONSIDER_RECOVERY_ORDER in kinds(plan(episode(), legal_status=legal_status))


def test_high_risk_alert_at_once_and_strategy_meeting_from_the_high_grading():
    graded = london(2026, 11, 24, 15, 0)
    duties = plan(episode(risk=Risk.MEDIUM, high_risk_at=graded))  # graded high, then down
    duty = by_key(duties)
    assert duty[K.HIGH_RISK_ALERT, "e1"].due_at == graded
    assert duty[K.HIGH_RISK_ALERT, "e1"].owner_role == OwnerRole.MISSING_COORDINATOR
    assert duty[K.HIGH_RISK_ALERT, "e1"].tells == OwnerRole.SENIOR_LEADER
    assert duty[K.STRATEGY_MEETING, "e1"].due_at == london(2026, 11, 27, 23, 59, 59)
    assert "graded high risk Tue 24 Nov 2026 15:00" in duty[K.STRATEGY_MEETING, "e1"].reason
    reported_high = by_key(plan(episode(risk=Risk.HIGH)))
    assert reported_high[K.HIGH_RISK_ALERT, "e1"].due_at == london(2026, 11, 24, 10, 0)


def test_one_strategy_meeting_per_episode_due_by_the_earliest_trigger():
    duties = plan(
        episode(
            risk=Risk.MEDIUM,
            high_risk_at=london(2026, 11, 26, 9, 0),
            exploitation_concern=True,
            exploitation_concern_at=london(2026, 11, 25, 9, 0),
        ),
        allocated=True,
    )
    meetings = [duty for duty in duties if duty.kind == K.STRATEGY_MEETING]
    assert len(meetings) == 1
    # Exploitation concern Wed 25th (the earliest; missing 24 hours is Wed 25th 10:00).
    assert meetings[0].due_at == london(2026, 11, 30, 23, 59, 59)
    assert "exploitation concern" in meetings[0].reason
    held = plan(episode(exploitation_concern=True, strategy_meeting_at=london(2026, 11, 26, 14, 0)))
    assert by_key(held)[K.STRATEGY_MEETING, "e1"].status == DutyStatus.DONE


def test_strategy_meeting_triggers_come_from_the_settings():
    only_high_risk = ProtocolSettings.from_mapping({"strategy_meeting_triggers": ["high_risk"]})
    assert K.STRATEGY_MEETING not in kinds(
        plan(episode(exploitation_concern=True), allocated=True, settings=only_high_risk)
    )
    five_days = ProtocolSettings.from_mapping({"strategy_meeting_working_days": 5})
    due = by_key(plan(episode(risk=Risk.HIGH), settings=five_days))[K.STRATEGY_MEETING, "e1"]
    assert due.due_at == london(2026, 12, 1, 23, 59, 59)


def test_child_returns_and_goes_missing_again_before_the_rhi_is_done():
    first = episode(
        "e1", reported_at=london(2026, 11, 2, 18, 0), returned_at=london(2026, 11, 3, 10, 0)
    )
    second = episode("e2", reported_at=london(2026, 11, 4, 20, 0))
    duties = plan(first, second, now=london(2026, 11, 5, 12, 0), allocated=True)
    duty = by_key(duties)
    # The first return's interview still stands while the child is missing again...
    assert duty[K.RHI_OFFER, "e1"].due_at == london(2026, 11, 6, 10, 0)
    assert duty[K.RHI_OFFER, "e1"].status == DutyStatus.OPEN
    assert duty[K.RHI_COMPLETE, "e1"].status == DutyStatus.OPEN
    # ...the second episode has its own missing duties, and no interview until it ends.
    assert duty[K.SENIOR_LEADER_ALERT, "e2"].due_at == london(2026, 11, 5, 20, 0)
    assert not kinds(duties, "e2") & {K.RHI_OFFER, K.RHI_COMPLETE}
    assert K.SENIOR_LEADER_ALERT not in kinds(duties, "e1")  # home after 16 hours
    assert {duty.episode for duty in duties if duty.kind == K.NOTIFY_SOCIAL_WORKER} == {"e1", "e2"}

    # When the child comes back again, each return has its own interview offer.
    back = episode("e2", reported_at=second.reported_at, returned_at=london(2026, 11, 6, 8, 0))
    duties = by_key(plan(first, back, now=london(2026, 11, 6, 12, 0), allocated=True))
    assert duties[K.RHI_OFFER, "e1"].due_at == london(2026, 11, 6, 10, 0)
    assert duties[K.RHI_OFFER, "e1"].status == DutyStatus.OVERDUE
    assert duties[K.RHI_OFFER, "e2"].due_at == london(2026, 11, 9, 8, 0)
    assert duties[K.RHI_OFFER, "e2"].status == DutyStatus.OPEN


def test_rhi_offered_only_on_second_and_later_episodes_unless_concerns_are_significant():
    settings = ProtocolSettings.from_mapping({"rhi_offer_on": "second_and_later"})
    returned = {"returned_at": london(2026, 11, 24, 18, 0)}
    assert K.RHI_OFFER not in kinds(plan(episode(**returned), settings=settings))
    assert K.RHI_OFFER in kinds(plan(episode(**returned), settings=settings, earlier_episodes=1))
    significant = episode(exploitation_concern=True, **returned)
    assert K.RHI_OFFER in kinds(plan(significant, settings=settings))
    first = episode("e1", reported_at=london(2026, 11, 1, 10), returned_at=london(2026, 11, 1, 15))
    duties = plan(first, episode("e2", **returned), settings=settings)
    assert {d.episode for d in duties if d.kind == K.RHI_OFFER} == {"e2"}
    assert "2nd episode" in by_key(duties)[K.RHI_OFFER, "e2"].reason


def test_rhi_done_by_facts():
    returned = london(2026, 11, 24, 18, 0)
    offered = by_key(plan(episode(returned_at=returned, rhi_offered_at=london(2026, 11, 25, 9))))
    assert offered[K.RHI_OFFER, "e1"].status == DutyStatus.DONE
    assert offered[K.RHI_COMPLETE, "e1"].status == DutyStatus.OPEN
    declined = by_key(plan(episode(returned_at=returned, rhi_declined_at=london(2026, 11, 25, 9))))
    assert declined[K.RHI_OFFER, "e1"].status == DutyStatus.DONE
    assert declined[K.RHI_COMPLETE, "e1"].status == DutyStatus.DONE


def test_out_of_area_placement_tells_the_placing_and_host_authorities_the_same_working_day():
    saturday = london(2026, 11, 28, 11, 0)
    duties = plan(
        episode(reported_at=saturday),
        now=london(2026, 11, 28, 12, 0),
        status=ChildStatus.LOOKED_AFTER,
        placed_out_of_area=True,
    )
    duty = by_key(duties)
    placing, host = duty[K.NOTIFY_PLACING_LA, "e1"], duty[K.NOTIFY_HOST_LA, "e1"]
    assert placing.owner_role == host.owner_role == OwnerRole.MISSING_COORDINATOR
    assert (placing.tells, host.tells) == (OwnerRole.PLACING_LA, OwnerRole.HOST_LA)
    # Reported on a Saturday: the same working day is Monday.
    assert placing.due_at == host.due_at == london(2026, 11, 30, 23, 59, 59)
    assert placing.status == host.status == DutyStatus.OPEN
    assert "placed out of area" in host.reason
    assert not kinds(plan(episode(), status=ChildStatus.LOOKED_AFTER)) & {
        K.NOTIFY_PLACING_LA,
        K.NOTIFY_HOST_LA,
    }


def test_cp_chair_is_told_for_a_child_protection_plan():
    duties = plan(episode(), status=ChildStatus.CHILD_PROTECTION)
    chair = by_key(duties)[K.NOTIFY_CP_CHAIR, "e1"]
    assert (chair.owner_role, chair.tells) != (OwnerRole.CP_CHAIR, None)
    assert chair.tells == OwnerRole.CP_CHAIR
    assert K.NOTIFY_IRO not in kinds(duties)


def test_pre_incident_review_five_working_days_after_return_for_a_looked_after_child():
    returned = london(2026, 12, 23, 16, 0)  # Wednesday before Christmas 2026
    duties = plan(
        episode(reported_at=london(2026, 12, 23, 9, 0), returned_at=returned),
        now=london(2026, 12, 23, 17, 0),
        status=ChildStatus.LOOKED_AFTER,
        allocated=True,
    )
    review = by_key(duties)[K.PRE_INCIDENT_REVIEW, "e1"]
    # Thu 24, then Tue 29, Wed 30, Thu 31 December (Boxing Day's substitute is Mon 28th),
    # then Mon 4 January (New Year's Day is a Friday).
    assert review.due_at == london(2027, 1, 4, 23, 59, 59)
    assert review.owner_role == OwnerRole.SOCIAL_WORKER
    assert K.PRE_INCIDENT_REVIEW not in kinds(plan(episode(returned_at=returned)))


def test_safety_plan_review_five_working_days_after_a_return_with_a_plan_in_force():
    returned = london(2026, 12, 23, 16, 0)  # Wednesday before Christmas 2026
    with_plan = episode(
        reported_at=london(2026, 12, 23, 9, 0), returned_at=returned, safety_plan_in_force=True
    )
    duties = plan(with_plan, now=london(2026, 12, 23, 17, 0), allocated=True)
    review = by_key(duties)[K.SAFETY_PLAN_REVIEW, "e1"]
    assert review.due_at == london(2027, 1, 4, 23, 59, 59)  # as the pre-incident review
    assert review.owner_role == OwnerRole.SOCIAL_WORKER
    assert review.rule == "safety_plan_review_working_days"
    assert review.status == DutyStatus.OPEN
    # Unallocated: the missing coordinator owns it. A version saved after the return closes it.
    assert by_key(plan(with_plan))[K.SAFETY_PLAN_REVIEW, "e1"].owner_role == (
        OwnerRole.MISSING_COORDINATOR
    )
    reviewed = replace(with_plan, safety_plan_reviewed_at=london(2026, 12, 24, 10, 0))
    assert by_key(plan(reviewed))[K.SAFETY_PLAN_REVIEW, "e1"].status == DutyStatus.DONE
    # No plan in force at the return, or not returned yet: no review.
    assert K.SAFETY_PLAN_REVIEW not in kinds(plan(episode(returned_at=returned)))
    assert K.SAFETY_PLAN_REVIEW not in kinds(plan(episode(safety_plan_in_force=True)))


def test_repeat_meeting_on_the_episode_that_reaches_the_threshold():
    start = london(2026, 1, 5, 10, 0)

    def ep(n, days):
        reported = start + dt.timedelta(days=days)
        return episode(f"e{n}", reported_at=reported, returned_at=reported + dt.timedelta(hours=5))

    episodes = [ep(1, 0), ep(2, 30), ep(3, 60), ep(4, 70), ep(5, 200), ep(6, 210), ep(7, 220)]
    duties = plan(*reversed(episodes), now=london(2026, 12, 1, 12, 0))
    reached = [duty for duty in duties if duty.kind == K.REPEAT_MEETING]
    assert [duty.episode for duty in reached] == ["e3", "e7"]
    assert reached[0].owner_role == OwnerRole.MISSING_COORDINATOR
    assert "3rd episode in 90 days" in reached[0].reason
    meetings = {duty.episode for duty in duties if duty.kind == K.STRATEGY_MEETING}
    assert meetings == {"e3", "e7"}
    # Outside 90 days, the third episode does not reach the threshold.
    spread = [ep(1, 0), ep(2, 50), ep(3, 91)]
    assert K.REPEAT_MEETING not in kinds(plan(*spread, now=london(2026, 12, 1, 12, 0)))


def test_mace_and_nrm_considered_from_when_the_concern_was_raised():
    concern = london(2026, 11, 27, 16, 0)  # a Friday, in the return interview
    duties = by_key(
        plan(
            episode(
                returned_at=london(2026, 11, 25, 8),
                exploitation_concern=True,
                exploitation_concern_at=concern,
                trafficking_concern=True,
            ),
            now=london(2026, 11, 27, 17, 0),
        )
    )
    assert duties[K.CONSIDER_MACE, "e1"].due_at == london(2026, 12, 4, 23, 59, 59)
    assert duties[K.CONSIDER_MACE, "e1"].status == DutyStatus.OPEN
    assert duties[K.CONSIDER_NRM, "e1"].due_at == london(2026, 12, 1, 23, 59, 59)  # from report


def test_eighteenth_birthday_prompt_while_the_episode_is_open():
    dob = dt.date(2008, 11, 26)  # 18 on Thursday 26 November 2026
    missing = plan(episode(), date_of_birth=dob)
    prompt = by_key(missing)[K.EIGHTEENTH_BIRTHDAY, "e1"]
    assert prompt.due_at == london(2026, 11, 26, 23, 59, 59)
    assert prompt.owner_role == OwnerRole.MISSING_COORDINATOR
    home_before = episode(returned_at=london(2026, 11, 25, 23, 0))
    assert K.EIGHTEENTH_BIRTHDAY not in kinds(plan(home_before, date_of_birth=dob))
    assert K.EIGHTEENTH_BIRTHDAY not in kinds(plan(episode(), date_of_birth=dt.date(2008, 11, 24)))


def test_eighteenth_birthday_of_a_leap_day_child_is_1_march():
    assert eighteenth_birthday(dt.date(2008, 2, 29)) == dt.date(2026, 3, 1)
    assert eighteenth_birthday(dt.date(2010, 2, 28)) == dt.date(2028, 2, 28)


def test_completed_and_not_needed_duties_recorded_by_people():
    duties = by_key(
        plan(
            episode(
                completed={"notify_social_worker": london(2026, 11, 24, 11, 0)},
                not_needed={"notify_school": "Half term: the school was told by phone."},
            ),
            allocated=True,
            attends_school=True,
        )
    )
    assert duties[K.NOTIFY_SOCIAL_WORKER, "e1"].status == DutyStatus.DONE
    school = duties[K.NOTIFY_SCHOOL, "e1"]
    assert school.status == DutyStatus.NOT_NEEDED
    assert school.reason.endswith(
        "Recorded as not needed: Half term: the school was told by phone."
    )


def test_disabled_duties_are_not_planned():
    settings = ProtocolSettings.from_mapping({"disabled_duties": ["escalate_head_of_service"]})
    planned = kinds(plan(episode(), settings=settings))
    assert K.ESCALATE_TEAM_MANAGER in planned
    assert K.ESCALATE_HEAD_OF_SERVICE not in planned


def test_planning_twice_gives_the_same_duties():
    facts = (episode(risk=Risk.HIGH, exploitation_concern=True),)
    assert plan(*facts, allocated=True) == plan(*facts, allocated=True)


def test_the_protocol_package_imports_no_django():
    import subprocess

    code = (
        "import sys; import homesafe.protocol.simulate, homesafe.protocol.duties; "
        "sys.exit('django' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# The search's duties are planned only where the settings choose them: each is planned in
# tests/protocol/test_search_duties.py.
@pytest.mark.parametrize("kind", [k for k in DutyKind if k not in set(SearchDuty)])
def test_every_kind_can_be_planned(kind):
    everything = plan(
        episode(
            "e1",
            reported_at=london(2026, 9, 1, 10),
            returned_at=london(2026, 9, 2, 10),
            risk=Risk.HIGH,
            exploitation_concern=True,
            trafficking_concern=True,
            safety_plan_in_force=True,
        ),
        episode("e2", reported_at=london(2026, 9, 10, 10), returned_at=london(2026, 9, 10, 20)),
        episode("e3", reported_at=london(2026, 11, 24, 10)),
        now=london(2026, 11, 30, 12),
        date_of_birth=dt.date(2008, 12, 1),
        status=ChildStatus.LOOKED_AFTER,
        legal_status=LegalStatus.CARE_ORDER,
        allocated=True,
        attends_school=True,
        placed_out_of_area=True,
        screenings=(ScreeningFacts("s1", completed_at=london(2026, 9, 3, 10)),),
        network=frozenset(NetworkPartner),
    )
    cp = plan(episode(), status=ChildStatus.CHILD_PROTECTION)
    assert kind in kinds(everything) | kinds(cp)
