"""homesafe.insight.days: the report's London day and its parts, in SQL, equal to Python's
answer and to Django's own functions, on each database and across the clock changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, TruncDate
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from homesafe.episodes.models import MissingEpisode
from homesafe.insight.days import DayOfMonth, LondonDay, Month, Year, london_day
from tests.factories import ChildFactory, EpisodeFactory

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

# Either side of each hour the London day can turn on: midnight in winter (UTC) and in summer
# (23:00 UTC), and the clock changes of 2026 (29 March and 25 October, at 01:00 UTC).
EDGES = [
    dt.datetime(2026, 1, 15, 23, 59, 59, 999999, tzinfo=UTC),
    dt.datetime(2026, 1, 16, 0, 0, tzinfo=UTC),
    dt.datetime(2026, 3, 28, 23, 59, tzinfo=UTC),
    dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
    dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    dt.datetime(2026, 3, 29, 22, 59, 59, tzinfo=UTC),
    dt.datetime(2026, 3, 29, 23, 0, tzinfo=UTC),
    dt.datetime(2026, 7, 1, 22, 59, tzinfo=UTC),
    dt.datetime(2026, 7, 1, 23, 0, tzinfo=UTC),
    dt.datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    dt.datetime(2026, 10, 25, 23, 59, tzinfo=UTC),
    dt.datetime(2024, 2, 29, 23, 30, tzinfo=UTC),
    dt.datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
]


@given(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 12, 31)))
def test_the_sqlite_function_gives_the_london_day_of_any_time(moment):
    stored = str(moment)  # as Django writes a UTC time into SQLite: naive, space-separated
    assert london_day(stored) == moment.replace(tzinfo=UTC).astimezone(LONDON).date().isoformat()


def test_the_sqlite_function_passes_null():
    assert london_day(None) is None


@pytest.mark.django_db
def test_the_london_day_and_its_parts_in_sql_are_pythons_and_djangos():
    born = dt.date(2012, 3, 29)
    child = ChildFactory(date_of_birth=born)
    for moment in EDGES:
        EpisodeFactory(child=child, reported_at=moment, last_seen_at=moment - dt.timedelta(hours=2))
    with CaptureQueriesContext(connection) as captured:
        rows = list(
            MissingEpisode.objects.filter(child=child)
            .annotate(day=LondonDay("reported_at"))
            .annotate(
                year=Year("day"),
                month=Month("day"),
                dom=DayOfMonth("day"),
                born_year=Year("child__date_of_birth"),
                born_month=Month("child__date_of_birth"),
                born_dom=DayOfMonth("child__date_of_birth"),
                django_day=TruncDate("reported_at", tzinfo=LONDON),
            )
            .annotate(
                django_year=ExtractYear("django_day"),
                django_month=ExtractMonth("django_day"),
                django_dom=ExtractDay("django_day"),
            )
            .values_list(
                "reported_at",
                "day",
                "year",
                "month",
                "dom",
                "born_year",
                "born_month",
                "born_dom",
                "django_day",
                "django_year",
                "django_month",
                "django_dom",
            )
        )
    assert len(rows) == len(EDGES)
    for reported_at, day, year, month, dom, *rest in rows:
        born_parts, django_day, django_parts = rest[:3], rest[3], rest[4:]
        expected = reported_at.astimezone(LONDON).date()
        assert day == expected == django_day, reported_at
        assert (year, month, dom) == (expected.year, expected.month, expected.day)
        assert tuple(django_parts) == (year, month, dom)
        assert tuple(born_parts) == (born.year, born.month, born.day)
    (sql,) = [query["sql"] for query in captured.captured_queries]
    if connection.vendor == "sqlite":
        # Ours: the day (given again inside each of its three parts) from the hour, the parts
        # by SQLite's strftime; Django's own, for the check, by its Python functions.
        assert sql.count("homesafe_london_day(") == 4
        assert sql.count("strftime(") == 6


@pytest.mark.django_db
def test_a_period_filter_on_the_london_day_finds_the_days_reports():
    child = ChildFactory()
    for moment in EDGES:
        EpisodeFactory(child=child, reported_at=moment, last_seen_at=moment - dt.timedelta(hours=2))
    clocks_go_back = dt.date(2026, 10, 25)
    found = set(
        MissingEpisode.objects.annotate(day=LondonDay("reported_at"))
        .filter(child=child, day=clocks_go_back)
        .values_list("reported_at", flat=True)
    )
    assert found == {m for m in EDGES if m.astimezone(LONDON).date() == clocks_go_back}
    # 23:00 UTC the evening before (midnight in summer time), 00:30, 01:30 and 23:59 UTC.
    assert len(found) == 4
