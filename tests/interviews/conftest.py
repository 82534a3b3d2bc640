import datetime as dt

import pytest
from django.utils import timezone

from homesafe.interviews.services import interview_offer
from tests.interviews.helpers import report_and_return
from tests.snapshots import built_once


@pytest.fixture(autouse=True)
def taxonomy(db):
    """The shipped terms, whatever ran before: a browser test's flush empties the table the
    data migration filled (the app then saves the defaults again on first read)."""
    from homesafe.interviews.queries import interview_taxonomy

    return interview_taxonomy()


@pytest.fixture
def returned(request, world):
    """Child a_team2 (open referral to the RHI service, sw_2, school 2) back from an episode
    (built once per session: tests/snapshots.py)."""
    return built_once(request, "report-and-return-a_team2", lambda: report_and_return(world))


@pytest.fixture
def offered(request, world, returned):
    def build():
        return interview_offer(
            episode=returned,
            offered_at=timezone.now() - dt.timedelta(hours=3),
            offered_by_organisation=world.orgs["rhi"],
            offered_by_name="Robin Worker",
            offer_method="phone",
            actor=world.users["rhi"],
        )

    return built_once(request, "interviews-offered", build)
