import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import ClientActor
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.access.transitions import INVALID_TRANSITION
from homesafe.episodes.choices import EpisodeStatus, RiskGrade
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.services import (
    ALREADY_MISSING,
    episode_record_return,
    episode_regrade,
    episode_report,
    location_create,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _report(child, actor, **kw):
    args = {
        "child": child,
        "actor": actor,
        "episode_type": "M",
        "last_seen_at": NOW - dt.timedelta(hours=5),
        "reported_at": NOW - dt.timedelta(hours=4),
        "reported_by": "foster_carer",
        "risk": RiskGrade.MEDIUM,
    }
    args.update(kw)
    return episode_report(**args)


def test_report_records_episode_first_grading_and_audit(world, frozen):
    child, actor = world.children["a_unallocated"], world.users["cmo_a"]
    MissingEpisode.objects.filter(child=child).delete()
    episode = _report(
        child,
        actor,
        pre_planned_indicators=["bag_packed"],
        police_force=world.orgs["force_a"],
        police_reference="FA-1",
    )
    assert episode.status == EpisodeStatus.MISSING and episode.pre_planned is True
    assert episode.gradings.get().grade == RiskGrade.MEDIUM
    entry = AuditEntry.objects.get(verb=AuditVerb.EPISODE_REPORTED, target_id=str(episode.pk))
    assert entry.child_id == child.pk and entry.actor == actor


def test_a_child_cannot_have_two_open_episodes(world, frozen):
    child, actor = world.children["a_team1"], world.users["cmo_a"]  # already missing in the world
    with pytest.raises(ApplicationError) as error:
        _report(child, actor)
    assert error.value.code == "already_missing"
    assert ALREADY_MISSING.split("{")[0] in error.value.message


def test_report_refuses_future_and_out_of_order_times(world, frozen):
    child, actor = world.children["a_unallocated"], world.users["cmo_a"]
    MissingEpisode.objects.filter(child=child).delete()
    with pytest.raises(ValidationError) as error:
        _report(
            child,
            actor,
            last_seen_at=NOW + dt.timedelta(days=1),
            reported_at=NOW + dt.timedelta(days=1),
        )
    assert "last_seen_at" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        _report(child, actor, reported_at=NOW - dt.timedelta(hours=9))
    assert "reported_at" in error.value.error_dict
    assert not MissingEpisode.objects.filter(child=child).exists()


def test_duplicate_police_reference_is_refused(world, frozen):
    child, actor = world.children["a_unallocated"], world.users["cmo_a"]
    MissingEpisode.objects.filter(child=child).delete()
    with pytest.raises(ValidationError, match="police reference already exists"):
        _report(child, actor, police_force=world.orgs["force_a"], police_reference="REF-a_team1")


def test_record_return_then_no_second_return(world):
    episode, actor = world.episodes["a_team1"], world.users["sw_1"]
    returned = episode_record_return(
        episode=episode,
        returned_at=timezone.now(),
        found_by="police",
        actor=actor,
        stayed_with="a friend",
    )
    assert returned.status == EpisodeStatus.RETURNED and returned.stayed_with == "a friend"
    with pytest.raises(ApplicationError) as error:
        episode_record_return(
            episode=returned, returned_at=timezone.now(), found_by="self", actor=actor
        )
    assert error.value.code == INVALID_TRANSITION
    assert error.value.message == "The episode is returned: it cannot now become returned."


def test_return_before_last_seen_is_refused(world):
    episode = world.episodes["a_team1"]
    with pytest.raises(ValidationError) as error:
        episode_record_return(
            episode=episode,
            returned_at=episode.last_seen_at - dt.timedelta(1),
            found_by="self",
            actor=world.users["cmo_a"],
        )
    assert "returned_at" in error.value.error_dict
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.MISSING


def test_regrade_keeps_history_and_client_actor_is_named(world):
    episode = world.episodes["a_team1"]
    episode_regrade(
        episode=episode,
        grade=RiskGrade.HIGH,
        graded_at=timezone.now(),
        actor=ClientActor("Force A system (key abc123)"),
        rationale="Seen with adults",
    )
    assert [g.grade for g in episode.gradings.all()] == [RiskGrade.HIGH, RiskGrade.MEDIUM]
    entry = AuditEntry.objects.filter(verb=AuditVerb.EPISODE_REGRADED).latest("id")
    assert entry.actor is None and entry.actor_label.startswith("Force A system")


def test_regrade_of_a_returned_episode_is_refused(world):
    episode = world.episodes["a_team1"]
    episode_record_return(
        episode=episode, returned_at=timezone.now(), found_by="self", actor=world.users["cmo_a"]
    )
    with pytest.raises(ApplicationError):
        episode_regrade(
            episode=episode,
            grade=RiskGrade.LOW,
            graded_at=timezone.now(),
            actor=world.users["cmo_a"],
        )


def test_location_gets_coordinates_from_the_postcode(world):
    place = location_create(
        actor=world.users["cmo_a"], description="Market square", postcode="ng1 2dt"
    )
    assert place.postcode == "NG1 2DT"
    assert 52.9 < place.latitude < 53.0 and -1.2 < place.longitude < -1.1


def test_unknown_postcode_is_kept_without_coordinates(world):
    place = location_create(actor=world.users["cmo_a"], postcode="ZZ9 9ZZ")
    assert place.latitude is None and place.longitude is None


def test_location_needs_some_description(world):
    with pytest.raises(ValidationError, match="needs a description"):
        location_create(actor=world.users["cmo_a"])


def test_an_episode_cannot_start_inside_an_earlier_one(world):
    child, actor = world.children["a_team1"], world.users["cmo_a"]
    episode = world.episodes["a_team1"]
    returned_at = timezone.now() - dt.timedelta(hours=1)
    episode_record_return(episode=episode, returned_at=returned_at, found_by="self", actor=actor)
    with pytest.raises(ValidationError) as error:
        episode_report(
            child=child,
            actor=actor,
            episode_type="M",
            last_seen_at=returned_at - dt.timedelta(minutes=30),
            reported_at=returned_at,
            reported_by="parent",
            risk=RiskGrade.LOW,
        )
    assert "already missing then" in error.value.message_dict["last_seen_at"][0]
    later = episode_report(
        child=child,
        actor=actor,
        episode_type="M",
        last_seen_at=returned_at + dt.timedelta(minutes=10),
        reported_at=returned_at + dt.timedelta(minutes=20),
        reported_by="parent",
        risk=RiskGrade.LOW,
    )
    assert later.is_open
