"""Shared set-up for benchmarks: Django in test mode on a throw-away database.

SQLite by default (a file in a temporary folder); PostgreSQL when DATABASE_URL says so (a
`test_...` database is created and dropped, as the test suite does).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HOMESAFE_MODE", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homesafe.settings")


def django_on_scratch_database():
    """Set Django up and create a fresh database; returns a function that drops it."""
    import django
    from django.conf import settings

    tmp = tempfile.mkdtemp(prefix="homesafe-bench-")
    django.setup()
    db = settings.DATABASES["default"]
    from django.db import connection

    if db["ENGINE"].endswith("sqlite3"):
        connection.settings_dict["TEST"]["NAME"] = str(Path(tmp) / "bench.sqlite3")

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)

    def drop():
        connection.creation.destroy_test_db(old_name, verbosity=0)

    return drop


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(results: dict, key: str):
    start = time.perf_counter()
    yield
    results[key] = time.perf_counter() - start
