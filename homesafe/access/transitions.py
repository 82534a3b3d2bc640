"""The one check of a status change (STYLE.md 5). Each app declares its allowed changes as data,
`ALLOWED_TRANSITIONS` beside its status `TextChoices` (current status -> the statuses it may
become); every service that changes a status calls `check_transition` with that table.

A change the table does not allow raises ApplicationError with one code for every record,
`invalid_transition`, and a message in the practice's words naming what the record is, its
status and the status asked for ("The meeting is cancelled: it cannot now become held.").
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from django.db import models

from homesafe.access.errors import ApplicationError

INVALID_TRANSITION = "invalid_transition"
TRANSITION_NOT_ALLOWED = "The {record} is {current}: it cannot now become {target}."


def check_transition(
    *,
    allowed: Mapping[str, Set[str]],
    statuses: type[models.TextChoices],
    record: str,
    current: str,
    to: str,
) -> None:
    """Refuse `current` -> `to` unless `allowed[current]` holds `to`. `record` names the record
    in the message ("episode", "interview"); `statuses` gives the statuses' labels."""
    if to in allowed[current]:
        return
    raise ApplicationError(
        TRANSITION_NOT_ALLOWED.format(
            record=record,
            current=statuses(current).label.lower(),
            target=statuses(to).label.lower(),
        ),
        code=INVALID_TRANSITION,
    )
