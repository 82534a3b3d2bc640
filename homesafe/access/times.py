"""The one rule for a time that has happened: it cannot be in the future.

Every time a person or a police system says something happened (last seen, returned, graded,
offered, held, completed, raised...) is checked by `not_in_future`, in services, forms and
serializers alike, with one tolerance and one message. Clocks on phones and police systems
drift: a time up to `FUTURE_TOLERANCE` ahead of HomeSafe's clock is not "the future".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

FUTURE_TOLERANCE = timedelta(minutes=5)
IN_FUTURE = "The time cannot be in the future."


def in_future(value: datetime, *, now: datetime | None = None) -> bool:
    """True when `value` is later than now (or `now`) by more than the tolerance."""
    return value > (now or timezone.now()) + FUTURE_TOLERANCE


def not_in_future(value: datetime | None, *, field: str | None = None) -> None:
    """Refuse a time in the future: ValidationError naming `field` (or the value's own field,
    in a form's or serializer's field check). None passes: an absent time is another rule."""
    if value is not None and in_future(value):
        raise ValidationError({field: IN_FUTURE} if field else IN_FUTURE, code="in_future")
