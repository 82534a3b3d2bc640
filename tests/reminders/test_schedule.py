"""Digest times fall on the partnership's working days (or every day), in London time."""

import datetime as dt

import pytest

from homesafe.protocol.calendar import WorkingCalendar
from homesafe.reminders.schedule import digest_slot_after, digest_slot_at_or_before
from tests.clock import LONDON

CALENDAR = WorkingCalendar()


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("now", "times", "working_days_only", "expected"),
    [
        # Wednesday 25 November 2026
        (london(2026, 11, 25, 7, 59), ["08:00"], True, london(2026, 11, 24, 8, 0)),
        (london(2026, 11, 25, 8, 0), ["08:00"], True, london(2026, 11, 25, 8, 0)),
        (london(2026, 11, 25, 13, 0), ["08:00", "12:00", "16:00"], True, london(2026, 11, 25, 12)),
        # Saturday: Friday's last digest on working days, Saturday's own every day
        (london(2026, 11, 28, 9, 0), ["08:00", "16:00"], True, london(2026, 11, 27, 16, 0)),
        (london(2026, 11, 28, 9, 0), ["08:00", "16:00"], False, london(2026, 11, 28, 8, 0)),
        # Tuesday after Easter Monday (6 April 2026, a bank holiday): Thursday, not Good Friday
        (london(2026, 4, 7, 7, 0), ["08:00"], True, london(2026, 4, 2, 8, 0)),
        (london(2026, 11, 25, 9, 0), [], True, None),
    ],
)
def test_the_latest_digest_time(now, times, working_days_only, expected):
    slot = digest_slot_at_or_before(
        now, times=times, working_days_only=working_days_only, calendar=CALENDAR
    )
    assert slot == expected


def test_digest_times_are_london_wall_clock_across_the_clock_change():
    """08:00 in summer is 07:00 UTC."""
    slot = digest_slot_after(
        london(2026, 3, 27, 9, 0), times=["08:00"], working_days_only=True, calendar=CALENDAR
    )
    assert slot == london(2026, 3, 30, 8, 0)
    assert slot.astimezone(dt.UTC).hour == 7


def test_the_next_digest_time_skips_the_weekend():
    slot = digest_slot_after(
        london(2026, 11, 27, 16, 0),
        times=["08:00", "16:00"],
        working_days_only=True,
        calendar=CALENDAR,
    )
    assert slot == london(2026, 11, 30, 8, 0)
