"""The protocol calendar: working days, school days and clock hours in Europe/London."""

import datetime as dt
from functools import cache

import pytest
from govuk_bank_holidays.bank_holidays import BankHolidays
from hypothesis import given, settings
from hypothesis import strategies as st

from homesafe.protocol.calendar import (
    LONDON,
    Region,
    WorkingCalendar,
    add_hours,
    bank_holidays,
)

GOVUK_DIVISION = {
    Region.ENG: "england-and-wales",
    Region.WLS: "england-and-wales",
    Region.SCT: "scotland",
    Region.NIR: "northern-ireland",
}
# Days where the `holidays` package (the engine's source) is newer than govuk-bank-holidays'
# cached data. Each entry is checked below, so a change in either package shows up here.
KNOWN_DIFFERENCES = {
    (Region.SCT, dt.date(2026, 6, 15)): "Scotland's one-off FIFA World Cup bank holiday",
}
FIRST, LAST = dt.date(2024, 1, 1), dt.date(2028, 12, 31)
NINE = dt.time(9, 0)


@cache
def govuk_holidays(region: Region) -> frozenset[dt.date]:
    division = GOVUK_DIVISION[region]
    days = {
        holiday["date"]
        for holiday in BankHolidays(use_cached_holidays=True).get_holidays(division=division)
    }
    days |= {day for (where, day) in KNOWN_DIFFERENCES if where == region}
    return frozenset(days)


def oracle_is_working_day(region: Region, day: dt.date) -> bool:
    return day.weekday() < 5 and day not in govuk_holidays(region)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


regions = st.sampled_from(list(Region))
# Triggers late enough in 2028 still leave room for 30 working days inside the cached data.
moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2028, 10, 31, 23, 59)
).map(lambda naive: naive.replace(tzinfo=LONDON))
counts = st.integers(min_value=0, max_value=30)


@pytest.mark.parametrize("region", list(Region))
def test_working_days_agree_with_govuk_bank_holidays_2024_to_2028(region):
    calendar = WorkingCalendar(region=region)
    day, disagreements = FIRST, []
    while day <= LAST:
        if calendar.is_working_day(day) != oracle_is_working_day(region, day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []


@pytest.mark.parametrize(("region", "day"), list(KNOWN_DIFFERENCES))
def test_known_differences_are_still_holidays_in_the_holidays_package(region, day):
    assert day in bank_holidays(region, day.year)
    assert not WorkingCalendar(region=region).is_working_day(day)


@given(region=regions, moment=moments, n=counts)
@settings(max_examples=300, deadline=None)
def test_a_due_date_n_working_days_ahead_is_a_working_day_at_the_end_of_the_day(region, moment, n):
    due = WorkingCalendar(region=region).add_working_days(moment, n)
    assert due.tzinfo is LONDON
    assert due.timetz().replace(tzinfo=None) == dt.time(23, 59, 59)
    assert due.weekday() < 5
    assert oracle_is_working_day(region, due.date())


@given(region=regions, moment=moments, n=st.integers(min_value=1, max_value=30))
@settings(max_examples=300, deadline=None)
def test_exactly_n_working_days_follow_the_trigger_day(region, moment, n):
    due = WorkingCalendar(region=region).add_working_days(moment, n).date()
    day, counted = moment.date(), 0
    while day < due:
        day += dt.timedelta(days=1)
        counted += oracle_is_working_day(region, day)
    assert counted == n


@given(region=regions, moment=moments, n=counts, later_n=counts, hours_later=st.integers(0, 2000))
@settings(max_examples=300, deadline=None)
def test_counting_is_monotonic(region, moment, n, later_n, hours_later):
    calendar = WorkingCalendar(region=region)
    n, later_n = sorted((n, later_n))
    assert calendar.add_working_days(moment, n) <= calendar.add_working_days(moment, later_n)
    later = add_hours(moment, hours_later)
    assert calendar.add_working_days(moment, n) <= calendar.add_working_days(later, n)
    if 1 <= n < later_n:  # 0 ("the same working day") on a non-working day equals 1
        assert calendar.add_working_days(moment, n) < calendar.add_working_days(moment, later_n)


@given(region=regions, moment=moments)
@settings(max_examples=200, deadline=None)
def test_next_school_day_is_a_school_day_after_the_report(region, moment):
    at = WorkingCalendar(region=region).next_school_day_at(moment, NINE)
    assert at > moment
    assert at.timetz().replace(tzinfo=None) == NINE
    assert oracle_is_working_day(region, at.date())
    # No school-day 09:00 is skipped between the report and the due time.
    day = moment.date()
    while day < at.date():
        if oracle_is_working_day(region, day):
            assert dt.datetime.combine(day, NINE, tzinfo=LONDON) <= moment
        day += dt.timedelta(days=1)


def test_christmas_2026_boxing_day_substitute_is_monday_28_december():
    calendar = WorkingCalendar(region=Region.ENG)
    assert dt.date(2026, 12, 26).weekday() == 5  # Boxing Day is a Saturday...
    assert calendar.is_bank_holiday(dt.date(2026, 12, 28))  # ...so Monday is the holiday
    assert not calendar.is_working_day(dt.date(2026, 12, 28))
    assert calendar.is_working_day(dt.date(2026, 12, 29))
    # Three working days after Christmas Eve: Tue 29, Wed 30, Thu 31 December.
    christmas_eve = london(2026, 12, 24, 15, 0)
    assert calendar.add_working_days(christmas_eve, 1) == london(2026, 12, 29, 23, 59, 59)
    assert calendar.add_working_days(christmas_eve, 3) == london(2026, 12, 31, 23, 59, 59)
    # Five: New Year's Day (Friday) is a holiday too, so Tuesday 5 January 2027.
    assert calendar.add_working_days(christmas_eve, 5) == london(2027, 1, 5, 23, 59, 59)


def test_scotland_also_keeps_2_january_so_five_working_days_reach_wednesday():
    calendar = WorkingCalendar(region=Region.SCT)
    # 2 January 2027 is a Saturday: Scotland's substitute is Monday 4 January.
    assert not calendar.is_working_day(dt.date(2027, 1, 4))
    due = calendar.add_working_days(london(2026, 12, 24, 15, 0), 5)
    assert due == london(2027, 1, 6, 23, 59, 59)


def test_local_non_working_days_are_skipped():
    closure = frozenset({dt.date(2026, 12, 29), dt.date(2026, 12, 30), dt.date(2026, 12, 31)})
    calendar = WorkingCalendar(region=Region.ENG, local_non_working_days=closure)
    due = calendar.add_working_days(london(2026, 12, 24, 15, 0), 3)
    assert due == london(2027, 1, 6, 23, 59, 59)  # Mon 4, Tue 5, Wed 6 January


@pytest.mark.parametrize(
    ("reported", "due"),
    [
        # Same working day: a weekday's own end of day...
        (london(2026, 11, 24, 10, 0), london(2026, 11, 24, 23, 59, 59)),
        # ...a Saturday report is due at the end of Monday...
        (london(2026, 11, 28, 10, 0), london(2026, 11, 30, 23, 59, 59)),
        # ...and a bank holiday Monday's on Tuesday.
        (london(2026, 8, 31, 10, 0), london(2026, 9, 1, 23, 59, 59)),
    ],
)
def test_same_working_day(reported, due):
    assert WorkingCalendar().add_working_days(reported, 0) == due


def test_72_hours_across_the_october_clock_change_are_72_real_hours():
    # Clocks go back at 02:00 BST on Sunday 25 October 2026.
    returned = london(2026, 10, 24, 10, 0)  # 09:00 UTC
    due = add_hours(returned, 72)
    assert due == london(2026, 10, 27, 9, 0)  # the wall clock shows 09:00, not 10:00
    assert due.utcoffset() == dt.timedelta(0)
    assert due.astimezone(dt.UTC) - returned.astimezone(dt.UTC) == dt.timedelta(hours=72)


def test_72_hours_across_the_march_clock_change_are_72_real_hours():
    returned = london(2027, 3, 27, 10, 0)  # Saturday, GMT; clocks go forward on Sunday 28th
    due = add_hours(returned, 72)
    assert due == london(2027, 3, 30, 11, 0)
    assert due.astimezone(dt.UTC) - returned.astimezone(dt.UTC) == dt.timedelta(hours=72)


def test_working_days_across_the_clock_change_end_at_23_59_59_local():
    due = WorkingCalendar().add_working_days(london(2026, 10, 23, 16, 0), 1)
    assert due == london(2026, 10, 26, 23, 59, 59)
    assert due.utcoffset() == dt.timedelta(0)  # GMT after the change


@pytest.mark.parametrize(
    ("reported", "due"),
    [
        (london(2026, 11, 24, 20, 0), london(2026, 11, 25, 9, 0)),  # Tuesday evening
        (london(2026, 11, 24, 2, 0), london(2026, 11, 24, 9, 0)),  # overnight: same morning
        (london(2026, 11, 24, 9, 0), london(2026, 11, 25, 9, 0)),  # at 09:00: the next day
        (london(2026, 11, 27, 18, 0), london(2026, 11, 30, 9, 0)),  # Friday evening: Monday
        (london(2026, 12, 24, 20, 0), london(2026, 12, 29, 9, 0)),  # Christmas Eve: Tuesday
    ],
)
def test_before_nine_on_the_next_school_day(reported, due):
    assert WorkingCalendar().next_school_day_at(reported, NINE) == due


def test_school_holidays_move_the_school_notification():
    calendar = WorkingCalendar(
        school_holidays=((dt.date(2026, 12, 19), dt.date(2027, 1, 4)),),
    )
    assert calendar.is_working_day(dt.date(2026, 12, 29))
    assert not calendar.is_school_day(dt.date(2026, 12, 29))
    assert calendar.next_school_day_at(london(2026, 12, 24, 20, 0), NINE) == london(2027, 1, 5, 9)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        WorkingCalendar().add_working_days(dt.datetime(2026, 11, 24, 10, 0), 1)


@given(
    moment=moments | moments.map(lambda m: m.replace(fold=1)),
    hours=st.floats(min_value=0, max_value=24 * 30, allow_nan=False),
)
@settings(max_examples=500, deadline=None)
def test_add_hours_is_the_sum_done_in_utc_through_london(moment, hours):
    """add_hours converts to UTC directly; the same instant and wall time as the conversion
    through London it replaced, for any London time (a repeated or skipped hour included)."""
    through_london = moment.astimezone(LONDON).astimezone(dt.UTC) + dt.timedelta(hours=hours)
    result = add_hours(moment, hours)
    assert result == through_london.astimezone(LONDON)
    assert (result.tzinfo, result.fold, result.replace(tzinfo=None)) == (
        LONDON,
        through_london.astimezone(LONDON).fold,
        through_london.astimezone(LONDON).replace(tzinfo=None),
    )
