"""Fixtures built once per session on top of the world and written back in each test that asks.

A fixture that writes records through the services (a casework of interviews, meetings,
screenings...) costs tenths of a second each time; built for every test of a module it is most
of the module's time. `built_once(request, "name", build)` builds it the first time a test of
the session asks, in a savepoint rolled back at once, on the same clock and with the same
world a test's own build would have, and records what the build changed, table by table
(`Delta`: rows added, rows changed, rows deleted). Each test that asks then gets those changes
written back (one insert per table, as the world's rows are) and its own copy of the objects
`build` returned (and of the world, as the build left it), and its clock moves on to where the
build left it, as if the test had built it. The result is the same rows with the same ids,
timestamps and secrets in every test.

The test must be in a position to take the changes: the database as the world left it (the
fixture asks for the world first). If anything else was written before, or the test is a
browser test or a `real_clock` one, `build` runs in the test as before.
"""

from __future__ import annotations

import datetime as dt
import pickle
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import time_machine
from django.db import IntegrityError, connections, transaction
from django.test import override_settings
from django.utils import timezone

from tests.clock import NOW
from tests.world import _stored_models

_BUILT: dict[str, Delta | None] = {}  # per process: one session of one pytest-xdist worker


_NUMBERED = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def _test_atomic(using: str):
    """A savepoint such as the test's own transaction is: a use case's durable transaction
    may open inside it (Django lets a durable block nest only in a test case's)."""
    atomic = transaction.atomic(using=using)
    atomic._from_testcase = True
    return atomic


def _concrete(model) -> list:
    return [f for f in model._meta.local_concrete_fields if not f.generated]


def insert_statements(rows: list, using: str) -> list[tuple[str, tuple | None]]:
    """The INSERT statements (SQL and parameters) that write `rows` ((model, [instances])) as
    they are: ids and every field, no save() and no signals. Compiled once and executed by
    each test that needs the rows: compiling them (every value through its field's
    `get_db_prep_save`) cost more than running them, about 60 ms a test for the world."""
    from django.db.models.sql import InsertQuery

    connection = connections[using]
    statements = []
    for model, objs in rows:
        fields = _concrete(model)
        size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
        for start in range(0, len(objs), size):
            query = InsertQuery(model)
            query.insert_values(fields, objs[start : start + size], raw=True)
            statements.extend(
                (sql, tuple(params)) for sql, params in query.get_compiler(using=using).as_sql()
            )
    if connection.vendor == "postgresql" and statements:
        # One query of every INSERT, its values bound once here (psycopg's client-side binding,
        # which Django uses, allows several statements in one query): a round trip a table for
        # every test that restores the world was about a tenth of such a test's time.
        statements = [
            (
                ";\n".join(connection.ops.compose_sql(sql, params) for sql, params in statements),
                None,
            )
        ]
    return statements


def execute_all(statements: list[tuple[str, tuple | None]], using: str) -> None:
    with connections[using].cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _tables(models, using) -> dict:
    """Every row of every table, as a tuple of its concrete fields' values, by primary key."""
    state = {}
    for model in models:
        names = [f.attname for f in _concrete(model)]
        pk_at = names.index(model._meta.pk.attname)
        state[model] = {
            row[pk_at]: row for row in model._base_manager.using(using).values_list(*names)
        }
    return state


def _fingerprint(models, using) -> tuple:
    """What says whether the database is as a build found it, in a few milliseconds.

    SQLite: how many rows each table has and its highest key, in one query (0.6 ms).
    PostgreSQL: how many rows the test's transaction has inserted, updated and deleted in
    each table so far, from the server's own counters, read in 0.5 ms: counting and finding
    the highest key of 94 tables took 16 to 22 ms there, before every fixture built once. The
    counters go on from the transactions before until the connection is idle, so they are
    taken from where they stood as the test began (`mark_test_start`, which
    tests/databases.py calls), less what builds taken and rolled back in the test wrote (the
    server counts a rolled-back savepoint's rows as written). They are the rows the test's
    world and the fixtures before wrote, the same in every test; anything else written (an
    earlier fixture's own rows) changes them.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        key, written = _written_in_transaction(connection)
        mark = _MARKS.get(using)
        if written is not None and mark is not None and mark[0] == key:
            less = [mark[1], _ROLLED_BACK.get((using, key), {})]
            return ("written", _EMPTIED[0], *sorted(_less(written, *less).items()))
    quote = connection.ops.quote_name
    parts = []
    for model in models:
        table, pk = quote(model._meta.db_table), model._meta.pk
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        if pk.get_internal_type() in _NUMBERED:
            parts.append(f"(SELECT MAX({quote(pk.column)}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return (_EMPTIED[0], *cursor.fetchone())


Counts = dict[str, tuple[int, int, int]]  # by table: rows inserted, updated and deleted

# PostgreSQL, by database: the test's transaction and the rows counted as written when it
# began; and the rows written by builds taken and rolled back, by database and transaction.
_MARKS: dict[str, tuple[str, Counts | None]] = {}
_ROLLED_BACK: dict[tuple[str, str], Counts] = {}


def _less(counts: Counts, *others: Counts) -> Counts:
    """`counts` less each of `others`, table by table; the tables left at nothing dropped."""
    left = {}
    for table, numbers in counts.items():
        for other in others:
            if table in other:
                numbers = tuple(a - b for a, b in zip(numbers, other[table], strict=True))
        if any(numbers):
            left[table] = numbers
    return left


# How many times a transactional test's database was emptied (tests/databases.py): that takes
# committed rows the counters never see, the migrations' own among them (the interview terms),
# so a build taken before does not fit after.
_EMPTIED = [0]


def database_emptied() -> None:
    _EMPTIED[0] += 1


def mark_test_start(using: str) -> None:
    """Note where the server's counters of rows written stand as a test's transaction begins
    (PostgreSQL; called by tests/databases.py once the test's transaction is open)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        _MARKS[using] = _written_in_transaction(connection)


def _written_in_transaction(connection) -> tuple[str, Counts | None]:
    """The transaction (the server process and the time it began) and the rows counted as
    written in each table of the connection's schema (None if the server counts no rows:
    `track_counts` off)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid()::text || ' ' || transaction_timestamp()::text,"
            " current_setting('track_counts')::bool, relname,"
            " pg_stat_get_xact_tuples_inserted(oid), pg_stat_get_xact_tuples_updated(oid),"
            " pg_stat_get_xact_tuples_deleted(oid)"
            " FROM pg_class WHERE relkind IN ('r', 'p')"
            " AND relnamespace = current_schema()::regnamespace"
        )
        rows = cursor.fetchall()
    key, tracked = rows[0][:2]
    if not tracked:
        return key, None
    return key, {table: tuple(n) for _key, _tracked, table, *n in rows if any(n)}


@contextmanager
def rolled_back_uncounted(using: str):
    """For a block whose writes are rolled back: on PostgreSQL, they are taken off what
    `_fingerprint` counts as the transaction's."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    key, before = _written_in_transaction(connection)
    yield
    _key, after = _written_in_transaction(connection)
    if before is not None and after is not None:
        # What the block wrote, added to what earlier blocks of the transaction wrote.
        wrote, earlier = _less(after, before), _ROLLED_BACK.get((using, key), {})
        _ROLLED_BACK[(using, key)] = {
            table: tuple(
                map(sum, zip(*(c[table] for c in (wrote, earlier) if table in c), strict=True))
            )
            for table in wrote.keys() | earlier.keys()
        }


@dataclass
class Delta:
    """What one build changed in the database, and the objects it gave back."""

    objects: bytes  # (world, result), pickled together so that they share their objects
    base: tuple  # _fingerprint() of the database the build started from
    added: list  # (model, [instances])
    changed: list  # (model, [instances])
    deleted: list  # (model, [primary keys])
    clock_after: dt.datetime  # where the build left the clock
    media: Path | None  # files the build stored (MEDIA_ROOT), copied into each test's
    inserts: dict = field(default_factory=dict)  # by database: insert_statements(added)

    @classmethod
    def take(cls, world, build, *, media: Path | None, using: str = "default") -> Delta:
        models = _stored_models()
        with rolled_back_uncounted(using), _test_atomic(using):
            base = _fingerprint(models, using)
            before = _tables(models, using)
            with time_machine.travel(NOW, tick=True):
                if media is None:
                    result = build()
                else:
                    with override_settings(MEDIA_ROOT=media):
                        result = build()
                clock_after = timezone.now()
            after = _tables(models, using)
            added, changed, deleted = [], [], []
            for model in models:
                old, new = before[model], after[model]
                gone = sorted(set(old) - set(new))
                if gone:
                    deleted.append((model, gone))
                for into, pks in (
                    (added, sorted(set(new) - set(old))),
                    (changed, sorted(pk for pk in set(new) & set(old) if new[pk] != old[pk])),
                ):
                    if pks:
                        manager = model._base_manager.using(using)
                        into.append((model, list(manager.filter(pk__in=pks).order_by("pk"))))
            objects = pickle.dumps((world, result))
            transaction.set_rollback(True, using=using)
        return cls(objects, base, added, changed, deleted, clock_after, media)

    def fits(self, using: str = "default") -> bool:
        """Whether the database is as it was when the build started."""
        return _fingerprint(_stored_models(), using) == self.base

    def apply(self, *, media: Path | None = None, using: str = "default"):
        """Write the changes back (no save(), no signals), move the clock on to where the build
        left it, and give a copy of (world, result)."""
        with transaction.atomic(using=using):
            for model, pks in self.deleted:
                model._base_manager.using(using).filter(pk__in=pks)._raw_delete(using)
            for model, objs in self.changed:
                manager = model._base_manager.using(using)
                for obj in objs:
                    fields = [f for f in _concrete(model) if not f.primary_key]
                    manager.filter(pk=obj.pk).update(
                        **{f.attname: getattr(obj, f.attname) for f in fields}
                    )
            if using not in self.inserts:
                self.inserts[using] = insert_statements(self.added, using)
            execute_all(self.inserts[using], using)
        if self.media is not None and media is not None:
            shutil.copytree(self.media, media, dirs_exist_ok=True)
        if time_machine.traveller_stack and timezone.now() < self.clock_after:
            time_machine.traveller_stack[-1].shift(self.clock_after - timezone.now())
        return pickle.loads(self.objects)


def built_once(request, name: str, build, *, media: Path | None = None):
    """`build()`'s result for this test, built once per session (see the module's docstring).

    `build` makes its records on the `world` fixture's world (ask for it before anything that
    writes); `media`, if the build stores files, is this test's MEDIA_ROOT (already in the
    settings), and the session's build stores them in a folder of its own that is copied there.
    """
    from django.db import connection

    world = request.getfixturevalue("world")
    in_test_transaction = connection.in_atomic_block
    if not in_test_transaction or request.node.get_closest_marker("real_clock"):
        return build()
    if name not in _BUILT:
        session_media = None
        if media is not None:
            factory = request.getfixturevalue("tmp_path_factory")
            session_media = factory.mktemp(f"built-{name}") / "media"
        try:
            _BUILT[name] = Delta.take(world, build, media=session_media)
        except Exception:
            _BUILT[name] = None  # built in each test instead (where its error will show)
    delta = _BUILT[name]
    if delta is None or not delta.fits():
        return build()
    try:
        with transaction.atomic():
            built_world, result = delta.apply(media=media)
    except IntegrityError:
        return build()
    world.__dict__.update(built_world.__dict__)  # the test's world, as the build left it
    return result
