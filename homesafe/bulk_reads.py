"""Reads for a batch of many children at once (re-planning reads a thousand at a time).

`value_rows(queryset)` reads a `values_list()` queryset's rows without Django's converters run
value by value (on SQLite only datetimes need one: made aware in one step per row).

`ids_in(ids)` is the right-hand side of an `__in` filter that Django compiles as it is:
given a list, Django prepares each value through the field (and, for a foreign key, through
the related field), which for a thousand ids took longer than running the query. On
PostgreSQL such a filter is `column = ANY(%s::bigint[])`, the ids bound as one array: a
thousand `%s` cost psycopg about 4 ms a query to bind (it splits the query at each of them,
and does not cache a query that long) and the server as much to parse. The
`in` lookups of every field answer so only when given an `IdList` (`_IdsIn`, `_RelatedIdsIn`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC

from django.db import connections
from django.db.models import Expression, Field, ForeignObject, IntegerField, QuerySet
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In

# Types whose Django converter on these databases gives what the driver already gives (SQLite's
# "bool" and "date" columns are converted by the sqlite3 module, as Django registers them).
_PLAIN = frozenset({"BooleanField", "DateField", "NullBooleanField"})


class IdList(Expression):
    """A list of integer ids, rendered as `%s, %s, ...` (the `IN` adds the parentheses)."""

    def __init__(self, ids: Iterable[int]):
        super().__init__(output_field=IntegerField())
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection):
        if not self.ids:
            return "NULL", []  # IN (NULL): matches nothing
        return ", ".join(["%s"] * len(self.ids)), self.ids


class _AnyOnPostgres:
    """On PostgreSQL, `column = ANY(array)` for an IdList; any other right-hand side (a list,
    a queryset) as Django writes it."""

    def as_postgresql(self, compiler, connection):
        if isinstance(self.rhs, IdList) and self.rhs.ids:
            lhs, params = self.process_lhs(compiler, connection)
            return f"{lhs} = ANY(%s::bigint[])", (*params, self.rhs.ids)
        return self.as_sql(compiler, connection)


class _IdsIn(_AnyOnPostgres, In):
    pass


class _RelatedIdsIn(_AnyOnPostgres, RelatedIn):
    pass


Field.register_lookup(_IdsIn)
ForeignObject.register_lookup(_RelatedIdsIn)


def ids_in(ids: Iterable[int]) -> IdList:
    """`Model.objects.filter(child_id__in=ids_in(child_ids))`."""
    return IdList(ids)


def _maker(kinds: tuple[str, ...]) -> Callable[[tuple], tuple] | None:
    """A function turning a row as the driver gives it into the row Django would give, for
    these columns ("aware": a naive UTC datetime made aware; "": as it is), or None if every
    column is as it is."""
    if "aware" not in kinds:
        return None
    parts = [
        f"(None if r[{i}] is None else r[{i}].replace(tzinfo=UTC))"
        if kind == "aware"
        else f"r[{i}]"
        for i, kind in enumerate(kinds)
    ]
    return eval(f"lambda r: ({', '.join(parts)},)", {"UTC": UTC})  # noqa: S307 (columns only)


def value_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a `values_list()` queryset, as Django would give them, without Django's
    converters run value by value (a re-plan batch reads hundreds of thousands of values).

    The database driver already gives the values Django would, except SQLite's datetimes:
    naive (UTC), made aware here. A column of any other type Django converts (JSON, decimals,
    UUIDs on SQLite, ...) is not read here: the queryset is read as usual.
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    if not sql:  # an empty IN: nothing can match
        return []
    connection = connections[queryset.db]
    kinds = []
    for column, _sql, _alias in compiler.select:
        internal = column.output_field.get_internal_type()
        if internal == "DateTimeField" and connection.vendor == "sqlite":
            kinds.append("aware")
        elif connection.ops.get_db_converters(column) or column.get_db_converters(connection):
            if internal not in _PLAIN:
                return list(queryset)
            kinds.append("")
        else:
            kinds.append("")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    make = _maker(tuple(kinds))
    return rows if make is None else [make(row) for row in rows]
