"""Settings for the test suite: HomeSafe's own settings in test mode (DATABASE_URL picks the database)."""

import os

os.environ.setdefault("HOMESAFE_MODE", "test")

from homesafe.settings import *  # noqa: E402, F403

# Whitenoise looks static files up when asked for one, instead of listing every file the finders
# know each time Django's test client builds its middleware (once per test: 10 % of the suite).
WHITENOISE_AUTOREFRESH = True
