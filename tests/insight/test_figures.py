"""Every figure on the hand-made data set of tests/insight/dataset.py, worked out by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from homesafe.insight import figures
from homesafe.insight import figures_breakdowns as breakdowns
from homesafe.insight.figures import Filters, Period, kpis, period_episodes
from homesafe.insight.scope import children_of_la
from homesafe.protocol.facts import DutyKind
from tests.insight.dataset import OCTOBER, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build()


def test_the_contracts_figures_for_every_child(data):
    assert kpis(period=OCTOBER) == {
        "from": "2026-10-01",
        "to": "2026-10-31",
        # e1 to e4: not the episodes of 30 September 23:30 and 1 November 00:10 (London), nor
        # the one recorded in error.
        "episodes": 4,
        "episodes_missing": 3,  # e1, e3, e4
        "episodes_away": 1,  # e2
        "children": 3,  # c1, c2, c3
        "children_repeat": 1,  # c1 (e1 and e2)
        "episodes_by_risk": {
            "no_apparent_risk": 1,  # e4
            "very_low": 0,
            "low": 0,  # e1 was regraded low, but first graded high
            "medium": 1,  # e2
            "high": 1,  # e1
            "not_graded": 1,  # e3
        },
        "returned": 3,  # e1, e2, e4
        "returned_within_24h": 2,  # e1 (23 h), e4 (exactly 24 h); not e2 (48 h)
        "still_missing": 1,  # e3
        "rhi_offered": 2,  # e1, e2
        "rhi_offered_in_time": 1,  # e1 (10 h after the return; e2's came 8 h after its due time)
        "rhi_completed": 1,  # e1
        "rhi_declined": 1,  # e2
        "strategy_meetings_due": 2,  # e1, e2 (e3's was not needed)
        "strategy_meetings_in_time": 1,  # e1 (a day early; e2's a day late)
        "rhi_accepted": 1,  # e1 (completed)
        "exploitation_concern": 1,  # e2
        "trafficking_concern": 0,
    }


def test_one_local_authoritys_children(data):
    result = kpis(period=OCTOBER, children=children_of_la(data.la_a))
    # Without c3 (authority B) and so without e4.
    assert {key: result[key] for key in figures.KPI_KEYS} == {
        "episodes": 3,
        "episodes_missing": 2,
        "episodes_away": 1,
        "children": 2,
        "children_repeat": 1,
        "episodes_by_risk": {
            "no_apparent_risk": 0,
            "very_low": 0,
            "low": 0,
            "medium": 1,
            "high": 1,
            "not_graded": 1,
        },
        "returned": 2,
        "returned_within_24h": 1,
        "still_missing": 1,
        "rhi_offered": 2,
        "rhi_offered_in_time": 1,
        "rhi_completed": 1,
        "rhi_declined": 1,
        "strategy_meetings_due": 2,
        "strategy_meetings_in_time": 1,
    }


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # 1 October 00:10 BST is 30 September 23:10 UTC: still 1 October in London.
        (dt.date(2026, 10, 1), dt.date(2026, 10, 1), 1),
        # 30 September 23:30 BST is not 1 October.
        (dt.date(2026, 9, 30), dt.date(2026, 9, 30), 1),
        # Both ends included: 31 October 23:30 GMT counts; 1 November 00:10 does not.
        (dt.date(2026, 10, 31), dt.date(2026, 10, 31), 1),
        (dt.date(2026, 11, 1), dt.date(2026, 11, 1), 1),
        (dt.date(2026, 10, 2), dt.date(2026, 10, 30), 2),  # e2, e4
    ],
)
def test_periods_are_london_dates_both_included(data, start, end, expected):
    assert kpis(period=Period(start, end))["episodes"] == expected


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="ends before it starts"):
        Period(dt.date(2026, 10, 2), dt.date(2026, 10, 1))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(sex="2"), 2),  # c1, a girl: e1, e2
        (Filters(team_id=None), 4),
        (Filters(cohort="looked_after"), 2),  # c1
        # c2 was on a child protection plan until 1 September, in need from 15 October.
        (Filters(cohort="child_in_need"), 1),
        (Filters(cohort="child_protection"), 0),
        (Filters(cohort="not_known"), 1),  # c3: no cohort
        # c1 is 16; c3 turns 16 on the day of e4's report; c2 is 12 (13 the next day).
        (Filters(age_band="16_and_over"), 3),
        (Filters(age_band="10_to_15"), 1),
        (Filters(age_band="under_10"), 0),
        (Filters(sex="1", age_band="16_and_over"), 1),  # c3's e4
    ],
)
def test_filters(data, filters, expected):
    assert kpis(period=OCTOBER, filters=filters)["episodes"] == expected


def test_team_filter_is_the_allocated_social_workers_team(data):
    result = kpis(period=OCTOBER, filters=Filters(team_id=data.team.pk))
    assert (result["episodes"], result["children"], result["still_missing"]) == (1, 1, 1)


def test_unknown_filter_values_are_refused():
    with pytest.raises(ValueError, match="Unknown age band 'teen'"):
        Filters(age_band="teen")
    with pytest.raises(ValueError, match="Unknown cohort 'adopted'"):
        Filters(cohort="adopted")


def test_episodes_by_cohort_on_the_day_of_the_report(data):
    assert breakdowns.episodes_by_cohort(period_episodes(period=OCTOBER)) == {
        "not_known": 1,  # e4 (c3)
        "child_in_need": 1,  # e3 (c2, in need from 15 October)
        "child_protection": 0,
        "looked_after": 2,  # e1, e2 (c1)
        "care_leaver": 0,
    }


def test_placed_out_of_area_and_placed_here(data):
    episodes = period_episodes(period=OCTOBER)
    # c1 is placed by A in B's area: e1 and e2.
    assert breakdowns.episodes_by_placement(episodes, la_id=data.la_b.pk) == {
        "out_of_area": 2,
        "placed_here_by_other_las": 2,
    }
    assert breakdowns.episodes_by_placement(episodes, la_id=data.la_a.pk) == {
        "out_of_area": 2,
        "placed_here_by_other_las": 0,
    }


def test_children_by_repeat_band(data):
    bands = breakdowns.children_by_repeat_band(period_episodes(period=OCTOBER))
    # c2 and c3 once, c1 twice.
    assert bands == {
        "1": 2,
        "2": 1,
        "3": 0,
        "4": 0,
        "5": 0,
        "6_to_10": 0,
        "11_to_20": 0,
        "21_and_over": 0,
    }


def test_median_duration(data):
    # Returned after 23, 48 and 24 hours: the median is 24.
    assert breakdowns.duration_hours_median(period_episodes(period=OCTOBER)) == 24.0
    # With e4 left out (authority A): 23 and 48, the mean of the middle two.
    episodes = period_episodes(period=OCTOBER, children=children_of_la(data.la_a))
    assert breakdowns.duration_hours_median(episodes) == 35.5


def test_median_duration_with_no_return(data):
    episodes = period_episodes(period=Period(dt.date(2026, 10, 31), dt.date(2026, 10, 31)))
    assert breakdowns.duration_hours_median(episodes) is None


def test_duties_met_in_time_by_kind(data):
    tallies = breakdowns.duties_by(period_episodes(period=OCTOBER), by="kind", now=timezone.now())
    by_kind = {
        t.key: (t.due, t.met_in_time, t.met_late, t.open_overdue, t.open_not_yet_due)
        for t in tallies
    }
    assert by_kind == {
        # e3's escalation, open and past due on 24 November.
        DutyKind.ESCALATE_TEAM_MANAGER: (1, 0, 0, 1, 0),
        DutyKind.RHI_OFFER: (2, 1, 1, 0, 0),  # e1 in time, e2 late
        # e1 in time, e2 late; e3's not needed is not counted.
        DutyKind.STRATEGY_MEETING: (2, 1, 1, 0, 0),
    }
    assert {t.key: t.in_time_percent for t in tallies} == {
        DutyKind.ESCALATE_TEAM_MANAGER: 0,
        DutyKind.RHI_OFFER: 50,
        DutyKind.STRATEGY_MEETING: 50,
    }


def test_duties_by_team_and_agency(data):
    episodes = period_episodes(period=OCTOBER)
    by_team = {
        t.key: (t.due, t.met_in_time)
        for t in breakdowns.duties_by(episodes, by="team", now=timezone.now())
    }
    # Team T owns both strategy meetings and the escalation; the offers have no team.
    assert by_team == {str(data.team.pk): (3, 1), "": (2, 1)}
    by_agency = {
        t.key: t.due for t in breakdowns.duties_by(episodes, by="agency", now=timezone.now())
    }
    assert by_agency == {str(data.la_a.pk): 5}


def test_rhi_by_provider(data):
    rows = breakdowns.rhi_by_provider(period_episodes(period=OCTOBER))
    assert [
        (r["provider"], r["offered"], r["offered_in_time"], r["completed"], r["declined"])
        for r in rows
    ] == [("Authority A", 1, 0, 0, 1), ("Return Service", 1, 1, 1, 0)]


def test_the_episodes_behind_a_figure(data):
    episodes = period_episodes(period=OCTOBER)
    behind = figures.figure_children(episodes, figure="rhi_declined")
    assert list(behind.values_list("child_id", flat=True)) == [data.c1.pk]
    behind = figures.figure_children(episodes, figure="returned_within_24h")
    assert set(behind.values_list("pk", flat=True)) == {data.e1.pk, data.e4.pk}


def test_every_figure_counts_what_its_list_shows(data):
    episodes = period_episodes(period=OCTOBER)
    counts = figures.episode_counts(episodes)
    for name in figures.FIGURES:
        assert figures.figure_children(episodes, figure=name).count() == counts[name], name
