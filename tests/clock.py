"""The clock every test runs on, and two-factor codes that cannot go stale.

Every test starts at `NOW` (tests/conftest.py travels there before any other fixture) and the
clock ticks on from it, so dates are the same on every run and timestamps still follow the
order things happen in. A test that must see the machine's clock says so with
`@pytest.mark.real_clock`; a test that needs another instant nests its own
`time_machine.travel(...)`, which wins until it ends.

The live server of a browser test runs in the test's process, so it shares the clock; Chromium
only shows the times the server writes.
"""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import time_machine
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

LONDON = ZoneInfo("Europe/London")

# A Tuesday morning in London, in term time, with no bank holiday within a fortnight.
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=LONDON)

# The shared world (tests/world.py) is built a minute before `NOW`, so anything a test makes
# comes after it, as it would if the test had built the world itself.
WORLD_BUILT_AT = NOW - dt.timedelta(minutes=1)

# On the machine's clock, a code with less than this left of its window waits for the next one.
REAL_CLOCK_MARGIN_SECONDS = 10


def totp_code(secret: str) -> str:
    """The TOTP code for `secret` at the start of a fresh window, so that it is still right
    however long the browser or the server takes to send it (the old helper's code went stale
    when the 30-second window rolled over in between, "Incorrect code" now and then).

    On the travelling clock the clock moves forward to the start of the next window (time only
    ever goes forward); each call gives a new window, so signing in twice in one test never
    reuses a code. On the machine's clock (`real_clock` tests) it waits for the next window
    when fewer than `REAL_CLOCK_MARGIN_SECONDS` are left of this one.
    """
    period_ns = mfa_settings.TOTP_PERIOD * 1_000_000_000
    left_ns = period_ns - time.time_ns() % period_ns
    if time_machine.traveller_stack:
        time_machine.traveller_stack[-1].shift(dt.timedelta(microseconds=-(-left_ns // 1000)))
    elif left_ns < REAL_CLOCK_MARGIN_SECONDS * 1_000_000_000:
        time.sleep(left_ns / 1_000_000_000 + 0.001)
    counter = time.time_ns() // period_ns
    return format_hotp_value(hotp_value(secret, counter))
