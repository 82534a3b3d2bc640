"""Rows written in bulk by one prepared statement run many times (SQLite) or by COPY
(PostgreSQL): for imports and re-planning, where Django's bulk_create spends most of the time
building SQL (bench/bench_intake.py measures both). Django has nothing for COPY, and
bulk_create's per-value compilation is the cost, so this is written here.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import operator
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from psycopg.types.json import Jsonb

logger = logging.getLogger(__name__)


class JSONText(str):
    """A JSON field's value already written as JSON text (audit payloads, made once each)."""


def _sqlite_datetime() -> Callable:
    """A datetime as Django stores it in SQLite: UTC, no offset, "YYYY-MM-DD HH:MM:SS[.f]".
    The last value is remembered: most are the import's own `now`, over and over; and the
    text of each value met (up to _REMEMBERED): a re-plan's due times are mostly the ends of
    the same few working days."""
    last: list = [None, None]
    texts: dict = {}

    def adapt(value):
        if value is None:
            return None
        if value is last[0]:
            return last[1]
        # Not for the autumn's repeated hour (fold=1): within one zone Python finds 01:30
        # (fold=1) equal to 01:30 (fold=0), an hour earlier.
        text = None if value.fold else texts.get(value)
        if text is None:
            utc = value if value.tzinfo is dt.UTC else value.astimezone(dt.UTC)
            text = str(utc.replace(tzinfo=None))
            if len(texts) < _REMEMBERED and not value.fold:
                texts[value] = text
        last[0], last[1] = value, text
        return text

    return adapt


_REMEMBERED = 50_000

# Column types (as format_type names them) that BulkInsert sends to PostgreSQL in binary.
_BINARY_TYPES = frozenset(
    {
        "bigint", "integer", "smallint", "boolean", "text", "character varying", "date",
        "timestamp with time zone", "jsonb", "double precision", "uuid",
    }
)  # fmt: skip


# The most values one SQLite statement takes in the oldest SQLite HomeSafe may meet (3.32 and
# later take 32,766).
SQLITE_VARIABLES = 999


# PostgreSQL: the column types of each table, by database and table, read once a process.
# Every re-plan makes a BulkInsert, which read them again for each table it wrote: a query a
# table for every report, return and change a page or the API makes. A migration that changes
# a column's type is deployed with a restart.
_COLUMN_TYPES: dict[tuple[str, str], dict[str, str]] = {}


def _column_types(table: str) -> dict[str, str]:
    key = (connection.settings_dict["NAME"], table)
    types = _COLUMN_TYPES.get(key)
    if types is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [connection.ops.quote_name(table)],
            )
            types = _COLUMN_TYPES[key] = dict(cursor.fetchall())
    return types


class BulkInsert:
    """Rows of one model written by one prepared statement run many times (SQLite) or by COPY
    (PostgreSQL), instead of Django's bulk_create, which spends most of an import building SQL.

    Values are given by attribute name (`child_id`); a field not given takes its default, as
    bulk_create would. Used only inside the caller's transaction. `insert` returns the new
    rows' ids in order: on PostgreSQL they are drawn from the table's sequence first; on SQLite
    the rows are inserted in one statement run while this connection holds the write lock, so
    their rowids are consecutive and end at last_insert_rowid().
    """

    def __init__(self):
        self.vendor = connection.vendor
        self._plans: dict[type, tuple] = {}
        self._sender: _CopySender | None = None
        self._reserved: dict[type, list[int]] = {}  # ids drawn ahead, by model (reserve)

    def reserve(self, model, count: int) -> None:
        """PostgreSQL: draw `count` new ids of the model now, for the next inserts to use (so
        that an insert sent `behind` waits for nothing). Elsewhere nothing: SQLite's ids
        come from the insert itself."""
        if self.vendor != "postgresql" or count <= 0:
            return
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            self._reserved.setdefault(model, []).extend(row[0] for row in cursor.fetchall())

    def flush(self) -> None:
        """Wait until every COPY sent `behind` is done; raise the first one's error, if any
        (then the transaction is aborted, and the caller's atomic block rolls it back)."""
        if self._sender is not None:
            sender, self._sender = self._sender, None
            sender.close()

    @contextmanager
    def sending_behind(self) -> Iterator[None]:
        """A block whose `insert(behind=True)` COPYs are all done when it ends, however it
        ends (before the transaction around it commits or rolls back)."""
        try:
            yield
        finally:
            self.flush()

    def _plan(self, model) -> tuple:
        plan = self._plans.get(model)
        if plan is None:
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            types = self._binary_types(model, fields) if self.vendor == "postgresql" else None
            adapters = [self._adapter(f, binary=types is not None) for f in fields]
            plan = (model._meta.db_table, model._meta.pk.column, fields, adapters, types)
            self._plans[model] = plan
        return plan

    @staticmethod
    def _binary_types(model, fields) -> list[str] | None:
        """PostgreSQL: the columns' types (the key column's last) for COPY in binary, or None
        (text) if a column has a type without a binary form here. Binary spares the server
        parsing every value's text (timestamps above all): a police year's COPYs are most
        of the server's work in an import (docs/benchmarks.md)."""
        types = _column_types(model._meta.db_table)
        columns = [f.column for f in fields] + [model._meta.pk.column]
        if any(types.get(column) not in _BINARY_TYPES for column in columns):
            return None
        return [types[column] for column in columns]

    def _adapter(self, field, *, binary: bool = False) -> Callable | None:
        internal = field.get_internal_type()
        if internal == "JSONField":
            encoder = field.encoder
            if binary:
                return lambda value: (
                    None
                    if value is None
                    else Jsonb(value, dumps=str)
                    if isinstance(value, JSONText)
                    else Jsonb(value, dumps=lambda v: json.dumps(v, cls=encoder))
                )
            return lambda value: (
                value
                if isinstance(value, JSONText) or value is None
                else json.dumps(value, cls=encoder)
            )
        if self.vendor != "sqlite":
            return None
        if internal == "DateTimeField":
            return _sqlite_datetime()
        if internal == "DateField":
            return lambda value: None if value is None else value.isoformat()
        return None

    def insert(
        self,
        model,
        rows: list[dict],
        *,
        now: dt.datetime,
        ids: bool = True,
        grouped: bool = False,
        behind: bool = False,
    ) -> list[int]:
        """Insert the rows; their new ids in order (unless `ids` is False).

        `behind`: on PostgreSQL, the COPY is sent by a second thread on the same connection
        and transaction, in the order given, while this thread goes on (the ids are drawn
        before); the server inserts and indexes the rows while Python builds the next ones.
        The caller calls `flush()` before it reads what was sent, and before its transaction
        ends, whether it commits or not (`sending_behind()` does).

        `grouped`: on SQLite, as many rows per statement as SQLITE_VARIABLES allows rather than
        one, which saves SQLite's work per statement: for a table whose indexes take the rows
        near each other (audit entries, a duty's events, gradings, places): 30-60% less CPU
        for those in a police year's import and a first re-plan (docs/benchmarks.md). Not for
        a table with several indexes that take each row somewhere else (duties, episodes):
        measured slower there."""
        if not rows:
            return []
        table, pk, fields, adapters, types = self._plan(model)
        defaults = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults.append(now)
            else:
                defaults.append(f.get_default())
        base = {f.attname: default for f, default in zip(fields, defaults, strict=True)}
        pick = operator.itemgetter(*(f.attname for f in fields))
        adapt = [(i, a) for i, a in enumerate(adapters) if a is not None]
        values = []
        for row in rows:
            record = list(pick({**base, **row}))
            for i, adapter in adapt:
                record[i] = adapter(record[i])
            values.append(record)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                new_ids: list[int] = []
                if ids:
                    pool = self._reserved.setdefault(model, [])
                    if len(pool) < len(values):
                        self.reserve(model, len(values) - len(pool))
                    new_ids, pool[:] = pool[: len(values)], pool[len(values) :]
                    for record, new_id in zip(values, new_ids, strict=True):
                        record.append(new_id)
                    columns += ", " + connection.ops.quote_name(pk)
                binary = " (FORMAT BINARY)" if types else ""
                statement = (
                    f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN{binary}"
                )
                copy = (statement, (types if ids else types[:-1]) if types else None, values)
                if behind:
                    if self._sender is None:
                        self._sender = _CopySender(connection, cursor.cursor.connection)
                    self._sender.send(copy)
                else:
                    _copy(cursor.cursor, *copy)
                return new_ids
            marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
            statement = f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES "
            if not grouped:
                cursor.executemany(statement + marks, values)
            else:
                # Always two statements, whatever the number of rows (a batch's queries are
                # counted by tests): the whole groups, then the rest (either may run no times).
                per = max(1, SQLITE_VARIABLES // len(fields))
                whole = len(values) - len(values) % per
                cursor.executemany(
                    statement + ", ".join([marks] * per),
                    [
                        [value for record in values[i : i + per] for value in record]
                        for i in range(0, whole, per)
                    ],
                )
                rest = values[whole:]
                cursor.executemany(
                    statement + ", ".join([marks] * max(1, len(rest))),
                    [[value for record in rest for value in record]] if rest else [],
                )
            if not ids:
                return []
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            return list(range(last - len(values) + 1, last + 1))


def _copy(cursor, statement: str, types: list[str] | None, values: list[list]) -> None:
    with cursor.copy(statement) as copy:
        if types:
            copy.set_types(types)
        for record in values:
            copy.write_row(record)


class _CopySender:
    """BulkInsert's COPYs sent by a second thread on the caller's psycopg connection (one
    transaction; psycopg's connection lock keeps the threads' statements apart). The server's
    work on a COPY (its rows, their indexes) then overlaps with the caller's Python: two cores.
    After an error the rest are skipped (the transaction is aborted anyway) and `close`
    raises it."""

    def __init__(self, django_connection, raw_connection):
        self.django, self.raw = django_connection, raw_connection
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bulk-copy", daemon=True)
        self.thread.start()

    def send(self, copy: tuple) -> None:
        self.queue.put(copy)

    def _run(self) -> None:
        while (copy := self.queue.get()) is not None:
            if self.error is None:
                try:
                    with self.raw.cursor() as cursor:
                        _copy(cursor, *copy)
                except BaseException as error:  # noqa: BLE001 - raised in the caller's thread by close()
                    self.error = error

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            with self.django.wrap_database_errors:  # as Django's own cursor raises it
                raise self.error


@contextmanager
def cycle_collector_paused(*, collect_at_end: int | None = None) -> Iterator[None]:
    """Python's cycle collector paused while a bulk path holds many small objects (an import's
    parsed rows, a re-plan batch's facts and duties): they are freed by reference counting, and
    the collector's passes over them cost a third of an import's time (bench/bench_intake.py,
    bench/bench_duties_replan.py). `collect_at_end`: the generation to collect when it ends
    (the caller may also collect young generations as it goes)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            if collect_at_end is not None:
                gc.collect(collect_at_end)


class WalCheckpointer:
    """SQLite: the write-ahead log copied back into the database file by a thread with its own
    connection, every CHECKPOINT_INTERVAL seconds while a bulk path writes (sqlite_tuned) and
    once more after each ends, instead of by the writer itself.

    The writer's own checkpoints (a copy of every page the log holds and two fsyncs each, at
    the end of each of the worker's re-plan tasks) were 5.5 s of the worker's 48 s re-planning a
    police year at full size (docs/benchmarks.md). A PASSIVE checkpoint never waits for readers
    or writers and never blocks them, and Python's sqlite3 lets go of the GIL while SQLite
    works, so this thread runs on the other core beside the writer; SQLite's documentation
    suggests checkpoints from a separate thread for this. Nothing else is needed of it for
    what is written: a failed checkpoint (logged) leaves the pages in the log, and the next one,
    or any connection's own, copies them."""

    def __init__(self, path: str):
        self.path = path
        self.active = 0  # bulk paths writing now
        self.lock = threading.Lock()
        self.wake = threading.Event()
        threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True).start()

    def enter(self) -> None:
        with self.lock:
            self.active += 1
            self.wake.set()

    def leave(self) -> None:
        with self.lock:
            self.active -= 1
            self.wake.set()  # once more, for what was written last

    def _run(self) -> None:
        try:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:  # the writers' own checkpoints go on (sqlite_tuned)
            logger.warning("SQLite checkpoints: no connection: %s", error)
            return
        while True:
            self.wake.wait()
            with self.lock:
                active = self.active
                if not active:
                    self.wake.clear()
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as error:
                logger.warning("SQLite checkpoint failed: %s", error)
            if active:
                time.sleep(CHECKPOINT_INTERVAL)


CHECKPOINT_INTERVAL = 0.25  # seconds between a bulk path's checkpoints
_CHECKPOINTERS: dict[str, WalCheckpointer] = {}  # by database file, in this process
os.register_at_fork(after_in_child=_CHECKPOINTERS.clear)  # a forked child has no such thread


def wal_checkpointer(path: str) -> WalCheckpointer:
    """The checkpointer of this database file in this process, started at the first call."""
    checkpointer = _CHECKPOINTERS.get(path)
    if checkpointer is None:
        checkpointer = _CHECKPOINTERS[path] = WalCheckpointer(path)
    return checkpointer


@contextmanager
def sqlite_tuned() -> Iterator[None]:
    """SQLite, while a bulk path (an import, the worker's re-plan of an import's children)
    writes into large tables and their indexes: a bigger page cache for this connection
    (SQLite's default is 2 MiB), given back afterwards; and the write-ahead log checkpointed by
    a thread of its own (WalCheckpointer), not by this connection, which checkpoints it itself
    only past HOMESAFE_SQLITE_CHECKPOINT_PAGES pages. That stays so until the connection closes
    (Django closes it after the request or task): given back at once, its next commit, the
    worker's note that the task is done, found the log over SQLite's 1,000 pages and
    checkpointed it on the worker's time before the thread could."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        yield
        return
    checkpointer = wal_checkpointer(str(connection.settings_dict["NAME"]))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{settings.HOMESAFE_SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {settings.HOMESAFE_SQLITE_CHECKPOINT_PAGES}")
    checkpointer.enter()
    try:
        yield
    finally:
        checkpointer.leave()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
