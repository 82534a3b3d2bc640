import datetime as dt

import pytest
from django.utils import timezone

from homesafe.duties.models import ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.safety_plans.services import safety_plan_save

PLAN = {
    "indicators": ["curfew", "phone_off"],
    "method": "scored",
    "risks": "Goes to older friends at the skate park; offered lifts and cannabis",
    "triggers": "Arguments with the carer about phone time",
    "curfew": "21:30 on school nights, 22:30 at weekends",
    "family_time": "Saturday afternoons with mum, planned a week ahead",
    "contact": "Calls the carer at 20:00 when out",
    "placement": "",
    "who_does_what": "Carer: calls 101 if not home by 22:00.\nSocial worker: visits weekly.",
    "child_words": "I go because nobody listens at home.",
    "carers_views": "Worried about the older friends",
    "made_with_child": True,
    "advocacy_offered": True,
    "advocacy_notes": "Wants to think about it",
}


@pytest.fixture
def planned_world(world):
    """Duties are planned for episodes from a month ago (the world's child a_team1, allocated
    to sw_1, has no episode of its own)."""
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=30))
    world.children["a_team1"].episodes.all().delete()
    return world


def plan_save(world, child, *, actor="sw_1", **kwargs):
    return safety_plan_save(child=child, actor=world.users[actor], **{**PLAN, **kwargs})


def episode_reported(world, child, *, hours_ago: float = 30, returned_hours_ago: float | None = 5):
    now = timezone.now()
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=hours_ago),
        reported_at=now - dt.timedelta(hours=hours_ago - 1),
        reported_by="foster_carer",
        risk="medium",
        police_force=world.orgs["force_a"],
    )
    if returned_hours_ago is not None:
        episode = episode_record_return(
            episode=episode,
            returned_at=now - dt.timedelta(hours=returned_hours_ago),
            found_by="police",
            actor=world.users["cmo_a"],
        )
    return episode


def world_episode_returned(world, key="a_team1", *, hours_ago: float = 2):
    """The world's open episode for the child, returned `hours_ago`."""
    return episode_record_return(
        episode=world.episodes[key],
        returned_at=timezone.now() - dt.timedelta(hours=hours_ago),
        found_by="police",
        actor=world.users["cmo_a"],
    )
