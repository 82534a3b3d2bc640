"""homesafe.bulk_reads.value_rows gives the rows Django's values_list gives, on each database."""

import datetime as dt

import pytest

from homesafe.access.models import AuditEntry
from homesafe.bulk_reads import ids_in, rows_for_ids, value_rows
from homesafe.episodes.models import MissingEpisode
from homesafe.people.models import Child
from tests.factories import ChildFactory, EpisodeFactory

pytestmark = pytest.mark.django_db


def test_value_rows_are_values_list_rows():
    child = ChildFactory(date_of_birth=dt.date(2012, 2, 29))
    seen = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    EpisodeFactory(
        child=child,
        last_seen_at=seen,
        reported_at=dt.datetime(2026, 3, 1, 10, 30, 15, 123456, tzinfo=dt.UTC),
    )
    EpisodeFactory(
        child=child,
        status="returned",
        last_seen_at=seen + dt.timedelta(days=200),
        returned_at=dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC),
    )
    queries = [
        MissingEpisode.objects.filter(child_id__in=ids_in([child.pk]))
        .order_by("pk")
        .values_list(
            "id", "child_id", "reported_at", "last_seen_at", "returned_at", "pre_planned", "status"
        ),
        Child.objects.filter(pk=child.pk).values_list("pk", "date_of_birth", "first_name"),
        MissingEpisode.objects.filter(child__date_of_birth=child.date_of_birth).values_list(
            "child__date_of_birth", "reported_at"
        ),
        MissingEpisode.objects.filter(child_id__in=ids_in([])).values_list("pk", "reported_at"),
    ]
    for query in queries:
        rows = value_rows(query)
        assert rows == list(query)
        assert [[type(v) for v in row] for row in rows] == [[type(v) for v in r] for r in query]
    episode = value_rows(queries[0])[0]
    assert episode[2].tzinfo is dt.UTC and episode[2].microsecond == 123456
    assert episode[4] is None


def test_a_column_django_converts_otherwise_is_read_as_usual():
    AuditEntry.objects.create(actor_label="test", verb="child_viewed", payload={"a": [1, 2]})
    query = AuditEntry.objects.values_list("payload", "at")
    assert value_rows(query) == list(query) == [({"a": [1, 2]}, query[0][1])]


def test_ids_in_binds_one_array_on_postgresql_and_finds_what_a_list_finds():
    from django.db import connection
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    children = [ChildFactory() for _ in range(3)]
    episodes = [EpisodeFactory(child=child) for child in children]
    ids = [children[0].pk, children[2].pk, 10**9]  # and an id no one has
    cases = [
        (MissingEpisode.objects.filter(child_id__in=ids_in(ids)), {episodes[0], episodes[2]}),
        (MissingEpisode.objects.filter(child__in=ids_in(ids)), {episodes[0], episodes[2]}),
        (MissingEpisode.objects.filter(pk__in=ids_in([episodes[1].pk])), {episodes[1]}),
        (MissingEpisode.objects.exclude(child_id__in=ids_in(ids)), {episodes[1]}),
        (
            MissingEpisode.objects.filter(
                Q(child__pk__in=ids_in(ids[:1])) | Q(pk__in=ids_in([episodes[1].pk]))
            ),
            {episodes[0], episodes[1]},
        ),
        (MissingEpisode.objects.filter(child_id__in=ids_in([])), set()),
    ]
    for query, expected in cases:
        with CaptureQueriesContext(connection) as captured:
            found = set(query)
        assert found == expected
        (sql,) = [q["sql"] for q in captured.captured_queries]
        if connection.vendor == "postgresql" and expected:
            # One array parameter, not a `%s` for each id (psycopg's client-side binding shows it).
            assert "= ANY(" in sql and " IN (" not in sql, sql
    # A plain list is still Django's own IN.
    plain = MissingEpisode.objects.filter(child_id__in=ids)
    assert set(plain) == {episodes[0], episodes[2]}
    assert " IN (" in str(plain.query)


def _episodes_of(ids):
    return (
        MissingEpisode.objects.filter(child_id__in=ids)
        .order_by("pk")
        .values_list("id", "child_id", "reported_at", "returned_at", "status")
    )


_BUILT = []  # the compilations of _counting_build (a build may read no local variable)


def _counting_build(ids):
    _BUILT.append(ids)
    return _episodes_of(ids)


def test_rows_for_ids_compiles_once_and_reads_each_calls_own_ids():
    import homesafe.bulk_reads as bulk_reads

    children = [ChildFactory() for _ in range(4)]
    for child in children:
        EpisodeFactory(child=child)
    build = _counting_build
    for chosen in ([children[0].pk], [children[1].pk], [children[2].pk, children[3].pk]):
        rows = bulk_reads.rows_for_ids(build, chosen)
        expected = list(_episodes_of(ids_in(chosen)))
        assert rows == expected and {row[1] for row in rows} == set(chosen)
        assert [[type(v) for v in row] for row in rows] == [[type(v) for v in r] for r in expected]
    # One compilation for each number of ids on SQLite; one for any number on PostgreSQL.
    from django.db import connection

    assert len(_BUILT) == (1 if connection.vendor == "postgresql" else 2)
    assert bulk_reads.rows_for_ids(build, []) == []  # no ids: nothing, as the queryset says


def test_rows_for_ids_gives_annotations_in_the_order_named_and_json_as_django_does():
    child = ChildFactory()
    EpisodeFactory(child=child)
    seen = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    EpisodeFactory(child=child, last_seen_at=seen, status="returned", returned_at=seen)
    rows = rows_for_ids(_counted, [child.pk])
    assert rows == list(_counted(ids_in([child.pk]))) == [(2, child.pk, rows[0][2])]
    assert value_rows(_counted(ids_in([child.pk]))) == rows  # and a batch's read, uncompiled
    assert rows[0][2] is not None
    # An aggregate's datetime (text from SQLite) as Django gives it: aware.
    (first,) = rows_for_ids(_first_reports, [child.pk])
    assert first == next(iter(_first_reports(ids_in([child.pk]))))
    assert first[1].tzinfo is not None
    AuditEntry.objects.create(
        actor_label="test", verb="child_viewed", payload={"a": [1]}, child_id=child.pk
    )
    assert rows_for_ids(_payloads, [child.pk]) == [({"a": [1]},)]


def _counted(ids):
    from django.db.models import Count, Max

    return (
        MissingEpisode.objects.filter(child_id__in=ids)
        .values("child_id")
        .annotate(n=Count("pk"), latest=Max("reported_at"))
        .order_by()
        .values_list("n", "child_id", "latest")
    )


def _first_reports(ids):
    from django.db.models import Min

    return (
        MissingEpisode.objects.filter(child_id__in=ids)
        .values("child_id")
        .annotate(first=Min("reported_at"))
        .order_by()
        .values_list("child_id", "first")
    )


def _payloads(ids):
    return AuditEntry.objects.filter(child_id__in=ids).values_list("payload")


def test_rows_for_ids_refuses_a_build_that_reads_a_changing_local():
    status = "missing"
    with pytest.raises(TypeError, match="status"):
        rows_for_ids(
            lambda ids: MissingEpisode.objects.filter(child_id__in=ids, status=status).values_list(
                "pk"
            ),
            [1],
        )


def _all_episodes(ids):
    return MissingEpisode.objects.values_list("pk")  # forgets the ids it is given


def test_rows_for_ids_refuses_a_build_that_ignores_its_ids():
    with pytest.raises(TypeError, match="does not filter by the ids"):
        rows_for_ids(_all_episodes, [1])
