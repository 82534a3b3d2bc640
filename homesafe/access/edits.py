"""Edits carry the version they were made on, so a stale save is refused instead of lost.

A version is a token of the values a person saw: one short keyed hash per field, so a later save
can tell not only that the row changed meanwhile but which fields did (the error names them).
Keyed with the secret key, the token reveals nothing of the values to whoever holds it (it
travels in forms' hidden fields and in the API's ETag and If-Match headers).

A service that changes an existing row takes `version` (None: an internal write, not checked),
locks the row, reads its current values and calls `edit_check` before writing. Pages show the
refusal with `homesafe.web.edits.form_show_stale`; the API answers 412 with the fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from django.utils.crypto import salted_hmac

from homesafe.access.errors import ApplicationError

STALE_EDIT = (
    "Someone else saved changes while you were editing, so yours have not been saved. "
    "Check the changes they made and save again."
)
_SALT = "homesafe.access.edits"
_DIGEST_LENGTH = 10


def _text(value: object) -> str:
    """One spelling per value, whether it came from a form, a model or the database."""
    if isinstance(value, list | tuple | set):
        return repr(sorted(_text(v) for v in value))
    if isinstance(value, Enum):
        value = value.value
    return "" if value is None else str(value)


def _digest(name: str, value: object) -> str:
    return salted_hmac(_SALT, f"{name}={_text(value)}", algorithm="sha256").hexdigest()[
        :_DIGEST_LENGTH
    ]


def edit_version(values: Mapping[str, object]) -> str:
    """The version of these field values, like `first_name.1a2b3c4d5e~last_name.6f7a8b9c0d`."""
    return "~".join(f"{name}.{_digest(name, values[name])}" for name in sorted(values))


def edit_changed_since(version: str, values: Mapping[str, object]) -> list[str]:
    """The fields whose values differ from those the version was made of (all, if unreadable)."""
    seen = {}
    for part in version.split("~"):
        name, _, digest = part.partition(".")
        seen[name] = digest
    return sorted(name for name in values if seen.get(name) != _digest(name, values[name]))


class StaleEdit(ApplicationError):
    """The row changed after the person (or client) read it: `fields` changed meanwhile.

    `current` holds the saved values and `version` their version, so a page can show them
    and let the person save again on top of them.
    """

    def __init__(self, *, fields: list[str], current: Mapping[str, object]):
        super().__init__(STALE_EDIT, code="stale_edit")
        self.fields = fields
        self.current = dict(current)
        self.version = edit_version(current)


def edit_check(*, version: str | None, current: Mapping[str, object]) -> None:
    """Refuse a save made on an older version of `current` (the row's values, read under lock)."""
    if version is None:
        return
    changed = edit_changed_since(version, current)
    if changed:
        raise StaleEdit(fields=changed, current=current)
