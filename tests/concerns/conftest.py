import datetime as dt

import pytest
from django.utils import timezone

from homesafe.concerns.services import person_of_concern_record
from homesafe.duties.models import ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_report


def open_episode(world, child, *, hours_ago=30, **report):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=30))
    child.episodes.all().delete()
    now = timezone.now()
    return episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=hours_ago + 1),
        reported_at=now - dt.timedelta(hours=hours_ago),
        reported_by="foster_carer",
        risk="medium",
        police_force=world.orgs["force_a"],
        **report,
    )


@pytest.fixture
def dee(world):
    """A person of concern linked to a_team1 (LA A) and, by LA B, to b_only."""
    person = person_of_concern_record(
        child=world.children["a_team1"],
        actor=world.users["police_a"],
        name="Dee Harbourer",
        aliases="Big D",
        approximate_age=32,
        description="Tall, beard",
        link_kind="found_with",
        reference="RHI 3 March",
    )
    from homesafe.concerns.services import person_of_concern_link

    person_of_concern_link(
        person=person, child=world.children["b_only"], actor=world.users["cmo_b"], kind="associate"
    )
    return person
