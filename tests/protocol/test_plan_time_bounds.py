"""plan_time_bounds: what a plan reads of the time besides each duty's open or overdue status.

Re-planning skips a child whose facts are as at a plan that changed nothing, as long as this
answer is the same (homesafe.duties.replan): two plans of the same facts at two times with the
same answer must differ in nothing but that status.
"""

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from homesafe.protocol.calendar import LONDON
from homesafe.protocol.duties import plan_duties, plan_time_bounds
from homesafe.protocol.facts import (
    CaseFacts,
    ChildFacts,
    ChildStatus,
    DutyStatus,
    EpisodeFacts,
    LegalStatus,
    NetworkPartner,
    Risk,
)
from homesafe.protocol.settings import ProtocolSettings

SETTINGS = ProtocolSettings()
START = dt.datetime(2026, 1, 1, tzinfo=LONDON)
minutes = st.integers(min_value=0, max_value=400 * 24 * 60)


@st.composite
def case_facts(draw) -> CaseFacts:
    count = draw(st.integers(min_value=1, max_value=3))
    episodes = []
    for n in range(count):
        reported_at = START + dt.timedelta(minutes=draw(minutes))
        returned = draw(st.none() | st.integers(min_value=1, max_value=20 * 24 * 60))
        episodes.append(
            EpisodeFacts(
                id=f"e{n}",
                reported_at=reported_at,
                risk=draw(st.sampled_from(Risk)),
                exploitation_concern=draw(st.booleans()),
                trafficking_concern=draw(st.booleans()),
                returned_at=None
                if returned is None
                else reported_at + dt.timedelta(minutes=returned),
            )
        )
    status = draw(st.sampled_from(ChildStatus))
    child = ChildFacts(
        # Some children turn 18 within the year the times are drawn from.
        date_of_birth=dt.date(2008, 1, 1) + dt.timedelta(days=draw(st.integers(0, 500))),
        status=status,
        legal_status=draw(st.sampled_from(LegalStatus))
        if status == ChildStatus.LOOKED_AFTER
        else None,
        allocated=draw(st.booleans()),
        placed_out_of_area=draw(st.booleans()),
        attends_school=draw(st.booleans()),
        network=frozenset(draw(st.sets(st.sampled_from(NetworkPartner), max_size=3))),
    )
    return CaseFacts(now=START, child=child, episodes=tuple(episodes))


def _without_overdue(planned):
    return [
        replace(duty, status=DutyStatus.OPEN) if duty.status == DutyStatus.OVERDUE else duty
        for duty in planned
    ]


@settings(max_examples=300, deadline=None)
@given(case_facts(), minutes, minutes)
def test_plans_at_two_times_with_the_same_bounds_differ_only_in_overdue(facts, first, second):
    at_first = replace(facts, now=START + dt.timedelta(minutes=first))
    at_second = replace(facts, now=START + dt.timedelta(minutes=second))
    if plan_time_bounds(at_first) == plan_time_bounds(at_second):
        assert _without_overdue(plan_duties(at_first, SETTINGS)) == _without_overdue(
            plan_duties(at_second, SETTINGS)
        )


def test_the_birthday_notice_changes_the_bounds_and_the_plan():
    """18 on 26 November 2026: the prompt is planned from 27 October, and the bounds say so."""
    facts = CaseFacts(
        now=dt.datetime(2026, 10, 26, 23, 0, tzinfo=LONDON),
        child=ChildFacts(date_of_birth=dt.date(2008, 11, 26), status=ChildStatus.HOME),
        episodes=(EpisodeFacts(id="e1", reported_at=START, risk=Risk.MEDIUM),),
    )
    later = replace(facts, now=dt.datetime(2026, 10, 27, 0, 0, tzinfo=LONDON))
    assert plan_time_bounds(facts) != plan_time_bounds(later)
    kinds = {duty.kind for duty in plan_duties(facts, SETTINGS)}
    assert "eighteenth_birthday" not in kinds
    assert "eighteenth_birthday" in {duty.kind for duty in plan_duties(later, SETTINGS)}
