"""Working days, school days and clock hours, reasoned about in Europe/London.

Three kinds of timescale appear in the protocol, and each has one function here:

- clock hours ("within 72 hours of return"): `add_hours`, done in UTC, so that 72 hours across
  the October clock change are 72 real hours (the wall clock shows 71 or 73);
- working days ("within 3 working days of the trigger"): `WorkingCalendar.add_working_days`,
  due at the END of the Nth working day after the trigger's day (the trigger's own day does not
  count); 0 means "the same working day" (the end of the trigger's day if it is a working day,
  else of the next one). The end of a day is 23:59:59 Europe/London (`END_OF_DAY`): "within N
  working days" means the whole of the Nth day, not office hours;
- school days ("before 09:00 on the next school day"): `WorkingCalendar.next_school_day_at`.

A working day is a Monday to Friday that is neither a bank holiday of the region (from the
`holidays` package, substitute days included: in 2026 Boxing Day is a Saturday, so Monday
28 December is the holiday) nor one of the local authority's own non-working days (e.g. a
Christmas closure). A school day is a working day outside the configured school holidays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
END_OF_DAY = time(23, 59, 59)
ONE_DAY = timedelta(days=1)
# A guard against a calendar with no working days at all (e.g. a school holiday that never ends).
SEARCH_LIMIT_DAYS = 3660

NAIVE_DATETIME = "{moment!r} has no time zone: the protocol reasons only about aware datetimes."
NO_WORKING_DAY = "No {kind} within {limit} days after {day}: check the calendar settings."


class Region(StrEnum):
    """The UK nation whose bank holidays apply (the `holidays` package's UK subdivisions)."""

    ENG = "ENG"  # England
    WLS = "WLS"  # Wales
    SCT = "SCT"  # Scotland
    NIR = "NIR"  # Northern Ireland


@lru_cache(maxsize=256)
def bank_holidays(region: Region, year: int) -> frozenset[date]:
    """The region's bank holidays in `year`, substitute ("observed") days included."""
    return frozenset(holidays.UK(subdiv=str(region), years=year))


def london(moment: datetime) -> datetime:
    """`moment` in Europe/London. Refuses naive datetimes rather than guessing their zone."""
    tz = moment.tzinfo
    if tz is LONDON:  # most of the engine's calls: nothing to convert (astimezone gives it back)
        return moment
    if tz is None or moment.utcoffset() is None:
        raise ValueError(NAIVE_DATETIME.format(moment=moment))
    return moment.astimezone(LONDON)


def add_hours(moment: datetime, hours: float) -> datetime:
    """`hours` real hours after `moment`, in Europe/London.

    The sum is done in UTC: adding a timedelta to a London datetime would add wall-clock time and
    be an hour out across a clock change. (Converted to UTC directly: the same instant as
    through London, one conversion fewer; the engine does this about 30 times per child.)
    """
    tz = moment.tzinfo
    if tz is not LONDON and tz is not UTC and (tz is None or moment.utcoffset() is None):
        raise ValueError(NAIVE_DATETIME.format(moment=moment))
    step = _HOURS.get(hours)
    if step is None:
        step = _HOURS[hours] = timedelta(hours=hours)
    return (moment.astimezone(UTC) + step).astimezone(LONDON)


_HOURS: dict[float, timedelta] = {}  # add_hours' steps: a few dozen settings' values


def end_of_day(day: date) -> datetime:
    """23:59:59 in Europe/London on `day`."""
    return datetime.combine(day, END_OF_DAY, tzinfo=LONDON)


def at_local_time(day: date, at: time) -> datetime:
    """`at` (a wall-clock time) in Europe/London on `day`."""
    return datetime.combine(day, at, tzinfo=LONDON)


@dataclass(frozen=True)
class WorkingCalendar:
    """The working and school days of one local authority."""

    region: Region = Region.ENG
    local_non_working_days: frozenset[date] = frozenset()
    # Inclusive (first day, last day) ranges when the schools are closed.
    school_holidays: tuple[tuple[date, date], ...] = ()
    _working: dict[date, bool] = field(default_factory=dict, compare=False, repr=False)
    # add_working_days' answers by (day, n): a batch of children meets the same days again.
    _ends: dict[tuple[date, int], datetime] = field(default_factory=dict, compare=False, repr=False)
    _school_starts: dict[tuple[date, time, bool], datetime] = field(
        default_factory=dict, compare=False, repr=False
    )

    def is_bank_holiday(self, day: date) -> bool:
        return day in bank_holidays(self.region, day.year)

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = (
                day.weekday() < 5
                and day not in bank_holidays(self.region, day.year)
                and day not in self.local_non_working_days
            )
            self._working[day] = known
        return known

    def is_school_day(self, day: date) -> bool:
        return self.is_working_day(day) and not any(
            first <= day <= last for first, last in self.school_holidays
        )

    def working_days_after(self, day: date, n: int) -> date:
        """The Nth working day after `day` (`day` itself does not count); n=0: `day` if it is a
        working day, else the next working day."""
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        if n == 0:
            return self._first_day_from(day, self.is_working_day, "working day")
        for _ in range(n):
            day = self._first_day_from(day + ONE_DAY, self.is_working_day, "working day")
        return day

    def previous_working_day(self, day: date) -> date:
        """The last working day before `day` (Friday, on a Monday; before a bank holiday too)."""
        day -= ONE_DAY
        for _ in range(366):
            if self.is_working_day(day):
                return day
            day -= ONE_DAY
        raise ValueError("no working day in the year before")

    def add_working_days(self, moment: datetime, n: int) -> datetime:
        """The end (23:59:59 London) of the Nth working day after `moment`'s day; see the module
        docstring for n=0 ("the same working day")."""
        key = (london(moment).date(), n)
        end = self._ends.get(key)
        if end is None:
            end = self._ends[key] = end_of_day(self.working_days_after(*key))
        return end

    def next_school_day_at(self, moment: datetime, at: time) -> datetime:
        """The first `at` (London wall-clock time) on a school day that is later than `moment`.

        A report at 20:00 on a Tuesday gives 09:00 on Wednesday; a report at 02:00 on a Tuesday
        (the child is missing overnight) gives 09:00 the same Tuesday, before the school opens;
        a report on a Friday evening or Saturday gives 09:00 on Monday (Tuesday after a bank
        holiday Monday).
        """
        local = london(moment)
        day = local.date()
        # at_local_time(day, at) > local compares wall-clock times (both in London): at > the
        # time of day, which is what the answer depends on besides the day.
        key = (day, at, at > local.time())
        found = self._school_starts.get(key)
        if found is None:
            if not (self.is_school_day(day) and at_local_time(day, at) > local):
                day = self._first_day_from(day + ONE_DAY, self.is_school_day, "school day")
            found = self._school_starts[key] = at_local_time(day, at)
        return found

    def working_days(self, first: date, last: date) -> Iterable[date]:
        """The working days from `first` to `last`, both included."""
        day = first
        while day <= last:
            if self.is_working_day(day):
                yield day
            day += ONE_DAY

    @staticmethod
    def _first_day_from(day: date, accept, kind: str) -> date:
        for _ in range(SEARCH_LIMIT_DAYS):
            if accept(day):
                return day
            day += ONE_DAY
        raise ValueError(NO_WORKING_DAY.format(kind=kind, limit=SEARCH_LIMIT_DAYS, day=day))
