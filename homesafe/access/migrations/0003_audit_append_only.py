"""The audit log is append-only: the database refuses UPDATE, DELETE (and TRUNCATE) of its rows.

Triggers, not permissions, so that it holds on SQLite too and whatever role the app connects as.
"""

from django.db import migrations

from homesafe.access.db_triggers import install_audit_triggers, remove_audit_triggers


def forward(apps, schema_editor):
    install_audit_triggers(schema_editor.connection)


def backward(apps, schema_editor):
    remove_audit_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
