"""The search's duties (issue 16): planned only where the settings choose them, due by their
settings, owned by whoever must act (the police for Safe and Well), and done by the record."""

import datetime as dt

import pytest

from homesafe.protocol.duties import plan_duties
from homesafe.protocol.facts import (
    CaseFacts,
    ChildFacts,
    ChildStatus,
    DutyKind,
    DutyStatus,
    EpisodeFacts,
    OwnerRole,
    Risk,
    SearchFacts,
)
from homesafe.protocol.settings import ProtocolSettings, SearchDuty
from tests.protocol.test_duties import london

ALL = ProtocolSettings(search_duties=tuple(SearchDuty))
REPORTED = london(2026, 11, 24, 10, 0)


def plan(*, settings=ALL, now=None, allocated=True, **episode):
    values = {"id": "e1", "reported_at": REPORTED, "last_seen_at": REPORTED, "risk": Risk.HIGH}
    facts = CaseFacts(
        now=now or london(2026, 11, 24, 11, 0),
        child=ChildFacts(
            date_of_birth=dt.date(2011, 5, 4), status=ChildStatus.HOME, allocated=allocated
        ),
        episodes=(EpisodeFacts(**(values | episode)),),
    )
    return {d.kind: d for d in plan_duties(facts, settings)}


def test_none_is_planned_unless_the_settings_say_so():
    duties = plan(
        settings=ProtocolSettings(),
        returned_at=london(2026, 11, 25, 10),
        search=SearchFacts(publicity_approved=True, publicity_live=True),
    )
    assert not set(duties) & set(SearchDuty)


def test_a_high_risk_child_still_missing_calls_for_publicity_and_missing_people():
    duties = plan()
    publicity = duties[DutyKind.CONSIDER_PUBLICITY]
    assert publicity.due_at == REPORTED + dt.timedelta(hours=ALL.publicity_consider_hours)
    assert publicity.owner_role == OwnerRole.SOCIAL_WORKER
    assert publicity.rule == "publicity_consider_hours"
    contact = duties[DutyKind.CONTACT_MISSING_PEOPLE]
    assert contact.due_at == REPORTED + dt.timedelta(hours=ALL.missing_people_contact_hours)
    assert DutyKind.SAFE_AND_WELL not in duties


def test_publicity_is_for_high_risk_only():
    assert DutyKind.CONSIDER_PUBLICITY not in plan(risk=Risk.MEDIUM)


def test_a_child_back_before_the_duties_fall_due_has_none():
    duties = plan(returned_at=london(2026, 11, 24, 12))
    assert DutyKind.CONSIDER_PUBLICITY not in duties
    assert DutyKind.CONTACT_MISSING_PEOPLE not in duties


def test_the_records_do_the_duties():
    duties = plan(
        search=SearchFacts(
            publicity_considered_at=london(2026, 11, 24, 10, 30),
            missing_people_contacted_at=london(2026, 11, 24, 10, 45),
        ),
        returned_at=london(2026, 11, 24, 10, 50),
    )
    assert duties[DutyKind.CONSIDER_PUBLICITY].status == DutyStatus.DONE
    assert duties[DutyKind.CONTACT_MISSING_PEOPLE].status == DutyStatus.DONE


def test_the_safe_and_well_check_is_the_polices_after_the_return():
    returned = london(2026, 11, 24, 20)
    duties = plan(returned_at=returned, now=london(2026, 11, 28, 12))
    check = duties[DutyKind.SAFE_AND_WELL]
    assert check.owner_role == OwnerRole.POLICE
    assert check.due_at == returned + dt.timedelta(hours=72)
    assert check.status == DutyStatus.OVERDUE
    done = plan(returned_at=returned, search=SearchFacts(safe_and_well_at=returned))
    assert done[DutyKind.SAFE_AND_WELL].status == DutyStatus.DONE


@pytest.mark.parametrize(("live", "status"), [(True, DutyStatus.OPEN), (False, DutyStatus.DONE)])
def test_approved_publicity_is_withdrawn_after_the_return(live, status):
    returned = london(2026, 11, 24, 20)
    duties = plan(
        returned_at=returned,
        search=SearchFacts(
            publicity_considered_at=REPORTED, publicity_approved=True, publicity_live=live
        ),
    )
    withdraw = duties[DutyKind.WITHDRAW_PUBLICITY]
    assert withdraw.due_at == returned + dt.timedelta(hours=ALL.publicity_withdraw_hours)
    assert withdraw.status == status


def test_publicity_not_approved_has_nothing_to_withdraw():
    duties = plan(
        returned_at=london(2026, 11, 24, 20), search=SearchFacts(publicity_considered_at=REPORTED)
    )
    assert DutyKind.WITHDRAW_PUBLICITY not in duties
