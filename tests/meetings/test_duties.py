"""Meetings close duties through re-planning: a held strategy meeting about an episode closes
its strategy_meeting duty; a held multi-agency (or strategy) meeting after a repeat-threshold
episode closes repeat_meeting. A planned or cancelled meeting closes nothing."""

import datetime as dt

from django.utils import timezone

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.meetings.services import meeting_create, meeting_record_held


def _episodes(world, key, count, *, risk="medium"):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=30))
    child = world.children[key]
    child.episodes.all().delete()
    now = timezone.now()
    made = []
    for n in range(count):
        start = now - dt.timedelta(days=10 - 3 * n)
        episode = episode_report(
            child=child,
            actor=world.users["cmo_a"],
            episode_type="M",
            last_seen_at=start,
            reported_at=start + dt.timedelta(hours=1),
            reported_by="foster_carer",
            risk=risk,
            police_force=world.orgs["force_a"],
        )
        made.append(
            episode_record_return(
                episode=episode,
                returned_at=start + dt.timedelta(hours=5),
                found_by="police",
                actor=world.users["cmo_a"],
            )
        )
    return made


def _state(episode, kind):
    return Duty.objects.get(episode=episode, kind=kind).state


def test_a_held_strategy_meeting_closes_the_strategy_meeting_duty(world):
    (episode,) = _episodes(world, "a_team1", 1, risk="high")
    assert _state(episode, "strategy_meeting") != DutyState.DONE
    meeting = meeting_create(
        kind="strategy",
        local_authority=world.orgs["la_a"],
        chair_name="Pat Chair",
        children=[world.children["a_team1"]],
        planned_for=timezone.now() + dt.timedelta(hours=2),
        actor=world.users["sw_1"],
    )
    assert _state(episode, "strategy_meeting") != DutyState.DONE  # only planned
    held_at = timezone.now() - dt.timedelta(minutes=1)
    meeting_record_held(meeting=meeting, held_at=held_at, actor=world.users["sw_1"])
    duty = Duty.objects.get(episode=episode, kind="strategy_meeting")
    assert duty.state == DutyState.DONE


def test_a_multi_agency_meeting_after_the_repeat_episode_closes_repeat_meeting(world):
    episodes = _episodes(world, "a_team2", 3)
    third = episodes[-1]
    assert _state(third, "repeat_meeting") != DutyState.DONE
    meeting_create(
        kind="multi_agency",
        local_authority=world.orgs["la_a"],
        chair_name="Pat Chair",
        children=[world.children["a_team2"]],
        held_at=timezone.now() - dt.timedelta(minutes=1),
        actor=world.users["cmo_a"],
    )
    assert _state(third, "repeat_meeting") == DutyState.DONE


def test_a_meeting_before_the_repeat_episode_does_not_close_it(world):
    episodes = _episodes(world, "a_team2", 3)
    meeting_create(
        kind="multi_agency",
        local_authority=world.orgs["la_a"],
        chair_name="Pat Chair",
        children=[world.children["a_team2"]],
        held_at=episodes[-1].reported_at - dt.timedelta(hours=2),
        actor=world.users["cmo_a"],
    )
    assert _state(episodes[-1], "repeat_meeting") != DutyState.DONE
