"""One migrated database for the whole run, copied wherever a test database is needed.

Running the migrations takes about 9 s of CPU. Without this, every pytest-xdist worker ran
them for its test database, and so did each test that starts `homesafe` processes on a
database of their own (tests/test_task_leases.py, tests/intake/test_import_killed.py). Now the
first worker to get there runs `homesafe migrate` once, into a template (a SQLite file, or a
PostgreSQL database named after the test database with `_template`), while the others wait
for it; each worker's test database is then a copy of it (SQLite's backup into the in-memory
test database, PostgreSQL's `CREATE DATABASE ... TEMPLATE`). The copy holds what migrating
gives: the tables, the data migrations' rows and the audit log's triggers.
The template is made again on every run (the run's temporary directory says whether it is
made yet), so a new migration is always in it.

With pytest-xdist, the controller starts making it as the session starts (`start_early`),
while the workers start and collect the tests: otherwise the first worker to need a database
made it while the others, out of tests that need none, waited for it with a core idle.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run_directory(tmp_path_factory) -> Path:
    """The temporary directory every worker of this run shares (pytest-xdist's worker_id
    fixture is not there with `-p no:xdist`; its environment variable says the same)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _postgres_url(settings_dict: dict, name: str) -> str:
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


def _migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "HOMESAFE_MODE": "test"}
    env["DJANGO_SETTINGS_MODULE"] = "homesafe.settings"
    done = subprocess.run(
        [sys.executable, "-m", "homesafe.cli", "migrate", "--run-syncdb", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> str:
    """The URL of this run's migrated template database, made by the first worker to ask
    (unless the controller has made it, or is making it: start_early)."""
    run = _run_directory(tmp_path_factory)
    with (run / "migrated.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _template_made(run)


def _template_made(run: Path) -> str:
    """The template's URL, migrated now unless it is already (the caller holds the lock)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        path = run / "migrated.sqlite3"
        if not path.exists():
            Path(f"{path}.part").unlink(missing_ok=True)  # left by an attempt that failed
            _migrate(f"sqlite:///{path}.part")
            Path(f"{path}.part").rename(path)
        return f"sqlite:///{path}"
    # Named after the test database without pytest-xdist's worker suffix.
    name = f"test_{connection.settings_dict['NAME']}_template"
    url = _postgres_url(connection.settings_dict, name)
    done = run / "migrated.postgres"
    if not done.exists():
        _create_empty(url)
        _migrate(url)
        done.write_text(name)
    return url


class _EarlyTemplate:
    """The template made by pytest-xdist's controller in a thread while the workers start: the
    lock is taken before any worker exists, and let go when the template is made (or making it
    failed: the first worker then tries again, and its error is the test's)."""

    def __init__(self, run: Path):
        self.lock = (run / "migrated.lock").open("w")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        self.thread = threading.Thread(target=self._make, args=(run,), daemon=True)
        self.thread.start()

    def _make(self, run: Path) -> None:
        try:
            _template_made(run)
        except Exception:  # the first worker to need the template tries again, and reports it
            pass
        finally:
            self.lock.close()  # lets the workers in

    def join(self) -> None:
        self.thread.join()


_EARLY: list[_EarlyTemplate] = []


def start_early(config) -> None:
    """In pytest-xdist's controller, start making the run's template (pytest_sessionstart)."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return  # a worker, or no workers: the first test to need it makes it
    if config.option.collectonly or config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return  # only the tests named: they may need no database at all
    _EARLY.append(_EarlyTemplate(config._tmp_path_factory.getbasetemp()))


def finish_early() -> None:
    """The controller's thread done before the session ends (pytest_sessionfinish)."""
    while _EARLY:
        _EARLY.pop().join()


def _create_empty(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        _no_commit_wait(conn, name)


def copy_database(template_url: str, target: str) -> str:
    """A copy of the database at `template_url`: `target` is a SQLite file's path, or the name
    of a PostgreSQL database to make (dropped first if it is there). Gives the copy's URL."""
    if template_url.startswith("sqlite"):
        with (
            closing(sqlite3.connect(template_url.removeprefix("sqlite:///"))) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
        return f"sqlite:///{target}"
    import psycopg

    base, _, template = template_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
        _no_commit_wait(conn, target)
    return f"{base}/{target}"


def _no_commit_wait(conn, name: str) -> None:
    """A test database's commits do not wait for the server to flush its log to disk
    (`synchronous_commit` off, for this database only: a crash would lose the last
    transactions, never corrupt it). Browser and process tests commit every request and
    chunk; waiting for each flush left the cores idle."""
    conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off')


def drop_database(url: str) -> None:
    """Drop a PostgreSQL database made by copy_database (a SQLite file goes with its folder)."""
    if url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _uses_serialized_rollback(items) -> bool:
    return any(
        marker.kwargs.get("serialized_rollback")
        for item in items
        for marker in item.iter_markers("django_db")
    )


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_modify_db_settings,
    tmp_path_factory,
):
    """pytest-django's test database, copied from the run's migrated template instead of
    migrated by each worker (the one database the suite uses: "default")."""
    from django.conf import settings
    from django.db import connection

    if _uses_serialized_rollback(request.session.items):
        pytest.fail(
            "serialized_rollback needs Django's own test database set-up (tests/databases.py)"
        )
    template = request.getfixturevalue("migrated_template")
    with django_db_blocker.unblock():
        creation = connection.creation
        test_name = creation._get_test_db_name()
        connection.close()
        if connection.vendor == "postgresql":
            copy_database(template, test_name)
        settings.DATABASES[connection.alias]["NAME"] = test_name
        connection.settings_dict["NAME"] = test_name
        connection.ensure_connection()
        if connection.vendor == "sqlite":  # the in-memory test database
            with closing(sqlite3.connect(template.removeprefix("sqlite:///"))) as source:
                source.backup(connection.connection)
    if connection.vendor == "postgresql":
        from django.test import TestCase, TransactionTestCase

        flush = TransactionTestCase._fixture_teardown
        TransactionTestCase._fixture_teardown = _empty_postgres_after_test
        begin = TestCase.__dict__["_fixture_setup"]  # a classmethod
        TestCase._fixture_setup = classmethod(_marked_at_start(begin.__func__))
    yield
    if connection.vendor == "postgresql":
        TransactionTestCase._fixture_teardown = flush
        TestCase._fixture_setup = begin
    with django_db_blocker.unblock():
        connection.close()
    if connection.vendor == "postgresql":
        drop_database(_postgres_url(connection.settings_dict, test_name))


def _marked_at_start(fixture_setup):
    """TestCase's set-up, then where the server's counters of rows written stand as the
    test's transaction begins (tests/snapshots.py: what says a fixture built once fits)."""

    def _fixture_setup(cls) -> None:
        from tests.snapshots import mark_test_start

        fixture_setup(cls)
        for alias in cls._databases_names(include_mirrors=False):
            mark_test_start(alias)

    return _fixture_setup


# Tables whose rows post_migrate makes (content types and permissions): left as the template has
# them, so that post_migrate finds them and writes nothing.
_KEPT_AFTER_TEST = {"django_content_type", "auth_permission"}


def _empty_postgres_after_test(test_case) -> None:
    """What Django's flush does after a transactional (browser) test on PostgreSQL, at a tenth
    of the cost: the tables that hold rows emptied by DELETE in one transaction, then
    post_migrate as the flush sends it. The flush's TRUNCATE of every table (94) makes new
    files for each table and index and forces the commit to wait for the disk whatever
    `synchronous_commit` says: 0.3 to 3.5 s a test on this machine, against 0.04 to 0.4 s.
    `session_replication_role = replica` (the test user is the server's superuser) lets the
    rows go in any order, without the foreign keys' checks or the audit log's append-only
    triggers (as the flush command lifts them). Sequences go on, as Django's flush leaves them."""
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connections, transaction

    assert test_case.available_apps is None and not test_case.serialized_rollback
    for alias in test_case._databases_names(include_mirrors=False):
        connection = connections[alias]
        tables = [
            name
            for name in connection.introspection.django_table_names(
                only_existing=True, include_views=False
            )
            if name not in _KEPT_AFTER_TEST
        ]
        quote = connection.ops.quote_name
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(name)})" for name in tables
                ),
                tables,
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DELETE FROM {quote(name)}")
        emit_post_migrate_signal(0, False, alias)
    from tests.snapshots import database_emptied

    database_emptied()
