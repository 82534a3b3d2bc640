"""Rows written in bulk by one prepared statement run many times (SQLite) or by COPY
(PostgreSQL): for imports and re-planning, where Django's bulk_create spends most of the time
building SQL (bench/bench_intake.py measures both). Django has nothing for COPY, and
bulk_create's per-value compilation is the cost, so this is written here.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection


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


# The most values one SQLite statement takes in the oldest SQLite HomeSafe may meet (3.32 and
# later take 32,766).
SQLITE_VARIABLES = 999


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

    def _plan(self, model) -> tuple:
        plan = self._plans.get(model)
        if plan is None:
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            adapters = [self._adapter(f) for f in fields]
            plan = (model._meta.db_table, model._meta.pk.column, fields, adapters)
            self._plans[model] = plan
        return plan

    def _adapter(self, field) -> Callable | None:
        internal = field.get_internal_type()
        if internal == "JSONField":
            encoder = field.encoder
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
        self, model, rows: list[dict], *, now: dt.datetime, ids: bool = True, grouped: bool = False
    ) -> list[int]:
        """Insert the rows; their new ids in order (unless `ids` is False).

        `grouped`: on SQLite, as many rows per statement as SQLITE_VARIABLES allows rather than
        one, which saves SQLite's work per statement: for a table whose indexes take the rows
        near each other (audit entries, a duty's events, gradings, places): 30-60% less CPU
        for those in a police year's import and a first re-plan (docs/benchmarks.md). Not for
        a table with several indexes that take each row somewhere else (duties, episodes):
        measured slower there."""
        if not rows:
            return []
        table, pk, fields, adapters = self._plan(model)
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
                    cursor.execute(
                        "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                        "FROM generate_series(1, %s)",
                        [table, pk, len(values)],
                    )
                    new_ids = [row[0] for row in cursor.fetchall()]
                    for record, new_id in zip(values, new_ids, strict=True):
                        record.append(new_id)
                    columns += ", " + connection.ops.quote_name(pk)
                raw = cursor.cursor
                with raw.copy(
                    f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
                ) as copy:
                    for record in values:
                        copy.write_row(record)
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
