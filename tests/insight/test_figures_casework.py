"""Figures around the episodes (homesafe.insight.figures_casework) on the hand-made data set
of tests/insight/dataset.py, worked out by hand."""

import pytest

from homesafe.insight import figures_casework as casework
from homesafe.insight.figures import Filters, kpis, period_episodes
from homesafe.insight.scope import children_of_la
from homesafe.interviews.choices import TermKind
from homesafe.interviews.models import InterviewTerm, ReturnInterview
from homesafe.interviews.queries import interview_taxonomy
from tests.factories import PlacementFactory
from tests.insight.dataset import OCTOBER, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build()


def test_returns_by_who_found_and_how_long(data):
    assert casework.returns(period_episodes(period=OCTOBER)) == {
        # e1 found by police, e2 came back by themselves, e4 not recorded; e3 still missing.
        "found_by": {
            "self": 1,
            "police": 1,
            "family": 0,
            "carer": 0,
            "professional": 0,
            "other": 0,
            "not_recorded": 1,
        },
        # e1 23 h and e4 exactly 24 h; e2 exactly 48 h.
        "duration": {"up_to_24h": 2, "24h_to_48h": 1, "48h_to_7d": 0, "over_7d": 0},
    }


def test_reported_when_in_london(data):
    assert casework.reported_when(period_episodes(period=OCTOBER)) == {
        # e1: Thursday 1 October 00:10 BST (Wednesday 23:10 in UTC); e4: Tuesday 09:00;
        # e2: Saturday 12:00; e3: Saturday 31 October 23:30 GMT.
        "weekday": {
            "monday": 0,
            "tuesday": 1,
            "wednesday": 0,
            "thursday": 1,
            "friday": 0,
            "saturday": 2,
            "sunday": 0,
        },
        "time_of_day": {"00_to_06": 1, "06_to_12": 1, "12_to_18": 1, "18_to_24": 1},
    }


def test_push_and_pull_factors_and_indicators_across_children(data):
    terms = {
        (t.kind, t.code): (t.interviews, t.children)
        for t in casework.interview_terms(period_episodes(period=OCTOBER))
    }
    # Only e1's interview was completed (e2's was declined).
    assert terms[(TermKind.PUSH_FACTOR, "conflict")] == (1, 1)
    assert terms[(TermKind.PUSH_FACTOR, "bullying")] == (1, 1)
    assert terms[(TermKind.PULL_FACTOR, "friends")] == (1, 1)
    assert terms[(TermKind.EXPLOITATION_INDICATOR, "drugs")] == (1, 1)
    assert terms[(TermKind.EXPLOITATION_INDICATOR, "county_lines")] == (1, 1)
    # "drugs_alcohol" is a pull factor, not on e1's interview.
    assert terms[(TermKind.PULL_FACTOR, "drugs_alcohol")] == (0, 0)
    recorded = {key for key, (n, _c) in terms.items() if n}
    assert len(recorded) == 5


def test_a_code_is_never_matched_inside_another(data):
    # The shipped terms first: a browser test's flush empties the table, and the taxonomy is
    # filled again only when it is read empty, which adding a term first would prevent.
    interview_taxonomy()
    InterviewTerm.objects.create(
        kind=TermKind.PUSH_FACTOR, code="conflict_at_school", label="Conflict at school"
    )
    ReturnInterview.objects.filter(episode=data.e1).update(push_factors=["conflict_at_school"])
    terms = {
        t.code: t.interviews
        for t in casework.interview_terms(period_episodes(period=OCTOBER))
        if t.kind == TermKind.PUSH_FACTOR
    }
    assert terms["conflict_at_school"] == 1
    assert terms["conflict"] == 0


def test_a_term_counts_every_interview_and_each_child_once(data):
    """c1's two interviews both recorded conflict: two interviews, one child (the interviews
    are added up per child first)."""
    held = ReturnInterview.objects.get(episode=data.e1)
    ReturnInterview.objects.filter(episode=data.e2).update(
        status=held.status,
        held_at=held.held_at,
        push_factors=["conflict"],
        pull_factors=[],
        exploitation_indicators=[],
    )
    terms = {
        (t.kind, t.code): (t.interviews, t.children)
        for t in casework.interview_terms(period_episodes(period=OCTOBER))
    }
    assert terms[(TermKind.PUSH_FACTOR, "conflict")] == (2, 1)
    assert terms[(TermKind.PUSH_FACTOR, "bullying")] == (1, 1)


def test_meeting_attendance_by_agency(data):
    # e1's and e2's strategy meetings, both held in October.
    rows = casework.meeting_attendance(period=OCTOBER, children=None)
    assert [
        (r["agency"], r["invited"], r["attended"], r["apologies"], r["no_response"]) for r in rows
    ] == [
        ("A Police", 2, 1, 1, 0),
        ("Authority A", 2, 2, 0, 0),
    ]
    assert casework.meeting_attendance(period=OCTOBER, children=children_of_la(data.la_b)) == []


def test_disruption_and_legal_actions_of_the_period(data):
    assert casework.actions_taken(period=OCTOBER, children=None) == {
        "disruption": {"cawn": 0, "arrest": 0, "other": 1},  # 30 September's is left out
        "disruption_children": 1,
        # The NRM referral of 3 October; the recovery order was applied for in September...
        "legal": {"recovery_order": 0, "nrm_referral": 1, "mace_referral": 0},
        "recovery_orders_granted": 1,  # ...and granted on 2 October.
        "nrm_decisions": {
            "reasonable_grounds_positive": 1,
            "reasonable_grounds_negative": 0,
            "conclusive_grounds_positive": 0,
            "conclusive_grounds_negative": 0,
        },
    }
    assert (
        casework.actions_taken(period=OCTOBER, children=children_of_la(data.la_b))[
            "disruption_children"
        ]
        == 0
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(placement_type="foster"), 2),  # c1, placed in foster care
        (Filters(placement_type="residential"), 0),
        (Filters(out_of_area="yes"), 2),  # c1, placed by A in B's area
        (Filters(out_of_area="no"), 1),  # c2, living at home in A (below)
        (Filters(ethnicity="NOBT"), 4),  # every child's default
        (Filters(ethnicity="WBRI"), 0),
    ],
)
def test_placement_ethnicity_filters(data, filters, expected):
    PlacementFactory(child=data.c2, placing_la=data.la_a, host_la=data.la_a, placement_type="home")
    assert kpis(period=OCTOBER, filters=filters)["episodes"] == expected


def test_school_filter(data):
    from tests.factories import OrganisationFactory

    school = OrganisationFactory(type="school")
    data.c3.school = school
    data.c3.save()
    assert kpis(period=OCTOBER, filters=Filters(school_id=school.pk))["episodes"] == 1
