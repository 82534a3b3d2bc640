"""Reads for a batch of many children at once (re-planning reads a thousand at a time).

`ids_in(ids)` is the right-hand side of an `__in` filter that Django compiles as it is:
given a list, Django prepares each value through the field (and, for a foreign key, through
the related field), which for a thousand ids took longer than running the query.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Expression, IntegerField


class IdList(Expression):
    """A list of integer ids, rendered as `%s, %s, ...` (the `IN` adds the parentheses)."""

    def __init__(self, ids: Iterable[int]):
        super().__init__(output_field=IntegerField())
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection):
        if not self.ids:
            return "NULL", []  # IN (NULL): matches nothing
        return ", ".join(["%s"] * len(self.ids)), self.ids


def ids_in(ids: Iterable[int]) -> IdList:
    """`Model.objects.filter(child_id__in=ids_in(child_ids))`."""
    return IdList(ids)
