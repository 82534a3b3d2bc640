"""homesafe.bulk: rows written whole with their ids, and datetimes as Django stores them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from homesafe.bulk import SQLITE_VARIABLES, BulkInsert, _sqlite_datetime
from homesafe.episodes.choices import LocationKind
from homesafe.episodes.models import Location

LONDON = ZoneInfo("Europe/London")


def test_sqlite_datetimes_are_utc_text_even_in_the_autumns_repeated_hour():
    adapt = _sqlite_datetime()
    first = dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)  # BST: 00:30 UTC
    second = first.replace(fold=1)  # GMT, an hour later: equal to `first` within the zone
    summer = dt.datetime(2026, 7, 1, 12, 0, tzinfo=LONDON)
    same_instant = dt.datetime(2026, 7, 1, 11, 0, tzinfo=dt.UTC)
    assert [adapt(v) for v in (first, second, first, second, summer, same_instant, None)] == [
        "2026-10-25 00:30:00",
        "2026-10-25 01:30:00",
        "2026-10-25 00:30:00",
        "2026-10-25 01:30:00",
        "2026-07-01 11:00:00",
        "2026-07-01 11:00:00",
        None,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("count", [1, 7, SQLITE_VARIABLES, "two whole groups"])
def test_rows_are_written_whole_in_order_with_their_ids(grouped, count):
    if count == "two whole groups":  # no rows left over for the second statement
        columns = [f for f in Location._meta.concrete_fields if not f.primary_key]
        count = 2 * (SQLITE_VARIABLES // len(columns))
    now = timezone.now()
    rows = [{"kind": LocationKind.OTHER, "description": f"Place {i}"} for i in range(count)]
    ids = BulkInsert().insert(Location, rows, now=now, grouped=grouped)
    stored = dict(Location.objects.filter(pk__in=ids).values_list("pk", "description"))
    assert [stored[pk] for pk in ids] == [f"Place {i}" for i in range(count)]
    assert len(set(ids)) == count


@pytest.mark.django_db
def test_values_of_every_kind_are_stored_as_given():
    """On PostgreSQL COPY sends the values in binary: times, dates, flags, numbers and JSON
    (already written as text, or not) come back as they were."""
    from homesafe.access.models import AuditEntry
    from homesafe.bulk import JSONText

    at = dt.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=dt.UTC)
    rows = [
        {"verb": "child_viewed", "target_type": "people.child", "target_id": "1", "at": at,
         "actor_label": "Bench \u00e9\t\"quoted\"", "payload": JSONText('{"a": "x\\ny"}')},
        {"verb": "child_viewed", "target_type": "people.child", "target_id": "2", "at": at,
         "child_id": 7, "actor_label": "x", "payload": {"fields": ["first_name"], "n": 2}},
    ]  # fmt: skip
    BulkInsert().insert(AuditEntry, rows, now=at, ids=False)
    stored = list(
        AuditEntry.objects.order_by("target_id").values_list(
            "at", "actor_label", "child_id", "payload"
        )
    )
    assert stored == [
        (at, 'Bench \u00e9\t"quoted"', None, {"a": "x\ny"}),
        (at, "x", 7, {"fields": ["first_name"], "n": 2}),
    ]


@pytest.mark.django_db
def test_a_tables_column_types_are_read_once_a_process():
    """Each re-plan makes a BulkInsert: on PostgreSQL the second reads no column types."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    rows = [{"kind": LocationKind.OTHER, "description": "Place"}]
    BulkInsert().insert(Location, rows, now=now)
    with CaptureQueriesContext(connection) as queries:
        ids = BulkInsert().insert(Location, rows, now=now)
    assert not [q for q in queries.captured_queries if "pg_attribute" in q["sql"]]
    assert Location.objects.get(pk=ids[0]).description == "Place"


@pytest.mark.django_db(transaction=True)
def test_rows_sent_behind_are_written_in_the_transaction_before_it_ends():
    from django.db import IntegrityError, transaction

    now = timezone.now()
    bulk = BulkInsert()
    with transaction.atomic():
        with bulk.sending_behind():
            ids = bulk.insert(
                Location, [{"kind": LocationKind.OTHER, "description": "A"}], now=now, behind=True
            )
        assert list(Location.objects.filter(pk__in=ids).values_list("description", flat=True)) == [
            "A"
        ]
    # A COPY that fails is raised when the block ends, and the transaction holds nothing.
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.sending_behind():
        bulk.insert(
            Location, [{"kind": LocationKind.OTHER, "description": "B"}], now=now, behind=True
        )
        bulk.insert(Location, [{"kind": None, "description": "C"}], now=now, behind=True)
    assert set(Location.objects.values_list("description", flat=True)) == {"A"}


def _pages_in_the_database_file(path) -> int:
    return path.stat().st_size // 4096


def _until_the_database_file_holds(path, pages: int) -> None:
    import time

    deadline = time.monotonic() + 30
    while _pages_in_the_database_file(path) < pages:
        assert time.monotonic() < deadline, "the log was not copied back into the database"
        time.sleep(0.01)


def test_a_bulk_paths_log_is_checkpointed_by_a_thread_not_by_the_writer(tmp_path):
    """While a bulk path writes, its connection does not checkpoint (here not at all;
    sqlite_tuned only past HOMESAFE_SQLITE_CHECKPOINT_PAGES): the WalCheckpointer's thread
    copies the log back into the database file as it goes, and once more after the bulk path
    ends, without the writer waiting for it."""
    import sqlite3

    from homesafe.bulk import WalCheckpointer

    path = tmp_path / "bulk.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("CREATE TABLE rows_written (body BLOB)")
    checkpointer = WalCheckpointer(str(path))
    writer.executemany("INSERT INTO rows_written VALUES (?)", [(b"x" * 3000,)] * 1000)
    # Nobody has checkpointed: the 1,000 pages are in the log, not in the database file.
    assert _pages_in_the_database_file(path) < 10
    checkpointer.enter()
    checkpointer.leave()
    _until_the_database_file_holds(path, 1000)  # once after the bulk path ended

    checkpointer.enter()
    writer.executemany("INSERT INTO rows_written VALUES (?)", [(b"y" * 3000,)] * 1000)
    _until_the_database_file_holds(path, 2000)  # while it writes
    writer.executemany("INSERT INTO rows_written VALUES (?)", [(b"z" * 3000,)] * 1000)
    checkpointer.leave()
    _until_the_database_file_holds(path, 3000)
    writer.close()
