import datetime as dt

import pytest
from django.utils import timezone

from homesafe.duties.models import ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_record_return, episode_report
from tests.factories import ChildFactory


@pytest.fixture
def protocol(db):
    """The defaults in force, planning duties for episodes reported in the last few weeks."""
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=60))


def report(world, child, *, reported_at=None, risk="medium"):
    reported_at = reported_at or timezone.now() - dt.timedelta(hours=2)
    return episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=reported_at - dt.timedelta(hours=1),
        reported_at=reported_at,
        reported_by="parent",
        risk=risk,
    )


def returned(world, episode, *, at):
    return episode_record_return(
        episode=episode, returned_at=at, found_by="police", actor=world.users["cmo_a"]
    )


def new_child(world, **extra):
    """A child of LA A allocated to sw_1 (team 1) and at school 1, with no episode yet."""
    return ChildFactory(
        responsible_la=world.orgs["la_a"],
        allocated_social_worker=world.users["sw_1"],
        school=world.orgs["school_1"],
        **extra,
    )
