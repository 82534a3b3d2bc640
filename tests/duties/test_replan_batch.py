"""Re-planning a batch (issue 14): the facts are read in a fixed number of queries per batch,
whatever its size, and the duties app reads other apps only through their facts.py."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homesafe.concerns.models import EpisodeConcern
from homesafe.duties.models import Duty
from homesafe.duties.protocol import protocol_current
from homesafe.duties.services import duties_replan
from homesafe.episodes.models import MissingEpisode
from homesafe.interviews.models import ReturnInterview
from homesafe.people.choices import Cohort, LegalStatus, NetworkRole
from homesafe.people.models import CarePeriod, CohortPeriod
from homesafe.profiles.models import ProfileVersion
from tests.factories import ChildFactory, EpisodeFactory, NetworkMemberFactory, PlacementFactory

HOMESAFE = Path(__file__).resolve().parents[2] / "homesafe"
CASEWORK_APPS = ("interviews", "meetings", "screening", "concerns", "profiles")


def _children(world, count: int) -> list[int]:
    """Looked-after children of LA A, each with the facts of every app: allocated, at a school
    with a lead in HomeSafe, placed in LA B, an IRO, a return interview referral, a health
    organisation (its practitioner is told in HomeSafe) and a youth justice service (told from
    outside) in their network, a returned episode with a completed interview and a concern, a
    profile saved since, and an episode missing now. The wider network's duties (issue 16) are
    planned from the network child_records already reads: no query of their own."""
    now = timezone.now()
    la_a, la_b = world.orgs["la_a"], world.orgs["la_b"]
    ids = []
    for _ in range(count):
        child = ChildFactory(
            responsible_la=la_a,
            allocated_social_worker=world.users["sw_1"],
            school=world.orgs["school_1"],
        )
        CohortPeriod.objects.create(
            child=child, cohort=Cohort.LOOKED_AFTER, started_on=dt.date(2025, 1, 1)
        )
        CarePeriod.objects.create(
            child=child,
            legal_status=LegalStatus.CARE_ORDER,
            placing_la=la_a,
            started_on=dt.date(2025, 1, 1),
        )
        PlacementFactory(child=child, host_la=la_b)
        NetworkMemberFactory(child=child, organisation=la_a, role=NetworkRole.IRO)
        NetworkMemberFactory(
            child=child, organisation=world.orgs["rhi"], role=NetworkRole.RHI_REFERRAL
        )
        NetworkMemberFactory(
            child=child, organisation=world.orgs["health"], role=NetworkRole.HEALTH
        )
        NetworkMemberFactory(child=child, organisation=la_a, role=NetworkRole.YOUTH_JUSTICE)
        returned = EpisodeFactory(
            child=child,
            status="returned",
            last_seen_at=now - dt.timedelta(days=5),
            returned_at=now - dt.timedelta(days=4),
        )
        ReturnInterview.objects.create(
            episode=returned,
            child=child,
            status="completed",
            offered_at=now - dt.timedelta(days=3),
            offered_by_organisation=world.orgs["rhi"],
            offered_by_name="A worker",
            offer_method="phone",
            held_at=now - dt.timedelta(days=2),
            exploitation_indicators=["county_lines"],
            referrals=["mace"],
        )
        EpisodeConcern.objects.create(
            child=child, episode=returned, kind="trafficking", raised_at=now - dt.timedelta(days=3)
        )
        ProfileVersion.objects.create(
            child=child, number=1, provided_by="Carer", saved_at=now - dt.timedelta(days=1)
        )
        EpisodeFactory(child=child, last_seen_at=now - dt.timedelta(hours=30), risk="high")
        ids.append(child.pk)
    return ids


def _queries(child_ids) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        counts = duties_replan(child_ids=child_ids)
    return len(captured), counts


def test_a_batch_is_replanned_in_the_same_number_of_queries_whatever_its_size(world):
    protocol_current()
    few, many = _children(world, 10), _children(world, 50)
    (first_few, _), (first_many, planned) = _queries(few), _queries(many)
    (again_few, _), (again_many, unchanged) = _queries(few), _queries(many)
    # The episodes missing now are returned: duties while missing close, interviews are due.
    MissingEpisode.objects.filter(child_id__in=few + many, status="missing").update(
        status="returned", returned_at=timezone.now()
    )
    (changed_few, _), (changed_many, changed) = _queries(few), _queries(many)
    assert first_few == first_many
    assert again_few == again_many
    assert changed_few == changed_many
    # Something was read and written each time.
    assert planned["created"] > 50 and planned["told"] > 0
    assert unchanged == {"created": 0, "updated": 0, "closed": 0, "told": 0}
    assert changed["created"] > 0 and changed["closed"] > 0
    # The wider network's duties were planned in those queries: told of missing (the health
    # practitioner in HomeSafe; youth justice left with the coordinator), then of the returns.
    network = Duty.objects.filter(child_id__in=few + many)
    assert network.filter(kind="notify_health", state="done").count() == 2 * 60
    assert network.filter(kind="notify_youth_justice", state="open").count() == 2 * 60
    assert network.filter(kind="notify_health_of_return").count() == 2 * 60


def _casework_model_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if (
                parts[:1] == ["homesafe"]
                and parts[1:2] in ([a] for a in CASEWORK_APPS)
                and parts[2:3] == ["models"]
            ):
                found.append(f"{path.name}:{node.lineno} {'.'.join(parts[:3])}")
    return sorted(set(found))


@pytest.mark.parametrize(
    "path",
    sorted(HOMESAFE.glob("duties/**/*.py")),
    ids=lambda p: p.relative_to(HOMESAFE).as_posix(),
)
def test_duties_reads_casework_apps_through_their_facts_not_their_models(path):
    assert _casework_model_imports(path) == []


def test_the_check_finds_a_casework_model_import(tmp_path):
    bad = tmp_path / "facts.py"
    bad.write_text(
        "from homesafe.concerns.models import LegalAction\n"
        "from homesafe.people.models import Child\n"
        "def f():\n    from homesafe.profiles import models\n    import homesafe.meetings.models\n"
    )
    assert _casework_model_imports(bad) == [
        "facts.py:1 homesafe.concerns.models",
        "facts.py:4 homesafe.profiles.models",
        "facts.py:5 homesafe.meetings.models",
    ]


def test_a_due_time_in_the_autumns_repeated_hour_is_not_replanned_again(world):
    """Return interviews due 72 hours after a return at 01:02 on Thursday 22 October 2026 fall
    due at 01:02 on Sunday 25 October, an hour the clocks go through twice."""
    protocol_current()
    returned_at = dt.datetime(2026, 10, 22, 0, 2, tzinfo=dt.UTC)  # 01:02 BST
    child = ChildFactory(responsible_la=world.orgs["la_a"])
    EpisodeFactory(
        child=child,
        status="returned",
        last_seen_at=returned_at - dt.timedelta(hours=5),
        returned_at=returned_at,
    )
    now = returned_at + dt.timedelta(hours=1)
    first = duties_replan(child_ids=[child.pk], now=now)
    again = duties_replan(child_ids=[child.pk], now=now)
    due = {duty.kind: timezone.localtime(duty.due_at) for duty in Duty.objects.filter(child=child)}
    assert due["rhi_offer"].fold == 1 or due["rhi_offer"].hour == 1  # the repeated hour
    assert first["created"] > 0
    assert again == {"created": 0, "updated": 0, "closed": 0, "told": 0}


def _told_snapshot(child_ids) -> dict:
    """Every duty of these children by (episode, kind), with its notices and events in order,
    and the order of all the notices and events written (ids left out)."""
    from homesafe.duties.models import DutyEvent, Notice

    duties = Duty.objects.filter(child_id__in=child_ids)
    key = {d.pk: (d.episode_id, d.kind) for d in duties}
    return {
        "duties": {
            key[d.pk]: (d.state, d.closed_at, d.told_at, d.closing_note, d.due_at, d.owner_user_id)
            for d in duties
        },
        "notices": [
            (key[n.duty_id], n.recipient_id, n.created_at)
            for n in Notice.objects.filter(duty__in=duties).order_by("pk")
        ],
        "events": [
            (key[e.duty_id], e.kind, e.about_user_id, e.detail, e.at)
            for e in DutyEvent.objects.filter(duty__in=duties).order_by("pk")
        ],
    }


def test_new_duties_told_as_they_are_written_equal_those_told_after(world, monkeypatch):
    """A re-plan writes a new duty it can tell at once already told (telling.
    tell_due_on_creation) instead of writing it open and then telling it with the stored ones
    (duties_tell_due): the duties, notices and events are the same, in the same order."""
    from django.db import transaction

    import homesafe.duties.telling as telling

    protocol_current()
    ids = _children(world, 3)
    now = timezone.now()

    class Undo(Exception):
        pass

    def replan_and_snapshot():
        try:
            with transaction.atomic():
                counts = duties_replan(child_ids=ids, now=now)
                snapshot = _told_snapshot(ids)
                raise Undo
        except Undo:
            return counts, snapshot

    bulk = replan_and_snapshot()
    monkeypatch.setattr(telling, "tell_due_on_creation", lambda duties, now: [])
    after = replan_and_snapshot()
    assert bulk[0]["told"] > 0 and bulk[1]["notices"]
    assert bulk == after
