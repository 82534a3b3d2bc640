"""Fixtures every test shares (docs/development.md, "Tests"):

- the clock: every test starts at tests.clock.NOW, a Tuesday morning in London, and the clock
  ticks on from there (`@pytest.mark.real_clock` opts out); modules are collected (imported)
  at NOW too;
- the caches are empty at the start of each test;
- `world`: the partnership of tests/world.py, built once per session and restored at the
  start of each test that asks for it;
- `client`: Django's test client, whose `force_login` also passes the second factor;
- the test database: a copy of one migrated once for the whole run (tests/databases.py).

Fixtures that write records through the services on top of the world are built once per
session the same way (`built_once`, tests/snapshots.py).
"""

import gc
import os

import pytest
import time_machine

from tests.clock import NOW, WORLD_BUILT_AT
from tests.databases import (  # noqa: F401 (fixtures)
    django_db_setup,
    finish_early,
    migrated_template,
    start_early,
)

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told this is safe (it is: the browser runs in another process).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_sessionstart(session):
    # pytest-xdist's controller makes the run's migrated database while the workers start.
    start_early(session.config)


def pytest_sessionfinish(session):
    finish_early()


@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    # Test modules are imported here: a date read at import (in a parametrisation, say) is
    # NOW's too, so every pytest-xdist worker collects the same test ids.
    with time_machine.travel(NOW, tick=False):
        result = yield
    # The modules, the test items and what collection built live for the whole run: frozen,
    # Python's cycle collector no longer walks them, and it runs less often (a test makes a few
    # hundred thousand objects, most freed by their counts). About 4% of the workers' CPU on
    # 696 tests (docs/benchmarks.md, "Test suite").
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)
    return result


# The order the workers take the tests in (pytest-xdist's worksteal gives each worker a run of
# the list, and a worker that runs out takes the end of another's run):
# 1. tests that use no database, while the first worker to need one migrates the run's template
#    (tests/databases.py, about 12 s) and the others wait for it;
# 2. tests that start processes of their own (on databases of their own: never the test
#    database), the slowest first, so that no worker finishes on one of them while the others
#    wait;
# 3. the rest, in pytest-django's order (database tests, then the browser tests).
PROCESS_MODULES = (
    "tests/web/test_production.py",
    "tests/test_task_leases.py",
    "tests/intake/test_import_killed.py",
    "tests/web/test_first_hour.py",
    "tests/web/test_deploy.py",
    "tests/protocol/test_simulate.py",
)
_DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


def _uses_database(item) -> bool:
    return bool(
        item.get_closest_marker("django_db")
        or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def _order(item) -> tuple[int, int]:
    path = item.nodeid.split("::")[0]
    if _uses_database(item):
        return (2, 0)
    if path in PROCESS_MODULES:
        return (1, PROCESS_MODULES.index(path))
    return (0, 0)


@pytest.hookimpl(trylast=True)  # after pytest-django's order (database tests, then the rest)
def pytest_collection_modifyitems(items):
    items.sort(key=_order)
    # The clock comes first, so that every other fixture (the world, the live server) runs on
    # it; then the world, whose rows come back with their own ids, before any other fixture
    # writes to the same tables.
    for item in items:
        if not hasattr(item, "fixturenames"):
            continue
        if "world" in item.fixturenames:
            item.fixturenames.remove("world")
            item.fixturenames.insert(0, "world")
        item.fixturenames.insert(0, "_clock")


@pytest.fixture
def _clock(request):
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _empty_caches():
    """Nothing cached by an earlier test (a TOTP code marked used, say) reaches this one."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(scope="session")
def _world_snapshot(django_db_blocker):
    from tests.world import WorldSnapshot

    with django_db_blocker.unblock(), time_machine.travel(WORLD_BUILT_AT, tick=True):
        return WorldSnapshot.take()


@pytest.fixture
def world(request, db):
    """The partnership of tests/world.py: one user per role, children placed to exercise every
    access rule, and `world.expected` (who sees which child). Built once per session, at
    WORLD_BUILT_AT, and written back at the start of each test in one insert per table; each
    test gets its own copy of the objects. A browser test (whose database is emptied after it)
    or a `real_clock` test builds its own."""
    from django.db import IntegrityError, connection, transaction

    from tests.world import build_world

    if not connection.in_atomic_block or request.node.get_closest_marker("real_clock"):
        return build_world()
    snapshot = request.getfixturevalue("_world_snapshot")
    try:
        with transaction.atomic():
            return snapshot.restore()
    except IntegrityError:  # rows made before the world took its ids: build it afresh
        return build_world()


@pytest.fixture
def client():
    """Django's test client, whose force_login also passes the second factor (tests/signin.py)."""
    from tests.signin import SignedInClient

    return SignedInClient()
