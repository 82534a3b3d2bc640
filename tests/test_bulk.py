"""homesafe.bulk: the datetimes it writes on SQLite (as Django would store them)."""

import datetime as dt
from zoneinfo import ZoneInfo

from homesafe.bulk import _sqlite_datetime

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
