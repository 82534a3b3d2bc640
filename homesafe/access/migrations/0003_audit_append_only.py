"""The audit log is append-only: the database refuses UPDATE and DELETE of its rows.

Triggers, not permissions, so that it holds on SQLite too and whatever role the app connects as.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE TRIGGER access_auditentry_no_update BEFORE UPDATE ON access_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
    """CREATE TRIGGER access_auditentry_no_delete BEFORE DELETE ON access_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS access_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS access_auditentry_no_delete;",
]
POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION access_auditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'integrity_constraint_violation'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER access_auditentry_no_change BEFORE UPDATE OR DELETE ON access_auditentry
       FOR EACH ROW EXECUTE FUNCTION access_auditentry_append_only();""",
    """CREATE TRIGGER access_auditentry_no_truncate BEFORE TRUNCATE ON access_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION access_auditentry_append_only();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS access_auditentry_no_change ON access_auditentry;",
    "DROP TRIGGER IF EXISTS access_auditentry_no_truncate ON access_auditentry;",
    "DROP FUNCTION IF EXISTS access_auditentry_append_only();",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(
        schema_editor.connection.vendor
    )
    if statements is None:
        raise RuntimeError("HomeSafe supports SQLite and PostgreSQL only")
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    for sql in {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}[
        schema_editor.connection.vendor
    ]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
