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
