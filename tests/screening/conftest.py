import pytest

from tests.interviews.helpers import report_and_return
from tests.snapshots import built_once


@pytest.fixture
def returned(request, world):
    """Child a_team2 (sw_2; the RHI service holds an open referral) back from an episode
    (built once per session: tests/snapshots.py)."""
    return built_once(request, "report-and-return-a_team2", lambda: report_and_return(world))
