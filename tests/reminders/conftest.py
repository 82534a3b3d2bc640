import datetime as dt

import pytest
from django.utils import timezone

from homesafe.duties.models import ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_report


@pytest.fixture
def reported(world):
    """A child of LA A allocated to sw_1, at school 1, reported missing at high risk two hours
    before NOW (a Tuesday, 09:30 in London): duties for sw_1, the school, the senior leader."""
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=1))
    child = world.children["a_unallocated"]
    child.allocated_social_worker = world.users["sw_1"]
    child.school = world.orgs["school_1"]
    child.save()
    child.episodes.all().delete()
    now = timezone.now()
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=3),
        reported_at=now - dt.timedelta(hours=2),
        reported_by="parent",
        risk="high",
    )
    return child, episode
