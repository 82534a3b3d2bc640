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

`rows_for_ids(build, ids)` reads the rows of `build(ids_in(ids))` with its SQL compiled once
per shape: a re-plan of one child after a use case runs about twenty such reads, and building
and compiling them through the ORM was three quarters of their time (13 ms of CPU a child).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression, Field, ForeignObject, IntegerField, QuerySet
from django.db.models.expressions import Col
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In
from django.db.models.query import ValuesListIterable

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


def _row_kinds(compiler, connection) -> tuple[str, ...] | None:
    """How value_rows makes each selected column what Django would give ("aware", or "" for
    as it is), or None if a column needs one of Django's own converters."""
    kinds = []
    for column, _sql, _alias in compiler.select:
        internal = column.output_field.get_internal_type()
        if internal == "DateTimeField" and connection.vendor == "sqlite":
            if not isinstance(column, Col):
                return None  # an aggregate's datetime: SQLite gives text, Django parses it
            kinds.append("aware")
        elif connection.ops.get_db_converters(column) or column.get_db_converters(connection):
            if internal not in _PLAIN:
                return None
            kinds.append("")
        else:
            kinds.append("")
    return tuple(kinds)


def _values_order(queryset: QuerySet) -> Callable[[tuple], tuple] | None:
    """values_list() names annotations in its own order where the SQL selects them last: the
    function putting a selected row in the order named, or None where the orders agree (as
    Django's ValuesListIterable does)."""
    query = queryset.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    fields = [*queryset._fields, *(f for f in query.annotation_select if f not in queryset._fields)]
    if not queryset._fields or fields == names:
        return None
    index = {name: i for i, name in enumerate(names)}
    getter = operator.itemgetter(*[index[f] for f in fields])
    return (lambda row: (getter(row),)) if len(fields) == 1 else getter


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
    kinds = _row_kinds(compiler, connection)
    if kinds is None:
        return list(queryset)
    return _fetch(connection, sql, params, _maker(kinds), _values_order(queryset))


def _fetch(connection, sql: str, params, make, order) -> list[tuple]:
    """Run a compiled read; each row made what Django gives (`make`) in values_list()'s order."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if make is not None:
        rows = [make(row) for row in rows]
    return rows if order is None else [order(row) for row in rows]


# The most ids a compiled shape is kept for on SQLite, which writes a placeholder for each id
# (so each number of ids is a shape of its own): a person's change re-plans a child or a few.
# A worker's batch of a thousand compiles each read for itself, once for the thousand.
_FEW = 64


class _Slot:
    """Where the i-th id goes among a compiled query's parameters."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


@dataclass(frozen=True)
class _Shape:
    sql: str
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (parameter's position, id's index): SQLite
    arrays: tuple[int, ...]  # positions of the ids as one array: PostgreSQL
    make: Callable[[tuple], tuple] | None
    order: Callable[[tuple], tuple] | None  # values_list's order, where it is not the select's


_SHAPES: dict[tuple, _Shape | None] = {}


def _shape(build: Callable[[IdList], QuerySet], count: int) -> _Shape | None:
    """`build`'s query compiled with slots for `count` ids, or None if its rows need Django's
    converters (then it is read as a queryset each time)."""
    marker = IdList(())
    marker.ids = [_Slot(i) for i in range(count)]  # type: ignore[misc]
    queryset = build(marker)
    if queryset._iterable_class is not ValuesListIterable:
        raise TypeError("rows_for_ids reads a values_list() queryset (not flat, not named)")
    if queryset.db != DEFAULT_DB_ALIAS:
        return None
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    kinds = _row_kinds(compiler, connections[queryset.db])
    if kinds is None:
        return None
    slots, arrays = [], []
    for position, param in enumerate(params):
        if isinstance(param, _Slot):
            slots.append((position, param.index))
        elif isinstance(param, list) and param and all(isinstance(p, _Slot) for p in param):
            arrays.append(position)  # PostgreSQL's one array of the ids (_AnyOnPostgres)
    if not (arrays or slots) or len(slots) % count:
        raise TypeError(f"{build.__qualname__} does not filter by the ids it is given")
    return _Shape(
        sql, tuple(params), tuple(slots), tuple(arrays), _maker(kinds), _values_order(queryset)
    )


def rows_for_ids(build: Callable[[IdList], QuerySet], ids: Sequence[int]) -> list[tuple]:
    """The rows of `build(ids_in(ids))`, a `values_list()` queryset, as value_rows gives them;
    its SQL is compiled once per shape (the database, and on SQLite the number of ids) and run
    again with other ids.

    `build` must depend on nothing but the ids it is given: a function of its own (a lambda at
    module level or in a function) that reads no local variable of an enclosing function, which
    would change from call to call while the compiled SQL kept the first call's value."""
    if build.__code__.co_freevars:
        raise TypeError(f"{build.__qualname__} reads {build.__code__.co_freevars}: pass ids only")
    ids = [int(pk) for pk in ids]
    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if not ids or (vendor != "postgresql" and len(ids) > _FEW):
        return value_rows(build(ids_in(ids)))
    key = (build.__code__, vendor, 0 if vendor == "postgresql" else len(ids))
    if key not in _SHAPES:
        _SHAPES[key] = _shape(build, len(ids))
    shape = _SHAPES[key]
    if shape is None:
        return value_rows(build(ids_in(ids)))
    params = list(shape.params)
    for position, index in shape.slots:
        params[position] = ids[index]
    for position in shape.arrays:
        params[position] = ids
    return _fetch(connections[DEFAULT_DB_ALIAS], shape.sql, params, shape.make, shape.order)


def lists_by_first[K, V](rows: Iterable[tuple[K, V]]) -> dict[K, list[V]]:
    """Each (key, value) row's value listed under its key, in the rows' order."""
    lists: dict[K, list[V]] = {}
    for key, value in rows:
        lists.setdefault(key, []).append(value)
    return lists
