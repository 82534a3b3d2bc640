"""Work that closes itself (issue 13): a meeting records which duty of the child's episode it
fulfils (the episode's strategy meeting, the multi-agency meeting after repeat episodes); once
held, that duty is done in the child's stored duties. Shown on the meeting, the duty and in
the API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.meetings.models import MeetingFulfilment
from homesafe.meetings.services import (
    CANNOT_FULFIL,
    meeting_change_fulfils,
    meeting_create,
    meeting_record_held,
)
from tests.meetings.test_duties import _episodes
from tests.meetings.test_views import _parts


def _state(episode, kind):
    return Duty.objects.get(episode=episode, kind=kind).state


def _meeting(world, key, kind="strategy", *, actor="sw_1", held=True, **extra):
    when = timezone.now() - dt.timedelta(minutes=5)
    return meeting_create(
        kind=kind,
        local_authority=world.orgs["la_a"],
        chair_name="Pat Chair",
        children=[world.children[key]],
        actor=world.users[actor],
        **({"held_at": when} if held else {"planned_for": when + dt.timedelta(hours=3)}),
        **extra,
    )


def test_a_strategy_meeting_naming_the_duty_closes_it(world):
    (episode,) = _episodes(world, "a_team1", 1, risk="high")
    assert _state(episode, "strategy_meeting") != DutyState.DONE
    meeting = _meeting(world, "a_team1", held=False, fulfils=["strategy_meeting"])
    assert MeetingFulfilment.objects.get().episode == episode
    assert _state(episode, "strategy_meeting") != DutyState.DONE  # planned: not yet
    meeting_record_held(
        meeting=meeting, held_at=timezone.now() - dt.timedelta(minutes=1), actor=world.users["sw_1"]
    )
    assert _state(episode, "strategy_meeting") == DutyState.DONE


def test_a_strategy_meeting_that_names_no_duty_closes_none(world):
    (episode,) = _episodes(world, "a_team1", 1, risk="high")
    _meeting(world, "a_team1", fulfils=[])
    assert _state(episode, "strategy_meeting") != DutyState.DONE
    entry = AuditEntry.objects.get(verb="meeting.created")
    assert entry.payload["fulfils"] == []


def test_a_strategy_meeting_by_default_fulfils_both_duties_of_a_repeat_episode(world):
    third = _episodes(world, "a_team2", 3)[-1]
    _meeting(world, "a_team2", actor="cmo_a")
    assert _state(third, "strategy_meeting") == DutyState.DONE
    assert _state(third, "repeat_meeting") == DutyState.DONE


def test_a_strategy_meeting_naming_only_the_strategy_duty_leaves_the_repeat_meeting(world):
    third = _episodes(world, "a_team2", 3)[-1]
    _meeting(world, "a_team2", actor="cmo_a", fulfils=["strategy_meeting"])
    assert _state(third, "strategy_meeting") == DutyState.DONE
    assert _state(third, "repeat_meeting") != DutyState.DONE


def test_a_multi_agency_meeting_cannot_be_the_strategy_meeting(world):
    _episodes(world, "a_team1", 1, risk="high")
    with pytest.raises(ValidationError) as error:
        _meeting(world, "a_team1", "multi_agency", fulfils=["strategy_meeting"])
    assert error.value.message_dict["fulfils"] == [
        CANNOT_FULFIL.format(
            kind="multi-agency missing meeting", duty="the episode's strategy meeting"
        )
    ]


def test_changing_what_a_meeting_fulfils_re_plans_and_is_audited(world):
    (episode,) = _episodes(world, "a_team1", 1, risk="high")
    meeting = _meeting(world, "a_team1", fulfils=[])
    meeting_change_fulfils(meeting=meeting, fulfils=["strategy_meeting"], actor=world.users["sw_1"])
    assert _state(episode, "strategy_meeting") == DutyState.DONE
    entry = AuditEntry.objects.get(verb="meeting.fulfils_changed")
    assert entry.payload == {"child_ids": [episode.child_id], "fulfils": ["strategy_meeting"]}


def test_the_meeting_form_names_the_duty_it_fulfils(world, client):
    (episode,) = _episodes(world, "a_team1", 1, risk="high")
    client.force_login(world.users["sw_1"])
    data = {
        "kind": "strategy",
        "status": "held",
        **_parts("when", timezone.now() - dt.timedelta(hours=1)),
        "chair_name": "Pat Chair",
        "children": [world.children["a_team1"].pk],
        "fulfils": ["strategy_meeting"],
    }
    both = client.post(reverse("meetings:new"), {**data, "fulfils": ["strategy_meeting", "none"]})
    assert both.status_code == 400 and "govuk-error-summary" in both.text
    assert "Select the duties the meeting fulfils, or" in both.text
    response = client.post(reverse("meetings:new"), data)
    assert response.status_code == 302
    assert _state(episode, "strategy_meeting") == DutyState.DONE
    page = client.get(response.url).text
    assert "Duties this meeting fulfils" in page
    assert "strategy meeting, for" in page
    duty = Duty.objects.get(episode=episode, kind="strategy_meeting")
    duty_page = client.get(reverse("duties:detail", args=[duty.pk])).text
    assert "Fulfilled by" in duty_page and response.url in duty_page


def test_changing_what_it_fulfils_on_the_meeting_page(world, client):
    (episode,) = _episodes(world, "a_team1", 1, risk="high")
    meeting = _meeting(world, "a_team1", fulfils=[])
    client.force_login(world.users["sw_1"])
    url = reverse("meetings:fulfils", args=[meeting.pk])
    assert url in client.get(reverse("meetings:detail", args=[meeting.pk])).text
    assert client.post(url, {}).status_code == 400  # nothing chosen: the field is named
    response = client.post(url, {"fulfils": ["strategy_meeting"]})
    assert response.status_code == 302
    assert _state(episode, "strategy_meeting") == DutyState.DONE


def test_the_api_shows_what_the_meeting_fulfils(world, client):
    (episode,) = _episodes(world, "a_team1", 1, risk="high")
    meeting = _meeting(world, "a_team1", fulfils=["strategy_meeting"])
    client.force_login(world.users["sw_1"])
    body = client.get(reverse("api:meeting", args=[meeting.pk])).json()
    [child] = body["children"]
    assert child["fulfils"] == [{"episode_id": episode.pk, "duty": "strategy_meeting"}]
