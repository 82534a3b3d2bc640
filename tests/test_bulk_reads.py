"""homesafe.bulk_reads.value_rows gives the rows Django's values_list gives, on each database."""

import datetime as dt

import pytest

from homesafe.access.models import AuditEntry
from homesafe.bulk_reads import ids_in, value_rows
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
