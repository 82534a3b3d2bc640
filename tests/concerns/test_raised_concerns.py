"""Work that closes itself (issue 13), around the concerns app: a MACE referral recorded
outside a return interview closes consider_mace; an exploitation or trafficking concern raised
about an episode at any time (page and API) plans consider_mace / consider_nrm from that time,
is audited, and is raised once per episode."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.access.times import IN_FUTURE
from homesafe.concerns.models import EpisodeConcern
from homesafe.concerns.services import DECISION_ONLY_NRM, legal_action_record
from homesafe.concerns.services_raised import (
    ALREADY_AT_REPORT,
    ALREADY_RAISED,
    RAISED_BEFORE_REPORT,
    episode_concern_raise,
)
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.duties.protocol import protocol_current
from tests.concerns.conftest import open_episode


def _due(raised_at, setting: str):
    _, settings = protocol_current()
    return settings.calendar.add_working_days(raised_at, getattr(settings, setting))


def test_a_mace_referral_outside_an_rhi_closes_consider_mace(world):
    child = world.children["a_team1"]
    episode = open_episode(world, child, hours_ago=30, exploitation_concern=True)
    duty = Duty.objects.get(episode=episode, kind="consider_mace")
    assert duty.state == DutyState.OPEN
    legal_action_record(
        child=child,
        actor=world.users["sw_1"],
        kind="mace_referral",
        applied_on=timezone.localdate(),
        episode=episode,
        notes="Referred to the MACE panel of 2 December",
    )
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE


def test_a_mace_referral_for_another_episode_leaves_this_one_open(world):
    child = world.children["a_team1"]
    episode = open_episode(world, child, hours_ago=30, exploitation_concern=True)
    legal_action_record(
        child=child,
        actor=world.users["sw_1"],
        kind="mace_referral",
        applied_on=timezone.localdate(),
    )  # no episode named: the child's record only
    assert Duty.objects.get(episode=episode, kind="consider_mace").state == DutyState.OPEN


def test_a_mace_referral_has_no_grounds_decisions(world):
    with pytest.raises(ValidationError) as error:
        legal_action_record(
            child=world.children["a_team1"],
            actor=world.users["sw_1"],
            kind="mace_referral",
            applied_on=timezone.localdate(),
            reasonable_grounds="positive",
            reasonable_grounds_on=timezone.localdate(),
        )
    assert error.value.message_dict["reasonable_grounds"] == [DECISION_ONLY_NRM]


def test_recording_a_mace_referral_on_the_page_closes_consider_mace(world, client):
    child = world.children["a_team1"]
    episode = open_episode(world, child, hours_ago=30, exploitation_concern=True)
    client.force_login(world.users["sw_1"])
    today = timezone.localdate()
    response = client.post(
        reverse("concerns:legal_new", args=[child.pk]),
        {
            "kind": "mace_referral",
            "applied_on_0": today.day,
            "applied_on_1": today.month,
            "applied_on_2": today.year,
            "episode": episode.pk,
        },
    )
    assert response.status_code == 302
    assert Duty.objects.get(episode=episode, kind="consider_mace").state == DutyState.DONE
    page = client.get(reverse("concerns:child", args=[child.pk])).text
    assert "Referral to MACE" in page


def test_raising_an_exploitation_concern_plans_consider_mace_from_that_time(world):
    child = world.children["a_team1"]
    episode = open_episode(world, child, hours_ago=30)
    assert not Duty.objects.filter(episode=episode, kind="consider_mace").exists()
    raised_at = timezone.now() - dt.timedelta(hours=2)
    concern = episode_concern_raise(
        episode=episode, kind="exploitation", actor=world.users["sw_1"], raised_at=raised_at
    )
    mace = Duty.objects.get(episode=episode, kind="consider_mace")
    assert mace.state == DutyState.OPEN
    assert mace.due_at == _due(raised_at, "consider_mace_working_days")
    assert mace.due_at != _due(episode.reported_at, "consider_mace_working_days")
    # An exploitation concern is a strategy meeting trigger too.
    assert Duty.objects.filter(episode=episode, kind="strategy_meeting").exists()
    entry = AuditEntry.objects.get(verb="concern.episode_raised")
    assert entry.actor == world.users["sw_1"] and entry.child_id == child.pk
    assert entry.payload == {"kind": "exploitation", "episode_id": episode.pk}
    assert concern.raised_by == world.users["sw_1"]


def test_raising_a_trafficking_concern_plans_consider_nrm_and_an_nrm_referral_closes_it(world):
    child = world.children["a_team1"]
    episode = open_episode(world, child, hours_ago=30)
    episode_concern_raise(episode=episode, kind="trafficking", actor=world.users["police_a"])
    nrm = Duty.objects.get(episode=episode, kind="consider_nrm")
    assert nrm.state == DutyState.OPEN
    legal_action_record(
        child=child,
        actor=world.users["police_a"],
        kind="nrm_referral",
        applied_on=timezone.localdate(),
        episode=episode,
    )
    nrm.refresh_from_db()
    assert nrm.state == DutyState.DONE


@pytest.mark.parametrize(
    ("report", "kind", "when", "field", "message"),
    [
        ({}, "exploitation", dt.timedelta(hours=1), "raised_at", IN_FUTURE),
        ({}, "exploitation", -dt.timedelta(hours=40), "raised_at", RAISED_BEFORE_REPORT),
        ({"exploitation_concern": True}, "exploitation", None, "kind", ALREADY_AT_REPORT),
        ({"trafficking_concern": True}, "trafficking", None, "kind", ALREADY_AT_REPORT),
    ],
)
def test_a_concern_that_cannot_be_raised_is_refused_naming_the_field(
    world, report, kind, when, field, message
):
    episode = open_episode(world, world.children["a_team1"], hours_ago=30, **report)
    raised_at = timezone.now() + when if when is not None else None
    with pytest.raises(ValidationError) as error:
        episode_concern_raise(
            episode=episode, kind=kind, actor=world.users["sw_1"], raised_at=raised_at
        )
    assert error.value.message_dict[field] == [message]
    assert not EpisodeConcern.objects.exists()
    assert not AuditEntry.objects.filter(verb="concern.episode_raised").exists()


def test_a_concern_is_raised_once_per_episode(world):
    episode = open_episode(world, world.children["a_team1"], hours_ago=30)
    episode_concern_raise(episode=episode, kind="exploitation", actor=world.users["sw_1"])
    with pytest.raises(ValidationError) as error:
        episode_concern_raise(episode=episode, kind="exploitation", actor=world.users["cmo_a"])
    assert error.value.message_dict["kind"] == [ALREADY_RAISED]


def test_raising_a_concern_on_the_episode_page(world, client):
    child = world.children["a_team1"]
    episode = open_episode(world, child, hours_ago=30)
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("episodes:detail", args=[episode.pk])).text
    assert "Exploitation and trafficking concerns" in page and "None raised." in page
    url = reverse("concerns:episode_concern_new", args=[episode.pk])
    assert url in page
    raised = timezone.localtime() - dt.timedelta(hours=3)
    response = client.post(
        url,
        {
            "kind": "exploitation",
            "raised_at_0": raised.day,
            "raised_at_1": raised.month,
            "raised_at_2": raised.year,
            "raised_at_3": f"{raised:%H:%M}",
            "note": "Seen getting into cars with older men",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("episodes:detail", args=[episode.pk])
    concern = EpisodeConcern.objects.get(episode=episode)
    assert concern.raised_at == raised.replace(second=0, microsecond=0)
    mace = Duty.objects.get(episode=episode, kind="consider_mace")
    assert mace.due_at == _due(concern.raised_at, "consider_mace_working_days")
    assert AuditEntry.objects.filter(verb="concern.episode_raised", actor=world.users["sw_1"])
    page = client.get(reverse("episodes:detail", args=[episode.pk])).text
    assert "Seen getting into cars with older men" in page
    assert f"Raised by {world.users['sw_1']}" in page


def test_the_page_names_the_field_when_nothing_is_chosen(world, client):
    episode = open_episode(world, world.children["a_team1"], hours_ago=30)
    client.force_login(world.users["sw_1"])
    response = client.post(reverse("concerns:episode_concern_new", args=[episode.pk]), {})
    assert response.status_code == 400
    assert "Select the concern you are raising" in response.text
    assert not EpisodeConcern.objects.exists()


@pytest.mark.parametrize(
    ("user", "status"),
    [("sw_1", 200), ("police_a", 200), ("cmo_a", 200), ("school_1", 403), ("cmo_b", 404)],
)
def test_who_may_raise_a_concern_on_the_page(world, client, user, status):
    episode = open_episode(world, world.children["a_team1"], hours_ago=30)
    client.force_login(world.users[user])
    response = client.get(reverse("concerns:episode_concern_new", args=[episode.pk]))
    assert response.status_code == status


def test_raising_a_concern_through_the_api(world, client):
    child = world.children["a_team1"]
    episode = open_episode(world, child, hours_ago=30)
    client.force_login(world.users["police_a"])
    url = reverse("api:episode_concerns", args=[episode.pk])
    raised_at = timezone.now() - dt.timedelta(hours=5)
    response = client.post(
        url,
        {"kind": "trafficking", "raised_at": raised_at.isoformat(), "note": "Moved by others"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["episode_id"] == episode.pk
    [raised] = body["concerns"]
    assert raised["kind"] == "trafficking" and raised["source"] == "professional"
    assert raised["note"] == "Moved by others"
    nrm = Duty.objects.get(episode=episode, kind="consider_nrm")
    assert nrm.due_at == _due(raised_at, "consider_nrm_working_days")
    entry = AuditEntry.objects.get(verb="concern.episode_raised")
    assert entry.actor == world.users["police_a"]
    again = client.post(url, {"kind": "trafficking"}, content_type="application/json")
    assert again.status_code == 400
    assert ALREADY_RAISED in again.content.decode()
    listed = client.get(url).json()
    assert [c["source"] for c in listed["concerns"]] == ["professional"]


@pytest.mark.parametrize(("user", "status"), [("school_1", 403), ("cmo_b", 404)])
def test_the_api_refuses_those_who_may_not_raise(world, client, user, status):
    episode = open_episode(world, world.children["a_team1"], hours_ago=30)
    client.force_login(world.users[user])
    response = client.post(
        reverse("api:episode_concerns", args=[episode.pk]),
        {"kind": "exploitation"},
        content_type="application/json",
    )
    assert response.status_code == status
    assert not EpisodeConcern.objects.exists()
