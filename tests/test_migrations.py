"""The squashed migrations (docs/development.md, "Migrations"): a new database runs them, not
the migrations they replace, and a database that ran the replaced ones is known to be up to
date. That the squashed ones make the same tables, indexes, constraints and triggers as the
ones they replace was compared on both databases when they were made; that they agree with the
models is tests/web/test_architecture.py's `makemigrations --check`."""

from unittest import mock

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


def _squashed(loader) -> dict:
    return {
        key: migration
        for key, migration in loader.disk_migrations.items()
        if migration.replaces and migration.__module__.startswith("homesafe.")
    }


def test_a_new_database_runs_the_squashed_migrations_not_the_ones_they_replace():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    squashed = _squashed(loader)
    replaced = {key for migration in squashed.values() for key in migration.replaces}
    assert len(squashed) >= 12 and len(replaced) >= 50
    plan = {key for leaf in loader.graph.leaf_nodes() for key in loader.graph.forwards_plan(leaf)}
    assert set(squashed) <= plan
    assert not plan & replaced
    # The audit log's triggers and the shipped interview terms are still made on a new database.
    operations = [type(op).__name__ for key in squashed for op in squashed[key].operations]
    assert operations.count("RunPython") == 2


def test_a_database_migrated_before_the_squash_is_up_to_date(db):
    """As a deployment's database stands: every migration on disk but the squashed ones
    recorded as applied. None of the squashed ones is planned to run on it."""
    disk = MigrationLoader(None, ignore_no_migrations=True)
    squashed = _squashed(disk)
    before = {key: None for key in disk.disk_migrations if key not in squashed}
    with mock.patch.object(MigrationRecorder, "applied_migrations", return_value=before):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        applied = executor.loader.applied_migrations
    assert set(squashed) <= set(applied)
    planned = {(migration.app_label, migration.name) for migration, _ in plan}
    replaced = {key for migration in squashed.values() for key in migration.replaces}
    assert not planned & (set(squashed) | replaced)
