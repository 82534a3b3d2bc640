"""The triggers that make the audit log append-only, for SQLite and PostgreSQL.

Used by migration 0003 and by the test-only `flush` (see management/commands/flush.py).
A change here needs a new migration that re-installs them.
"""

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS access_auditentry_no_update BEFORE UPDATE ON access_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS access_auditentry_no_delete BEFORE DELETE ON access_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS access_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS access_auditentry_no_delete;",
]
POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION access_auditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'integrity_constraint_violation'; END;
       $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS access_auditentry_no_change ON access_auditentry;",
    """CREATE TRIGGER access_auditentry_no_change BEFORE UPDATE OR DELETE ON access_auditentry
       FOR EACH ROW EXECUTE FUNCTION access_auditentry_append_only();""",
    "DROP TRIGGER IF EXISTS access_auditentry_no_truncate ON access_auditentry;",
    """CREATE TRIGGER access_auditentry_no_truncate BEFORE TRUNCATE ON access_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION access_auditentry_append_only();""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS access_auditentry_no_change ON access_auditentry;",
    "DROP TRIGGER IF EXISTS access_auditentry_no_truncate ON access_auditentry;",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    table = {
        ("sqlite", True): SQLITE_INSTALL,
        ("sqlite", False): SQLITE_REMOVE,
        ("postgresql", True): POSTGRES_INSTALL,
        ("postgresql", False): POSTGRES_REMOVE,
    }
    if (vendor, install) not in table:
        raise RuntimeError("HomeSafe supports SQLite and PostgreSQL only")
    return table[(vendor, install)]


def install_audit_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True):
            cursor.execute(sql)


def remove_audit_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)
