"""The summary rows the pages, `homesafe kpis` and the packs count (EpisodeFacts, kept by the
worker: homesafe.insight.facts) give the same figures as the records counted directly, for
every figure, filter and breakdown of the hand-made data set; and after a change made by a
service (a return recorded, a grading added) the summary follows once the worker's task runs."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from homesafe.access.choices import Role
from homesafe.access.models import Organisation
from homesafe.access.policy import counted_scope, counted_whole_authorities
from homesafe.episodes.choices import RiskGrade
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.services import episode_record_return, episode_regrade
from homesafe.insight import figures
from homesafe.insight import figures_breakdowns as breakdowns
from homesafe.insight import figures_casework as casework
from homesafe.insight.facts import episode_facts_rebuild, episode_facts_refresh
from homesafe.insight.figures import Filters, Period, kpis
from homesafe.insight.models import EpisodeFacts
from homesafe.insight.report import kpis_report
from homesafe.insight.scope import children_counted_for, children_of_la
from homesafe.insight.tasks import refresh_episode_facts_task
from homesafe.people.choices import Sex
from homesafe.people.models import Child, Placement
from tests.factories import UserFactory
from tests.insight.dataset import OCTOBER, build

pytestmark = pytest.mark.django_db

REFRESH = "homesafe.insight.tasks.refresh_episode_facts_task"
NOW = dt.datetime(2026, 11, 5, 12, 0, tzinfo=dt.UTC)
FILTERS = [
    Filters(),
    Filters(cohort="looked_after"),
    Filters(cohort="not_known"),
    Filters(cohort="child_in_need"),
    Filters(age_band="10_to_15"),
    Filters(age_band="16_and_over"),
    Filters(sex=Sex.FEMALE),
    Filters(out_of_area="yes"),
    Filters(out_of_area="no"),
]


def _breakdowns(episodes) -> dict:
    return {
        "cohort": breakdowns.episodes_by_cohort(episodes),
        "bands": breakdowns.children_by_repeat_band(episodes),
        "median": breakdowns.duration_hours_median(episodes),
        "returns": casework.returns(episodes),
        "when": casework.reported_when(episodes),
        "duties": breakdowns.duties_by(episodes, by="kind", now=NOW),
        "providers": breakdowns.rhi_by_provider(episodes),
        "terms": casework.interview_terms(episodes),
        "months": breakdowns.episodes_by_month(episodes, breakdowns.months_before(NOW.date(), 3)),
    }


def _assert_same(period: Period, children=None, filters: Filters = figures.NO_FILTERS) -> None:
    direct = kpis(period=period, children=children, filters=filters)
    summary = kpis(period=period, children=children, filters=filters, summary=True)
    assert summary == direct, (period, filters)
    args = {"period": period, "children": children, "filters": filters}
    direct_episodes = figures.period_episodes(**args)
    assert _breakdowns(figures.summary_episodes(**args)) == _breakdowns(direct_episodes)
    months = breakdowns.months_before(NOW.date(), 3)
    assert breakdowns.episodes_by_month(
        figures.summary_parts(**args), months
    ) == breakdowns.episodes_by_month(direct_episodes, months)


def test_every_figure_from_the_summary_equals_the_figure_from_the_records():
    data = build()
    assert EpisodeFacts.objects.count() == 6  # e1-e4 and c4's two episodes outside October
    september_to_november = Period(dt.date(2026, 9, 1), dt.date(2026, 11, 30))
    c1_placed = Placement.objects.get(child=data.c1).placement_type
    for period in (OCTOBER, september_to_november):
        for filters in [*FILTERS, Filters(placement_type=c1_placed)]:
            _assert_same(period, filters=filters)
    # The figures are not all nothing: the comparison could fail.
    assert kpis(period=OCTOBER, summary=True)["episodes"] == 4
    assert (
        kpis(period=OCTOBER, filters=Filters(cohort="looked_after"), summary=True)["episodes"] == 2
    )
    for la in (data.la_a, data.la_b):
        _assert_same(OCTOBER, children=children_of_la(la))
        direct = kpis_report(period=OCTOBER, now=NOW, children=children_of_la(la), la_id=la.pk)
        assert direct == kpis_report(
            period=OCTOBER, now=NOW, children=children_of_la(la), la_id=la.pk, summary=False
        )


def _run_refresh_tasks() -> set[int]:
    refreshed = set()
    for task in DBTaskResult.objects.filter(task_path=REFRESH):
        ids = task.args_kwargs["kwargs"]["child_ids"]
        refresh_episode_facts_task.call(child_ids=ids)
        refreshed.update(ids)
        task.delete()
    return refreshed


def test_the_summary_follows_a_return_and_a_grading_once_the_worker_s_task_runs():
    data = build()
    e3 = data.e3  # c2's, still missing and never graded
    before = kpis(period=OCTOBER, summary=True)
    assert before["still_missing"] == 1 and before["episodes_by_risk"]["not_graded"] == 1

    episode_regrade(
        episode=e3,
        grade=RiskGrade.HIGH,
        graded_at=e3.reported_at + dt.timedelta(hours=1),
        actor=data.social_worker,
    )
    # The use case re-planned c2 and queued the refresh of c2's rows; until it runs the summary
    # still says what it said.
    assert kpis(period=OCTOBER, summary=True) == before
    assert kpis(period=OCTOBER)["episodes_by_risk"]["not_graded"] == 0
    assert _run_refresh_tasks() == {data.c2.pk}
    after_grading = kpis(period=OCTOBER, summary=True)
    assert after_grading["episodes_by_risk"]["not_graded"] == 0
    assert after_grading["episodes_by_risk"]["high"] == before["episodes_by_risk"]["high"] + 1
    assert after_grading == kpis(period=OCTOBER)

    episode_record_return(
        episode=e3,
        returned_at=e3.reported_at + dt.timedelta(hours=5),
        found_by="police",
        actor=data.social_worker,
    )
    assert kpis(period=OCTOBER, summary=True)["still_missing"] == 1
    assert _run_refresh_tasks() == {data.c2.pk}
    after_return = kpis(period=OCTOBER, summary=True)
    assert after_return["still_missing"] == 0 and after_return["returned"] == 4
    _assert_same(OCTOBER)
    row = EpisodeFacts.objects.get(episode=e3)
    assert (row.first_grade, row.found_by) == (RiskGrade.HIGH, "police")


def test_a_refresh_of_the_child_an_episode_moved_to_drops_the_row_of_the_child_it_left():
    """Only the children whose facts changed are refreshed: an episode moved to c1 (as a merge
    moves it) leaves a row naming c2 that c1's refresh must replace, found by the episode."""
    data = build()
    e3 = data.e3
    assert EpisodeFacts.objects.get(episode=e3).child_id == data.c2.pk
    MissingEpisode.objects.filter(pk=e3.pk).update(child=data.c1)

    episode_facts_refresh(child_ids=[data.c1.pk])

    assert list(EpisodeFacts.objects.filter(episode=e3).values_list("child_id", flat=True)) == [
        data.c1.pk
    ]
    assert EpisodeFacts.objects.filter(child=data.c2).count() == (
        MissingEpisode.objects.filter(child=data.c2).exclude(status="voided").count()
    )


def _reads_of(plan: dict, table: str) -> list[dict]:
    """PostgreSQL's plan nodes that read `table`'s rows."""
    found = [plan] if plan.get("Relation Name") == table else []
    for child in plan.get("Plans", []):
        found += _reads_of(child, table)
    return [node for node in found if node["Node Type"] != "ModifyTable"]


def test_a_refresh_finds_its_rows_by_index_not_by_reading_every_row():
    """The rows to replace are found through the children's and the episodes' indexes: with
    a join inside the OR, the database read every summary row for each task's few children."""
    data = build()
    with CaptureQueriesContext(connection) as queries:
        episode_facts_refresh(child_ids=[data.c1.pk])
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert deletes
    for delete in deletes:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {delete}")
                plan = " / ".join(row[-1] for row in cursor.fetchall())
                assert "SCAN" not in plan, plan
                continue
            cursor.execute("SET LOCAL enable_seqscan = off")  # the test's few rows
            cursor.execute(f"EXPLAIN (FORMAT JSON) {delete}")
            plan = cursor.fetchone()[0][0]["Plan"]
        reads = _reads_of(plan, "insight_episodefacts")
        assert reads, plan
        for node in reads:  # a bitmap heap scan's rows come from its index scans' conditions
            assert node["Node Type"] == "Bitmap Heap Scan" or "Index Cond" in node, node


def test_the_rebuild_rewrites_every_row_and_leaves_out_episodes_recorded_in_error():
    build()
    EpisodeFacts.objects.filter(episode_type="M").update(returned_at=timezone.now())
    assert kpis(period=OCTOBER, summary=True) != kpis(period=OCTOBER)
    assert episode_facts_rebuild() == 6
    assert kpis(period=OCTOBER, summary=True) == kpis(period=OCTOBER)
    assert not EpisodeFacts.objects.filter(episode__status="voided").exists()


@pytest.mark.parametrize(
    ("organisation", "roles"),
    [
        ("la_a", [Role.MISSING_COORDINATOR]),
        ("la_b", [Role.MISSING_COORDINATOR]),
        ("la_a", [Role.ANALYST]),
        ("la_b", [Role.SENIOR_LEADER]),
        ("la_a", [Role.TEAM_MANAGER]),
        ("police", [Role.POLICE_COORDINATOR]),
        ("police", [Role.ANALYST]),
    ],
)
def test_a_person_s_summary_figures_are_those_of_the_children_they_count(organisation, roles):
    """The summary reads a whole authority's rows by the authority (counted_whole_authorities)
    and the other children one by one: the same episodes, and figures, as the counted scope
    itself; and a whole authority's children are all in the scope (it never widens it)."""
    data = build()
    data.la_a.police_force = data.police
    data.la_a.save(update_fields=["police_force"])
    team = data.team if Role.TEAM_MANAGER in roles else None
    user = UserFactory(organisation=getattr(data, organisation), team=team, roles=roles)
    scope = Child.objects.filter(counted_scope(user))
    counted = children_counted_for(user)
    assert set(counted.counted_ids) == set(scope.values_list("pk", flat=True))
    whole = counted_whole_authorities(user)
    if whole is not None:
        assert set(counted.counted_las) == set(
            Organisation.objects.filter(whole).values_list("pk", flat=True)
        )
        assert not Child.objects.filter(responsible_la_id__in=counted.counted_las).exclude(
            pk__in=scope.values("pk")
        )
    for period in (OCTOBER, Period(dt.date(2026, 9, 1), dt.date(2026, 11, 30))):
        summary = figures.summary_episodes(period=period, children=counted, once=True)
        direct = figures.period_episodes(period=period, children=scope)
        assert set(summary.values_list("pk", flat=True)) == set(direct.values_list("pk", flat=True))
        assert kpis(period=period, episodes=summary) == kpis(period=period, children=scope)
        # The trend counts the parts (the whole authorities', the other children's) apart.
        months = breakdowns.months_before(period.end, 3)
        trend = breakdowns.episodes_by_month(
            figures.summary_parts(period=period, children=counted), months
        )
        assert trend == breakdowns.episodes_by_month(direct, months)
        assert sum(row["episodes"] for row in trend) == direct.count()
        # What interviews heard, read by the period's episode ids found once.
        assert summary.episode_ids == sorted(direct.values_list("pk", flat=True))
        assert casework.interview_terms(summary) == casework.interview_terms(direct)
        # Meetings and actions read by the whole authorities and the other children's ids.
        kinds = casework.MEETING_KINDS_ATTENDED
        assert casework.meeting_attendance(
            period=period, children=counted, kinds=kinds
        ) == casework.meeting_attendance(period=period, children=scope, kinds=kinds)
        assert casework.actions_taken(period=period, children=counted) == casework.actions_taken(
            period=period, children=scope
        )
