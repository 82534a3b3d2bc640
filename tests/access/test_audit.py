"""The audit log: reads and changes are recorded with who and when, and the log is append-only
in the database itself (triggers), on SQLite and PostgreSQL alike."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry


def test_reading_a_childs_page_leaves_an_audit_entry(world, client):
    user, child = world.users["cmo_a"], world.children["a_team1"]
    client.force_login(user)
    before = AuditEntry.objects.count()
    assert client.get(reverse("people:child", args=[child.pk])).status_code == 200
    entry = AuditEntry.objects.latest("id")
    assert AuditEntry.objects.count() == before + 1
    assert (entry.verb, entry.actor_id, entry.child_id) == (
        AuditVerb.CHILD_VIEWED,
        user.pk,
        child.pk,
    )
    assert entry.target_type == "people.child" and entry.target_id == str(child.pk)


def test_reading_an_episode_leaves_an_audit_entry(world, client):
    user, episode = world.users["police_a"], world.episodes["a_team1"]
    client.force_login(user)
    client.get(reverse("episodes:detail", args=[episode.pk]))
    entry = AuditEntry.objects.latest("id")
    assert (entry.verb, entry.actor_id, entry.child_id) == (
        AuditVerb.EPISODE_VIEWED,
        user.pk,
        episode.child_id,
    )


def test_a_refused_read_leaves_no_entry_naming_the_child(world, client):
    client.force_login(world.users["cmo_b"])
    child = world.children["a_team1"]
    client.get(reverse("people:child", args=[child.pk]))
    assert not AuditEntry.objects.filter(child_id=child.pk, verb=AuditVerb.CHILD_VIEWED).exists()


def test_search_is_logged_once_without_the_search_terms(world, client):
    client.force_login(world.users["cmo_a"])
    # A name no factory gives (the factories' "Kid<n>" depends on what ran before).
    client.get(reverse("people:search"), {"name": "Zebedee"})
    entry = AuditEntry.objects.latest("id")
    assert entry.verb == AuditVerb.CHILDREN_SEARCHED
    assert entry.payload == {"terms": ["name"], "children": []}  # none found
    assert "Zebedee" not in str(entry.payload)


def _an_entry(world):
    client_user = world.users["cmo_a"]
    return AuditEntry.objects.create(
        actor=client_user, verb=AuditVerb.CHILD_VIEWED, target_type="people.child", target_id="1"
    )


# The append-only triggers each database has once migrated (homesafe/access/db_triggers.py).
APPEND_ONLY_TRIGGERS = {
    "sqlite": {"access_auditentry_no_update", "access_auditentry_no_delete"},
    "postgresql": {"access_auditentry_no_change", "access_auditentry_no_truncate"},
}


def test_the_migrations_leave_the_audit_log_append_only(db, migrated_template):
    """Read in the run's template, as `migrate` left it: the test database's triggers may have
    been put back by a browser test's flush. SQLite drops a table's triggers when a migration
    alters one of its columns (it builds the table again), so such a migration must put them
    back (access migration 0007 does)."""
    if connection.vendor == "sqlite":
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(migrated_template.removeprefix("sqlite:///"))) as template:
            rows = template.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'access_auditentry'"
            ).fetchall()
    else:
        import psycopg

        with psycopg.connect(migrated_template) as template:
            rows = template.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgrelid = 'access_auditentry'::regclass AND NOT tgisinternal"
            ).fetchall()
    assert {name for (name,) in rows} == APPEND_ONLY_TRIGGERS[connection.vendor]


@pytest.mark.django_db(transaction=True)
def test_updating_an_audit_entry_fails_in_the_database():
    from tests.world import build_world

    entry = _an_entry(build_world())
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(verb=AuditVerb.CHILD_UPDATED)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE access_auditentry SET target_id = 'x'")
    entry.refresh_from_db()
    assert entry.verb == AuditVerb.CHILD_VIEWED and entry.target_id == "1"


@pytest.mark.django_db(transaction=True)
def test_deleting_an_audit_entry_fails_in_the_database():
    from tests.world import build_world

    entry = _an_entry(build_world())
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_users_are_deactivated_never_deleted(world):
    user = world.users["sw_3"]
    with pytest.raises(PermissionError):
        user.delete()
    from homesafe.access.services import user_deactivate

    user_deactivate(user=user, actor=world.users["admin"])
    user.refresh_from_db()
    assert user.is_active is False
    assert AuditEntry.objects.filter(
        verb=AuditVerb.USER_DEACTIVATED, target_id=str(user.pk)
    ).exists()
