import pytest

from tests.interviews.helpers import report_and_return


@pytest.fixture
def returned(world):
    """Child a_team2 (sw_2; the RHI service holds an open referral) back from an episode."""
    return report_and_return(world)
