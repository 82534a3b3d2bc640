"""Settings for the test suite: HomeSafe's own settings in test mode (DATABASE_URL picks the database)."""

import os

os.environ.setdefault("HOMESAFE_MODE", "test")

from homesafe.settings import *  # noqa: E402, F403
