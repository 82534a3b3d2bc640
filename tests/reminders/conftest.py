import datetime as dt
from dataclasses import dataclass

import pytest

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.protocol.facts import OwnerRole
from tests.clock import LONDON

TUESDAY = dt.date(2026, 11, 24)  # NOW is 09:30 on it


def london(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@dataclass
class Work:
    child: object
    episode: object
    duties: dict


@pytest.fixture
def work(world):
    """Duties made by hand on the open episode of sw_1's child (world's a_team1), all planned at
    the report (Tuesday 07:30), each owned by one person, so that these tests hold whatever the
    protocol plans and whoever it makes owner:

    - sw_1: strategy meeting (due Tuesday 23:59), return interview offer (Wednesday 06:30),
      consider MACE (Friday 23:59);
    - tm_1: repeat meeting (Tuesday 23:59); school_1: tell the school (Tuesday 09:00);
    - sl_a: the alerts, high risk (Tuesday 07:30) and senior leadership (Wednesday 06:30), and
      the head of service escalation (Friday 10:00).
    """
    episode = world.episodes["a_team1"]
    wednesday, friday = TUESDAY + dt.timedelta(days=1), TUESDAY + dt.timedelta(days=3)
    plan = {
        "strategy_meeting": ("sw_1", london(TUESDAY, 23, 59)),
        "rhi_offer": ("sw_1", london(wednesday, 6, 30)),
        "consider_mace": ("sw_1", london(friday, 23, 59)),
        "repeat_meeting": ("tm_1", london(TUESDAY, 23, 59)),
        "notify_school": ("school_1", london(TUESDAY, 9, 0)),
        "high_risk_alert": ("sl_a", london(TUESDAY, 7, 30)),
        "senior_leader_alert": ("sl_a", london(wednesday, 6, 30)),
        "escalate_head_of_service": ("sl_a", london(friday, 10, 0)),
    }
    duties = {}
    for kind, (owner, due_at) in plan.items():
        user = world.users[owner]
        duties[kind] = Duty.objects.create(
            child=episode.child,
            episode=episode,
            kind=kind,
            state=DutyState.OPEN,
            due_at=due_at,
            owner_role=OwnerRole.SOCIAL_WORKER,
            owner_organisation=user.organisation,
            owner_user=user,
            rule="test",
            reason="Made by hand for the reminder tests",
            protocol_version="test",
            planned_at=london(TUESDAY, 7, 30),
        )
    return Work(child=episode.child, episode=episode, duties=duties)
