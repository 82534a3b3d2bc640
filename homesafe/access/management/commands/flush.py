"""`flush` empties every table, which the append-only audit log forbids.

Outside the test suite it refuses. In tests (HOMESAFE_MODE=test) Django's transactional test
cases flush between tests, so there it lifts the audit triggers for the flush and puts them back.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from homesafe.access.db_triggers import install_audit_triggers, remove_audit_triggers

FLUSH_REFUSED = "flush is disabled: HomeSafe's audit log is append-only and is never emptied."


class Command(DjangoFlush):
    help = "Empties the database (test suite only: the audit log is append-only)."

    def handle(self, **options):
        if not settings.TESTING:
            raise CommandError(FLUSH_REFUSED)
        connection = connections[options["database"]]
        remove_audit_triggers(connection)
        try:
            return super().handle(**options)
        finally:
            install_audit_triggers(connection)
