"""Impact of interventions: each child's episodes in the N months before and after their first
intervention of a kind, across children, with the answers worked out by hand."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.concerns.services import disruption_record
from homesafe.episodes.models import MissingEpisode
from homesafe.insight.impact import impact_for_user
from homesafe.meetings.services import meeting_create
from tests.factories import EpisodeFactory, PlacementFactory

LONDON = ZoneInfo("Europe/London")


def _days_ago(n: int, hour: int = 12) -> dt.datetime:
    day = (timezone.now().astimezone(LONDON) - dt.timedelta(days=n)).date()
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def _episode(child, at):
    EpisodeFactory(child=child, last_seen_at=at - dt.timedelta(hours=1), reported_at=at)


def _mace(world, child_key, days_ago):
    child = world.children[child_key]
    meeting_create(
        kind="mace_child",
        local_authority=child.responsible_la,
        chair_name="Chair",
        children=[child],
        actor=world.users["cmo_b" if child_key.startswith("b_") else "cmo_a"],
        held_at=_days_ago(days_ago, hour=10),
    )


@pytest.fixture
def history(world):
    """With a 6-month (183-day) window:
    - a_team1: MACE 300 days ago; episodes 310, 350 and 400 days ago (before), 280 days ago
      (after) and 520 days ago (outside): before 3, after 1;
    - a_team2: MACEs 250 and 220 days ago (the first counts); episodes 245 and 210 days ago:
      before 0, after 2;
    - a_team3: MACE 30 days ago: too recent to count;
    - b_only (LA B): MACE 300 days ago, not seen by LA A's coordinator."""
    MissingEpisode.objects.all().delete()
    c = world.children
    for days in (310, 350, 400, 280, 520):
        _episode(c["a_team1"], _days_ago(days))
    for days in (245, 210):
        _episode(c["a_team2"], _days_ago(days))
    _mace(world, "a_team1", 300)
    _mace(world, "a_team2", 250)
    _mace(world, "a_team2", 220)
    _mace(world, "a_team3", 30)
    _mace(world, "b_only", 300)
    return world


def test_before_and_after_a_mace(history):
    report = impact_for_user(
        user=history.users["cmo_a"], intervention="mace", months=6, now=timezone.now()
    )
    c = history.children
    by_child = {r.child_id: (r.before, r.after) for r in report.rows}
    assert by_child == {c["a_team1"].pk: (3, 1), c["a_team2"].pk: (0, 2)}
    assert (report.children, report.before_total, report.after_total) == (2, 3, 3)
    assert (report.fewer, report.same, report.more) == (1, 0, 1)
    assert (report.median_before, report.median_after) == (1.5, 1.5)
    assert report.not_yet == 1
    assert [r.child.full_name for r in report.rows] == [
        c["a_team1"].full_name,
        c["a_team2"].full_name,
    ]


def test_a_longer_window_moves_episodes_into_it(history):
    """12 months (365 days): a_team1's MACE 300 days ago and a_team2's 250 days ago are too
    recent to have a year after them; a_team3's too."""
    report = impact_for_user(
        user=history.users["cmo_a"], intervention="mace", months=12, now=timezone.now()
    )
    assert report.rows == [] and report.not_yet == 3


def test_a_disruption_and_a_placement_move(history):
    c, police = history.children, history.users["police_a"]
    disruption_record(
        child=c["a_team1"],
        actor=police,
        kind="other",
        kind_other="Warning letter",
        taken_on=_days_ago(300).date(),
        agency=history.orgs["force_a"],
    )
    report = impact_for_user(user=police, intervention="disruption", months=6, now=timezone.now())
    assert [(r.child_id, r.before, r.after) for r in report.rows] == [(c["a_team1"].pk, 3, 1)]
    # A first placement is not a move; a second is.
    PlacementFactory(child=c["a_unallocated"], started_on=_days_ago(400).date())
    PlacementFactory(
        child=c["a_team2"], started_on=_days_ago(2000).date(), ended_on=_days_ago(251).date()
    )
    PlacementFactory(child=c["a_team2"], started_on=_days_ago(250).date())
    moves = impact_for_user(
        user=history.users["cmo_a"], intervention="placement_move", months=6, now=timezone.now()
    )
    found = {r.child_id: (r.before, r.after) for r in moves.rows}
    assert found[c["a_team2"].pk] == (0, 2)
    assert c["a_unallocated"].pk not in found  # one placement: no move


def test_viewing_impact_is_audited_with_the_children_named(history):
    impact_for_user(user=history.users["cmo_a"], intervention="mace", months=6, now=timezone.now())
    entry = AuditEntry.objects.filter(verb=AuditVerb.IMPACT_VIEWED).get()
    c = history.children
    assert entry.payload["named_child_ids"] == sorted([c["a_team1"].pk, c["a_team2"].pk])


def test_the_analyst_sees_suppressed_counts_and_no_names(history, client):
    client.force_login(history.users["analyst"])
    response = client.get(reverse("insight:impact"), {"intervention": "mace", "months": "6"})
    assert response.status_code == 200
    page = response.text
    assert "&lt;5" in page and "Not shown" in page and 'id="impact-children"' not in page
    for child in history.children.values():
        assert child.full_name not in page


def test_the_coordinator_sees_each_child_and_the_caveat(history, client):
    client.force_login(history.users["cmo_a"])
    page = client.get(reverse("insight:impact"), {"intervention": "mace", "months": "6"}).text
    assert history.children["a_team1"].full_name in page and 'id="impact-children"' in page
    assert "does not show that the intervention caused the change" in page


@pytest.mark.parametrize(
    ("query", "field"), [({"intervention": "prayer"}, "intervention"), ({"months": "9"}, "months")]
)
def test_a_bad_choice_names_the_field(history, client, query, field):
    client.force_login(history.users["cmo_a"])
    response = client.get(
        reverse("insight:impact"), {"intervention": "mace", "months": "6", **query}
    )
    assert response.status_code == 400 and f'href="#id_{field}' in response.text


def test_only_insight_roles_may_open_it(history, client):
    client.force_login(history.users["sw_1"])
    assert client.get(reverse("insight:impact")).status_code == 403
