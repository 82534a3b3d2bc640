import datetime as dt

import pytest
from django.utils import timezone

from homesafe.meetings.services import meeting_create
from tests.snapshots import built_once


@pytest.fixture
def locality(request, world):
    """A held locality MACE about a_team1 (school 1, health) and a_team2 (school 2, RHI),
    convened by LA A's missing coordinator, with a place discussed (built once per session:
    tests/snapshots.py)."""

    def build():
        return meeting_create(
            kind="mace_locality",
            local_authority=world.orgs["la_a"],
            chair_name="Pat Chair",
            chair_organisation=world.orgs["la_a"],
            children=[world.children["a_team1"], world.children["a_team2"]],
            held_at=timezone.now() - dt.timedelta(hours=2),
            locations=["Victoria bus station"],
            persons_discussed="An adult known as 'Jay'",
            actor=world.users["cmo_a"],
        )

    return built_once(request, "meetings-locality", build)
