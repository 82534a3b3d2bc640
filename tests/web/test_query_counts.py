"""List and record pages make a fixed number of queries, whatever the number of rows (no N+1)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homesafe.episodes.choices import EpisodeStatus
from tests.factories import ChildFactory, EpisodeFactory, NetworkMemberFactory, PlacementFactory


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def _add_history(child, n):
    now = timezone.now()
    for i in range(n):
        start = now - dt.timedelta(days=30 * (i + 1))
        EpisodeFactory(
            child=child,
            status=EpisodeStatus.RETURNED,
            last_seen_at=start,
            returned_at=start + dt.timedelta(hours=5),
        )
        NetworkMemberFactory(child=child)
        PlacementFactory(
            child=child, started_on=dt.date(2010 + i, 1, 1), ended_on=dt.date(2010 + i, 12, 31)
        )


def test_child_page_queries_do_not_grow_with_episodes(world, client):
    client.force_login(world.users["cmo_a"])
    child = world.children["a_unallocated"]
    url = reverse("people:child", args=[child.pk])
    _add_history(child, 1)
    few = _queries(client, url)
    _add_history(child, 8)
    assert _queries(client, url) == few


def test_search_and_home_queries_do_not_grow_with_results(world, client):
    client.force_login(world.users["cmo_a"])
    la = world.orgs["la_a"]
    search = _queries(client, reverse("people:search"), name="Kid")
    home = _queries(client, reverse("web:home"))
    for _ in range(10):
        EpisodeFactory(child=ChildFactory(responsible_la=la, school=world.orgs["school_1"]))
    assert _queries(client, reverse("people:search"), name="Kid") == search
    assert _queries(client, reverse("web:home")) == home
