"""The import's fast path (bulk statements, matching the whole file up front) does what the
row-by-row services would: the same state hash, the same match scores, every audit entry, and
a match made up front is made again when a child the import created or changed may be the one.
"""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, utils

from homesafe.access.audit import ClientActor
from homesafe.access.models import AuditEntry
from homesafe.episodes.models import Location, MissingEpisode, RiskGrading
from homesafe.intake.imports import _state_hash, police_download_import
from homesafe.intake.matching import name_key
from homesafe.intake.models import PoliceReport
from homesafe.intake.notifications import notification_parse
from homesafe.people.models import Child
from tests.factories import ChildFactory
from tests.intake.helpers import csv_bytes, row_for

ACTOR = ClientActor("test import")
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def run(world, rows, **kwargs):
    return police_download_import(
        content=csv_bytes(rows), force=world.orgs["force_a"], actor=ACTOR, now=NOW, **kwargs
    )


def test_state_hash_is_the_notifications_own():
    for values in [
        {"police_reference": "R1", "person_id": "P1", "reported_at": "01/03/2026 10:30",
         "risk": "low"},
        {"police_reference": "R2", "forename": "Zoë", "surname": "O'Brien", "aliases": "Zed;Z B",
         "date_of_birth": "03/02/2010", "sex": "F", "postcode": "sw1a 1aa",
         "reported_at": "2026-03-01T10:30:00+01:00", "last_seen_at": "01/03/2026 09:00",
         "last_seen_location": "=cmd", "risk": "high", "pre_planned": "Y",
         "found_at": "02/03/2026 08:15", "found_location": "Home", "found_by": "police",
         "closed_reason": "Found safe"},
    ]:  # fmt: skip
        n = notification_parse(values, codes={}, now=NOW)
        assert _state_hash(n) == n.state_hash


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=60), st.text(max_size=60))
def test_state_hash_is_the_notifications_own_for_any_text(forename, surname, place, aliases):
    values = {"police_reference": "R3", "person_id": "P3", "forename": forename,
              "surname": surname, "aliases": aliases, "last_seen_location": place,
              "reported_at": "01/03/2026 10:30", "risk": "low"}  # fmt: skip
    n = notification_parse(values, codes={}, now=NOW)
    assert _state_hash(n) == n.state_hash


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=25), st.text(max_size=25))
def test_prepared_names_score_as_token_sort_ratio(a, b):
    expected = fuzz.token_sort_ratio(a, b, processor=utils.default_process)
    assert fuzz.ratio(name_key(a), name_key(b)) == expected


def test_bulk_written_rows_are_whole_and_audited(world):
    la = world.orgs["la_a"]
    kids = [
        ChildFactory(
            responsible_la=la,
            first_name=f"Kid{i}",
            last_name=f"Bulkname{i}",
            date_of_birth=dt.date(2010, 1, 1) + dt.timedelta(days=40 * i),
        )
        for i in range(7)
    ]
    rows = [
        row_for(kid, f"B-{i}", **(
            {"found_at": "02/03/2026 08:15", "found_location": "Home", "found_by": "police",
             "closed_reason": "Found safe"} if i % 2 else {}
        ))
        for i, kid in enumerate(kids)
    ]  # fmt: skip
    before = AuditEntry.objects.count()
    places = Location.objects.count()
    result = run(world, rows, chunk_size=3)
    assert result.counts["created"] == 7, result.report_csv()
    episodes = {
        e.police_reference: e
        for e in MissingEpisode.objects.filter(police_reference__startswith="B-")
    }
    assert {ref: e.child for ref, e in episodes.items()} == {
        f"B-{i}": kid for i, kid in enumerate(kids)
    }
    for i, e in enumerate(episodes[f"B-{i}"] for i in range(7)):
        assert e.gradings.get().grade == "medium"
        assert e.last_seen_location.description == "Town centre"
        assert PoliceReport.objects.get(police_reference=e.police_reference).episode == e
        if i % 2:
            assert e.status == "returned" and e.found_location.description == "Home"
            assert e.police_closed_reason == "Found safe" and e.police_closed_at == NOW
        else:
            assert e.status == "missing" and e.found_location is None
    entries = AuditEntry.objects.order_by("id")[before:]
    verbs = sorted(entry.verb for entry in entries if entry.verb != "police.notifications_imported")
    assert verbs.count("episode.reported") == 7
    assert verbs.count("episode.returned") == verbs.count("episode.police_closed") == 3
    assert verbs.count("location.created") == Location.objects.count() - places == 10
    reported = {e.target_id for e in entries if e.verb == "episode.reported"}
    assert reported == {str(e.pk) for e in episodes.values()}
    assert all(e.actor_label == "test import" for e in entries)
    gradings = RiskGrading.objects.filter(episode__police_reference__startswith="B-")
    assert gradings.count() == 7
    counts = (MissingEpisode.objects.count(), RiskGrading.objects.count(), Location.objects.count())
    again = run(world, rows, chunk_size=1000)
    assert again.counts["unchanged"] == 7
    assert counts == (
        MissingEpisode.objects.count(),
        RiskGrading.objects.count(),
        Location.objects.count(),
    )


def test_a_child_created_by_an_earlier_chunk_is_found_by_a_later_row(world):
    ghost = Child(first_name="Nova", last_name="Quillfeather", date_of_birth=dt.date(2013, 4, 4))
    rows = [
        row_for(ghost, "NEW-1", found_at="01/03/2026 20:00", found_by="self"),
        row_for(ghost, "NEW-2", reported_at="05/03/2026 10:30", last_seen_at="05/03/2026 09:00"),
    ]
    result = run(world, rows, chunk_size=1)
    assert result.counts["created"] == 2, result.report_csv()
    assert Child.objects.filter(last_name="Quillfeather").count() == 1
    child = Child.objects.get(last_name="Quillfeather")
    assert set(child.episodes.values_list("police_reference", flat=True)) == {"NEW-1", "NEW-2"}


def test_a_person_id_learned_by_an_earlier_chunk_links_a_later_row(world):
    kid = ChildFactory(
        responsible_la=world.orgs["la_a"],
        first_name="Orla",
        last_name="Pemberton-Vance",
        date_of_birth=dt.date(2011, 9, 17),
    )
    rows = [
        row_for(kid, "L-1", person_id="P-LEARN", found_at="01/03/2026 20:00"),
        # A later report names the child differently but carries the police person ID.
        {**row_for(kid, "L-2", reported_at="05/03/2026 10:30", last_seen_at="05/03/2026 09:00"),
         "forename": "Unknown", "surname": "Person", "person_id": "P-LEARN"},
    ]  # fmt: skip
    result = run(world, rows, chunk_size=1)
    assert result.counts["created"] == 2, result.report_csv()
    kid.refresh_from_db()
    assert kid.police_person_id == "P-LEARN"
    assert set(kid.episodes.values_list("police_reference", flat=True)) == {"L-1", "L-2"}


def _queued_replans() -> list[list[int]]:
    from django_tasks_db.models import DBTaskResult

    return [
        task.args_kwargs["kwargs"]["child_ids"]
        for task in DBTaskResult.objects.filter(
            task_path="homesafe.duties.tasks.replan_children"
        ).order_by("enqueued_at")
    ]


def _kids(world, n, name):
    return [
        ChildFactory(
            responsible_la=world.orgs["la_a"],
            first_name=f"{name}{i}",
            last_name=f"Replanname{i}",
            date_of_birth=dt.date(2011, 2, 1) + dt.timedelta(days=50 * i),
        )
        for i in range(n)
    ]


def test_an_import_queues_each_child_once_and_the_worker_plans_the_duties(world):
    """Each chunk's children are re-planned by the worker: tasks queued in the chunk's own
    transaction, covering every child whose facts the chunk changed, except a child whose task
    from an earlier chunk still waits (it reads the child's facts when it runs)."""
    from homesafe.duties.models import Duty
    from homesafe.duties.tasks import replan_children

    kids = _kids(world, 5, "Plan")
    # The last row updates the first episode (found): a row through the services, whose
    # re-plan is gathered with its chunk's too.
    rows = [row_for(kid, f"Q-{i}") for i, kid in enumerate(kids)]
    rows.append(row_for(kids[0], "Q-0", found_at="02/03/2026 08:15", found_by="police"))
    assert _queued_replans() == []
    result = run(world, rows, chunk_size=2)
    assert result.counts == {
        "created": 5, "updated": 1, "unchanged": 0, "needs_review": 0, "rejected": 0
    }  # fmt: skip
    queued = _queued_replans()
    # Chunks [Q-0 Q-1] [Q-2 Q-3] [Q-4, Q-0 found]: the first chunk's task still waits for
    # the child of the update, so the last chunk queues only the new episode's child.
    assert queued == [[kids[0].pk, kids[1].pk], [kids[2].pk, kids[3].pk], [kids[4].pk]]
    assert result.replans_queued == 3
    assert not Duty.objects.filter(child__in=kids).exists(), "planned by the worker, not inline"

    for ids in queued:  # what the worker runs, after the import
        replan_children.call(child_ids=ids)
    planned = {k.pk: set(Duty.objects.filter(child=k).values_list("kind", flat=True)) for k in kids}
    assert all(planned.values()), planned
    assert "rhi_offer" in planned[kids[0].pk]  # returned (by the last chunk): the interview is due
    assert "rhi_offer" not in planned[kids[1].pk]  # still missing
    before = Duty.objects.count()
    for ids in queued:
        replan_children.call(child_ids=ids)
    assert Duty.objects.count() == before


def _ready_replans() -> list[list[int]]:
    """The queued re-plans a worker would take now (not held)."""
    from django_tasks_db.models import DBTaskResult

    return [
        task.args_kwargs["kwargs"]["child_ids"]
        for task in DBTaskResult.objects.ready()
        .filter(task_path="homesafe.duties.tasks.replan_children")
        .order_by("enqueued_at")
    ]


def test_an_import_holds_its_earlier_chunks_replans_until_it_ends(world, settings):
    """A worker that keeps up would take each chunk's re-plan as it commits, and re-plan a
    child reported in several chunks once per chunk. Every chunk's task but the last one's is
    held (not to be taken for HOMESAFE_INTAKE_REPLAN_HOLD_SECONDS, a time each chunk moves on)
    until the import ends; then the worker takes them all, each child once."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    settings.HOMESAFE_INTAKE_REPLAN_HOLD_SECONDS = 45
    kids = _kids(world, 4, "Held")
    rows = [row_for(kid, f"H-{i}") for i, kid in enumerate(kids)]
    rows.append(row_for(kids[0], "H-0", found_at="02/03/2026 08:15", found_by="police"))
    seen = []

    def a_worker_looks(done, total):
        holds = DBTaskResult.objects.exclude(run_after=get_date_max()).values_list(
            "run_after", flat=True
        )
        seen.append((done, _ready_replans(), [h - timezone.now() for h in holds]))

    result = run(world, rows, chunk_size=2, progress=a_worker_looks)
    assert result.counts["created"] == 4 and result.counts["updated"] == 1, result.report_csv()
    # Chunks [H-0 H-1] [H-2 H-3] [H-0 found]: nothing for a worker to take while the import
    # runs; the first two chunks' tasks held for up to 45 s from the latest chunk.
    assert [done for done, _, _ in seen] == [0, 2, 4, 5]
    for done, ready, holds in seen[1:3]:
        assert ready == [], done
        assert len(holds) == done // 2
        assert all(dt.timedelta(seconds=30) < h <= dt.timedelta(seconds=45) for h in holds)
    # The last chunk's task was not held; the child of its update waited with the first one.
    assert _queued_replans() == [[kids[0].pk, kids[1].pk], [kids[2].pk, kids[3].pk]]
    assert _ready_replans() == _queued_replans()
    assert not DBTaskResult.objects.exclude(run_after=get_date_max()).exists()


def test_an_import_stopped_by_an_error_lets_the_worker_take_what_it_held(world):
    """The chunks written before the error keep their re-plans, released as the import
    stops (not left until their hold runs out)."""
    kids = _kids(world, 4, "Stopped")
    rows = [row_for(kid, f"S-{i}") for i, kid in enumerate(kids)]

    class Stop(Exception):
        pass

    def stop_after_the_second_chunk(done, total):
        if done == 4:
            raise Stop

    try:
        run(
            world,
            rows + [row_for(kids[0], "S-9")],
            chunk_size=2,
            progress=stop_after_the_second_chunk,
        )
    except Stop:
        pass
    else:
        raise AssertionError("the import went on")
    assert _ready_replans() == [[kids[0].pk, kids[1].pk], [kids[2].pk, kids[3].pk]]


def test_the_next_import_lets_the_worker_take_what_a_dead_one_held(world):
    """An import that died (killed: no `finally`) leaves its re-plans held; the next import
    releases them as it starts (tests/intake/test_import_killed.py kills a real one)."""
    from homesafe.duties.services import ReplanQueue

    kids = _kids(world, 2, "Orphan")
    queue = ReplanQueue(hold_seconds=600)
    queue.enqueue(child_ids=[kids[0].pk], hold=True)
    assert _ready_replans() == []
    run(world, [row_for(kids[1], "O-1")])
    assert _ready_replans() == [[kids[0].pk], [kids[1].pk]]


def test_a_backend_that_cannot_wait_runs_each_chunks_replan_at_once(world):
    """A task backend that cannot hold a task (Django's immediate backend runs it as it is
    queued) gets every chunk's re-plan unheld: the import of several chunks neither fails
    nor leaves a child unplanned."""
    from django.test import override_settings

    from homesafe.duties.models import Duty

    kids = _kids(world, 3, "Unheld")
    rows = [row_for(kid, f"U-{i}") for i, kid in enumerate(kids)]
    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        result = run(world, rows, chunk_size=1)
    assert result.counts["created"] == 3, result.report_csv()
    assert result.replans_queued == 3
    assert all(Duty.objects.filter(child=kid).exists() for kid in kids)
    assert _queued_replans() == []


def test_a_child_whose_task_the_worker_took_is_queued_again(world):
    """The worker took the first chunk's task between two chunks (its hold had run out): the
    child's later change is queued again, so their duties follow the last chunk's facts too."""
    from django.tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    kids = _kids(world, 3, "Taken")
    rows = [row_for(kids[0], "T-0"), row_for(kids[1], "T-1")]
    rows.append(row_for(kids[0], "T-0", found_at="02/03/2026 08:15", found_by="police"))
    rows.append(row_for(kids[2], "T-2"))

    def worker_takes_the_waiting_tasks(done, total):
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
            status=TaskResultStatus.RUNNING
        )

    result = run(world, rows, chunk_size=2, progress=worker_takes_the_waiting_tasks)
    assert result.counts["updated"] == 1, result.report_csv()
    assert _queued_replans() == [[kids[0].pk, kids[1].pk], sorted([kids[0].pk, kids[2].pk])]


def test_a_dry_run_queues_no_replan(world):
    kid = ChildFactory(responsible_la=world.orgs["la_a"], first_name="Dry", last_name="Runner")
    result = run(world, [row_for(kid, "DRY-1")], dry_run=True)
    assert result.counts["created"] == 1
    assert _queued_replans() == []


def test_the_cycle_collector_is_given_back_as_it_was(world):
    """The import pauses Python's cycle collector (_collector_paused) and gives it back as it
    found it: on if it was on, off if it was off."""
    import gc

    # Born on days no other child has: factory names ("Kid12 Family12") can look alike.
    first, second = (
        ChildFactory(responsible_la=world.orgs["la_a"], date_of_birth=dt.date(2009, 2, day))
        for day in (10, 24)
    )
    assert gc.isenabled()
    assert run(world, [row_for(first, "GC-1")]).counts["created"] == 1
    assert gc.isenabled()
    gc.disable()
    try:
        assert run(world, [row_for(second, "GC-2")]).counts["created"] == 1
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_days_of_birth_read_ahead_skip_bad_values_and_unreadable_files():
    """The second process reads the children of the file's dates of birth before the rows are
    parsed (_birth_days): every good date, in any form a download uses, and nothing for a bad
    one or a file that cannot be read (the import itself reports those)."""
    from homesafe.intake.matching_ahead import _birth_days

    rows = [
        {"police_reference": "D-1", "date_of_birth": "04/05/2011"},
        {"police_reference": "D-2", "date_of_birth": "2012-06-30"},
        {"police_reference": "D-3", "date_of_birth": "31/02/2010"},  # no such day
        {"police_reference": "D-4", "date_of_birth": ""},
    ]
    assert _birth_days(csv_bytes(rows), {}) == {dt.date(2011, 5, 4), dt.date(2012, 6, 30)}
    assert _birth_days(b"", {}) == set()
    mapped = csv_bytes([{"URN": "D-5", "DOB": "01/02/2013"}], columns=["URN", "DOB"])
    assert _birth_days(mapped, {"DOB": "date_of_birth"}) == {dt.date(2013, 2, 1)}


def test_preloaded_blocks_match_as_blocks_read_on_demand(world):
    """IdentityMatcher.preload reads the days (and their day-and-month swaps) the matcher
    would read on demand: the matches are the same, and no block is read again."""
    from homesafe.intake.matching import IdentityMatcher

    la = world.orgs["la_a"]
    born = dt.date(2011, 4, 5)
    ChildFactory(responsible_la=la, first_name="Amara", last_name="Okoye", date_of_birth=born)
    ChildFactory(
        responsible_la=la,
        first_name="Amara",
        last_name="Okoya",
        date_of_birth=born.replace(month=5, day=4),
    )
    notes = [
        notification_parse(
            {"police_reference": f"P-{i}", "forename": "Amara", "surname": surname,
             "date_of_birth": "05/04/2011", "reported_at": "01/03/2026 10:30", "risk": "low"},
            codes={}, now=NOW,
        )
        for i, surname in enumerate(["Okoye", "Okoie", "Okoya"])
    ]  # fmt: skip
    on_demand = IdentityMatcher(cache_blocks=True).match_many(notes)
    preloaded = IdentityMatcher(cache_blocks=True)
    preloaded.preload({born})
    assert set(preloaded.blocks) == {born, born.replace(month=5, day=4)}
    read = []
    original = preloaded._read_blocks
    preloaded._read_blocks = lambda days: read.append(days) or original(days)
    assert preloaded.match_many(notes) == on_demand
    assert read == []
