"""When a person's digests fall: their chosen times of day (Europe/London), on working days
(the partnership's calendar: weekends and the region's bank holidays are not) or every day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from homesafe.protocol.calendar import WorkingCalendar, at_local_time, london

# A search limit: the longest run of non-working days (Christmas) is far shorter.
SEARCH_DAYS = 21


def _slots_on(day: date, times: list[str]) -> list[datetime]:
    return [at_local_time(day, time.fromisoformat(t)) for t in sorted(times)]


def _is_digest_day(day: date, *, working_days_only: bool, calendar: WorkingCalendar) -> bool:
    return not working_days_only or calendar.is_working_day(day)


def digest_slot_at_or_before(
    now: datetime, *, times: list[str], working_days_only: bool, calendar: WorkingCalendar
) -> datetime | None:
    """The latest digest time that is not after `now`, or None (no times chosen)."""
    if not times:
        return None
    today = london(now).date()
    for back in range(SEARCH_DAYS):
        day = today - timedelta(days=back)
        if not _is_digest_day(day, working_days_only=working_days_only, calendar=calendar):
            continue
        passed = [slot for slot in _slots_on(day, times) if slot <= now]
        if passed:
            return passed[-1]
    return None


def digest_slot_after(
    now: datetime, *, times: list[str], working_days_only: bool, calendar: WorkingCalendar
) -> datetime | None:
    """The first digest time after `now`, or None (no times chosen)."""
    if not times:
        return None
    today = london(now).date()
    for ahead in range(SEARCH_DAYS):
        day = today + timedelta(days=ahead)
        if not _is_digest_day(day, working_days_only=working_days_only, calendar=calendar):
            continue
        coming = [slot for slot in _slots_on(day, times) if slot > now]
        if coming:
            return coming[0]
    return None
