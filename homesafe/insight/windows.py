"""The length of the insight pages' windows ("the last N months", "N months before and after"),
in days: N × 365.25 / 12, so that 12 months is a year whatever the months' lengths."""

from datetime import timedelta


def months_span(n: int) -> timedelta:
    return timedelta(days=round(n * 365.25 / 12))
