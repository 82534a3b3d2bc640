"""The report's London day and its parts in SQL, answered natively on SQLite.

The figures and the summary rows read the London day each episode was reported on, and its
year, month and day of the month (an age on that day), about twenty times a row. Django's
`TruncDate(tzinfo=...)` and `Extract*` are Python functions on SQLite (SQLite knows no time
zones), each call parsing the stored text: a worker's refresh of a police year's summary rows
spent a fifth of its time in them. Here:

- `LondonDay(field)` is `TruncDate(field, tzinfo=Europe/London)` on PostgreSQL; on SQLite the
  function `homesafe_london_day`, registered on each connection, answers from the stored
  text's date and hour (the UK's offsets are whole hours and change on the hour, so the
  London day of a UTC time depends on its date and hour only), remembered by them;
- `Year`, `Month`, `DayOfMonth` are Django's extracts on PostgreSQL and SQLite's own
  `strftime` on a date's text.

tests/insight/test_days.py holds both equal to Python's answers across the clock changes.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, TruncDate

LONDON = ZoneInfo("Europe/London")
_FUNCTION = "homesafe_london_day"


@lru_cache(maxsize=100_000)  # a year of reports is under 9,000 hours
def _london_day_of_hour(date_and_hour: str) -> str:
    utc = dt.datetime(
        int(date_and_hour[0:4]),
        int(date_and_hour[5:7]),
        int(date_and_hour[8:10]),
        int(date_and_hour[11:13]),
        tzinfo=dt.UTC,
    )
    return utc.astimezone(LONDON).date().isoformat()


def london_day(stored: str | None) -> str | None:
    """The London day of a UTC time as SQLite holds it ("YYYY-MM-DD HH:MM:SS[.ffffff]",
    naive), as "YYYY-MM-DD"; None for NULL."""
    if stored is None:
        return None
    return _london_day_of_hour(stored[:13])


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created`: the SQLite function LondonDay calls."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function(_FUNCTION, 1, london_day, deterministic=True)


def register_on_every_connection() -> None:
    """Register the function on each new connection, and on any already open."""
    from django.db import connections
    from django.db.backends.signals import connection_created

    connection_created.connect(register_sqlite_functions, dispatch_uid=_FUNCTION)
    for connection in connections.all(initialized_only=True):
        register_sqlite_functions(None, connection)


class LondonDay(TruncDate):
    """The London date of a datetime field."""

    def __init__(self, expression, **extra):
        super().__init__(expression, tzinfo=LONDON, **extra)

    def as_sqlite(self, compiler, connection):
        if connection.timezone_name != "UTC":  # the stored text is not UTC: Django's own
            return self.as_sql(compiler, connection)
        sql, params = compiler.compile(self.lhs)
        return f"{_FUNCTION}({sql})", params


def _strftime(extract, code: str, compiler, connection):
    if isinstance(extract.lhs.output_field, DateTimeField):  # a time: Django's, with its zone
        return extract.as_sql(compiler, connection)
    sql, params = compiler.compile(extract.lhs)
    return f"CAST(strftime(%s, {sql}) AS INTEGER)", (code, *params)


class Year(ExtractYear):
    """The year of a date (a date field, or LondonDay)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return _strftime(self, "%Y", compiler, connection)


class Month(ExtractMonth):
    def as_sqlite(self, compiler, connection, **extra_context):
        return _strftime(self, "%m", compiler, connection)


class DayOfMonth(ExtractDay):
    def as_sqlite(self, compiler, connection, **extra_context):
        return _strftime(self, "%d", compiler, connection)
