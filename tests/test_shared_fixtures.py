"""The fixtures every test shares (tests/conftest.py): the travelling clock, TOTP codes that
cannot go stale, empty caches, and the world built once per session and restored per test."""

import datetime as dt
import pickle

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret, validate_totp_code
from django.core.cache import cache
from django.utils import timezone

from homesafe.access.models import User, UserRole
from homesafe.episodes.models import MissingEpisode
from homesafe.people.models import Child
from tests.clock import NOW, WORLD_BUILT_AT, totp_code


def test_every_test_starts_at_the_same_instant_and_the_clock_ticks_on():
    start = timezone.now()
    assert NOW <= start < NOW + dt.timedelta(minutes=5)
    assert timezone.localdate() == dt.date(2026, 11, 24)
    assert timezone.localdate().weekday() == 1  # a Tuesday
    assert timezone.localtime().hour == 9
    # tick=True: time goes on, so things made one after the other keep their order.
    later = timezone.now()
    while later == start:
        later = timezone.now()
    assert later > start


@pytest.mark.real_clock
def test_a_real_clock_test_runs_on_the_machines_clock():
    assert not time_machine.escape_hatch.is_travelling()


def test_a_test_may_travel_elsewhere_and_comes_back():
    elsewhere = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(elsewhere, tick=False):
        assert timezone.now() == elsewhere
    assert timezone.localdate() == NOW.date()


def test_a_totp_code_is_right_for_the_whole_of_its_window():
    secret = generate_totp_secret()
    code = totp_code(secret)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=29), tick=False):
        assert validate_totp_code(secret, code)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=False):
        assert not validate_totp_code(secret, code)


def test_each_totp_code_is_for_a_new_window():
    secret = generate_totp_secret()
    first, second = totp_code(secret), totp_code(secret)
    assert validate_totp_code(secret, second)
    assert not validate_totp_code(secret, first)


def test_a_totp_code_on_a_frozen_clock_stays_right():
    secret = generate_totp_secret()
    with time_machine.travel(NOW + dt.timedelta(seconds=29.9), tick=False):
        code = totp_code(secret)
        assert validate_totp_code(secret, code)


@pytest.mark.real_clock
def test_a_totp_code_on_the_machines_clock_is_right_now():
    secret = generate_totp_secret()
    assert validate_totp_code(secret, totp_code(secret))


@pytest.mark.parametrize("run", [1, 2])
def test_the_cache_is_empty_at_the_start_of_each_test(run):
    assert cache.get("left-by-an-earlier-test") is None
    cache.set("left-by-an-earlier-test", run)


def test_the_world_is_in_the_database(world):
    assert set(Child.objects.values_list("pk", flat=True)) == {
        c.pk for c in world.children.values()
    }
    assert MissingEpisode.objects.count() == len(world.episodes)
    for user in world.users.values():
        stored = User.objects.get(pk=user.pk)
        assert stored.email == user.email and stored.is_active == user.is_active
        assert UserRole.objects.filter(user=user).exists()
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert user.totp_secret  # the factory's secret, for signing in


def test_the_world_was_built_before_the_test_began(world):
    assert User.objects.latest("date_joined").date_joined < timezone.now()
    assert User.objects.earliest("date_joined").date_joined >= WORLD_BUILT_AT


@pytest.mark.parametrize("run", [1, 2])
def test_what_a_test_changes_in_the_world_does_not_reach_the_next(world, run):
    child = world.children["a_team1"]
    assert child.first_name.startswith("Kid")
    assert Child.objects.get(pk=child.pk).first_name == child.first_name
    child.first_name = f"Changed {run}"
    child.save(update_fields=["first_name"])
    world.users["cmo_a"].organisation.name = "Changed"


def test_each_test_gets_its_own_copy_of_the_worlds_objects(world, _world_snapshot):
    world.children["a_team1"].first_name = "Changed"
    fresh = pickle.loads(_world_snapshot.world)
    assert fresh.children["a_team1"].first_name != "Changed"
    assert fresh.children["a_team1"].pk == world.children["a_team1"].pk


@pytest.mark.real_clock
def test_a_real_clock_test_builds_its_own_world(world, _world_snapshot):
    assert not time_machine.escape_hatch.is_travelling()
    shared = pickle.loads(_world_snapshot.world)
    assert world.users["cmo_a"].email != shared.users["cmo_a"].email


# --- fixtures built once per session (tests/snapshots.py) -----------------------------------


def _returned_episode(world, calls: list):
    """A build that reports and returns a_team2, deletes its world episode and changes the
    child (rows added, deleted and changed)."""
    from tests.interviews.helpers import report_and_return

    calls.append(1)
    child = world.children["a_team2"]
    child.first_name = "Built"
    child.save(update_fields=["first_name"])
    return report_and_return(world)


_BUILDS_IN_THIS_PROCESS: list = []  # builds by the test below, in this pytest process


@pytest.mark.parametrize("run", [1, 2, 3])
def test_a_fixture_built_once_comes_back_whole_in_every_test(request, world, run):
    from tests.snapshots import _BUILT, built_once

    episode = built_once(
        request,
        "shared-fixtures-returned",
        lambda: _returned_episode(world, _BUILDS_IN_THIS_PROCESS),
    )
    delta = _BUILT["shared-fixtures-returned"]
    # Built by this process's first test only (each pytest-xdist worker builds its own).
    assert delta is not None and len(_BUILDS_IN_THIS_PROCESS) <= 1
    # Its rows: the episode it added, the world's episode it deleted, the child it changed.
    child = world.children["a_team2"]
    assert list(MissingEpisode.objects.filter(child=child)) == [episode]
    assert episode.returned_at is not None
    assert Child.objects.get(pk=child.pk).first_name == "Built" == child.first_name
    # The clock has moved on to where the build left it, and the test's changes stay its own.
    assert timezone.now() >= delta.clock_after > NOW
    Child.objects.filter(pk=child.pk).update(first_name=f"Changed by run {run}")


def test_a_fixture_built_once_is_built_afresh_on_a_database_it_did_not_start_from(request, world):
    from tests.factories import ChildFactory
    from tests.snapshots import built_once

    ChildFactory()  # the database is not the one the session's build started from
    calls = []
    episode = built_once(
        request, "shared-fixtures-returned", lambda: _returned_episode(world, calls)
    )
    assert calls == [1]  # built here (to take it, or because what was taken does not fit)
    assert MissingEpisode.objects.get(child=world.children["a_team2"]) == episode


def test_a_build_taken_and_rolled_back_leaves_the_database_as_the_next_one_finds_it(world):
    """What a build wrote and rolled back does not count as written (PostgreSQL counts a
    rolled-back savepoint's rows in the transaction's own counters), a build taken on top of
    another's rows fits once they are written back, and a row written by anything else
    makes neither fit."""
    from django.db import connection, transaction

    from tests.factories import ChildFactory
    from tests.snapshots import Delta

    first = Delta.take(world, lambda: _returned_episode(world, []), media=None)
    # On PostgreSQL, the server's counters of rows written (not a count of every table).
    assert first.base[0] == "written" if connection.vendor == "postgresql" else len(first.base) > 2
    assert first.fits()
    with transaction.atomic():
        built_world, _episode = first.apply()
    world.__dict__.update(built_world.__dict__)
    second = Delta.take(world, lambda: ChildFactory(first_name="Second"), media=None)
    assert second.fits() and not first.fits()
    assert not Child.objects.filter(first_name="Second").exists()  # rolled back
    ChildFactory()
    assert not second.fits()


def test_a_build_does_not_fit_once_a_transactional_test_has_emptied_the_database(world):
    """Emptying takes committed rows (the migrations' interview terms among them) that the
    transaction's counters never see."""
    from tests.snapshots import Delta, database_emptied

    delta = Delta.take(world, lambda: _returned_episode(world, []), media=None)
    assert delta.fits()
    database_emptied()
    assert not delta.fits()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_tests_postgresql_database_is_emptied_after_it_not_truncated():
    """On PostgreSQL the browser tests' database is emptied by DELETE of the tables that hold
    rows (tests/databases.py), not by the flush's TRUNCATE of every table: the same end, with
    the content types and permissions post_migrate would make left as they are."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import IntegrityError, connection, transaction
    from django.test import TransactionTestCase

    from homesafe.access.audit import audit_record
    from homesafe.access.choices import AuditVerb
    from tests.databases import _empty_postgres_after_test
    from tests.world import build_world

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is emptied by Django's flush")
    assert TransactionTestCase._fixture_teardown is _empty_postgres_after_test
    world = build_world()
    audit_record(
        actor=world.users["cmo_a"], verb=AuditVerb.CHILD_VIEWED, target=world.children["a_team1"]
    )
    content_types = dict(ContentType.objects.values_list("model", "id"))

    class _Finished:
        available_apps = None
        serialized_rollback = False

        @staticmethod
        def _databases_names(include_mirrors):
            return ["default"]

    _empty_postgres_after_test(_Finished())

    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        holding = [
            name
            for name in tables
            if cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0]
        ]
    assert sorted(holding) == ["auth_permission", "django_content_type"]
    assert dict(ContentType.objects.values_list("model", "id")) == content_types
    # The audit log's append-only triggers are still there for the next test.
    world = build_world()
    audit_record(
        actor=world.users["cmo_a"], verb=AuditVerb.CHILD_VIEWED, target=world.children["a_team1"]
    )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_auditentry")
