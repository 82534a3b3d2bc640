"""The search's services: validation, audit without personal data, police sightings from the
API's events becoming sightings, and what the return does to publicity."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import ClientActor
from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.access.times import IN_FUTURE
from homesafe.episodes.services import episode_record_return
from homesafe.locate import services as s
from homesafe.locate.models import LocateAction, Publicity, SafeAndWellCheck, Sighting
from homesafe.locate.queries import episode_search


def _hours(n):
    return timezone.now() - dt.timedelta(hours=n)


def _return(world, key="a_team1", hours_ago=1):
    episode = world.episodes[key]
    return episode_record_return(
        episode=episode,
        returned_at=_hours(hours_ago),
        found_by="police",
        actor=world.users["cmo_a"],
    )


def test_a_sighting_is_recorded_with_its_place_and_coordinates(world):
    episode = world.episodes["a_team1"]
    sighting = s.sighting_record(
        episode=episode,
        actor=world.users["school_1"],
        seen_at=_hours(2),
        source="school",
        kind="sighting",
        place="Outside the school gates",
        postcode="SW1A 1AA",
        source_detail="Head of year",
        note="Seen with two older boys",
    )
    assert sighting.child_id == episode.child_id
    assert sighting.recorded_by_organisation == world.orgs["school_1"]
    assert sighting.location.postcode == "SW1A 1AA"
    assert sighting.location.latitude == pytest.approx(51.50, abs=0.02)
    entry = AuditEntry.objects.get(verb="locate.sighting_recorded")
    assert entry.child_id == episode.child_id and entry.payload["episode_id"] == episode.pk
    dumped = json.dumps(entry.payload)
    assert "gates" not in dumped and "older boys" not in dumped and "Head" not in dumped


@pytest.mark.parametrize(
    ("seen", "message"),
    [(-2, IN_FUTURE), (7, s.BEFORE_LAST_SEEN)],  # world episodes: last seen 6 hours ago
)
def test_a_sighting_outside_the_episode_is_refused(world, seen, message):
    with pytest.raises(ValidationError) as error:
        s.sighting_record(
            episode=world.episodes["a_team1"],
            actor=world.users["cmo_a"],
            seen_at=_hours(seen),
            source="public",
        )
    assert error.value.message_dict["seen_at"] == [message]
    assert not Sighting.objects.exists()


def test_a_sighting_after_the_return_is_refused(world):
    episode = _return(world, hours_ago=3)
    with pytest.raises(ValidationError) as error:
        s.sighting_record(
            episode=episode, actor=world.users["cmo_a"], seen_at=_hours(1), source="police"
        )
    assert error.value.message_dict["seen_at"] == [s.AFTER_RETURN]


def test_a_police_system_sighting_names_the_system(world):
    sighting = s.sighting_record(
        episode=world.episodes["a_team1"],
        actor=ClientActor(label="api:FA:abc"),
        seen_at=_hours(1),
        source="police",
        place="Park",
    )
    assert sighting.recorded_by is None and sighting.recorded_by_label == "api:FA:abc"


def test_locate_actions_are_added_and_done_with_an_outcome(world):
    episode = world.episodes["a_team1"]
    action = s.locate_action_add(
        episode=episode,
        actor=world.users["sw_1"],
        kind="place_to_check",
        description="Check the friend's flat on Mill Road",
        owner_organisation=world.orgs["force_a"],
    )
    assert not action.is_done
    with pytest.raises(ValidationError) as error:
        s.locate_action_record_outcome(action=action, actor=world.users["police_a"], outcome=" ")
    assert error.value.message_dict["outcome"] == [s.OUTCOME_MISSING]
    s.locate_action_record_outcome(
        action=action, actor=world.users["police_a"], outcome="Checked: not there"
    )
    action.refresh_from_db()
    assert action.is_done and action.done_by == world.users["police_a"]
    with pytest.raises(ApplicationError) as refused:
        s.locate_action_record_outcome(action=action, actor=world.users["police_a"], outcome="x")
    assert refused.value.message == s.ALREADY_DONE
    verbs = list(
        AuditEntry.objects.filter(verb__startswith="locate.action")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["locate.action_added", "locate.action_done"]
    assert "Mill Road" not in json.dumps([e.payload for e in AuditEntry.objects.all()])


def test_an_action_needs_a_description_and_an_agency(world):
    with pytest.raises(ValidationError) as error:
        s.locate_action_add(
            episode=world.episodes["a_team1"],
            actor=world.users["sw_1"],
            kind="phone_check",
            description="",
            owner_organisation=None,
        )
    assert error.value.message_dict == {
        "description": [s.DESCRIPTION_MISSING],
        "owner_organisation": [s.OWNER_MISSING],
    }


def test_no_action_is_added_once_the_child_returned(world):
    episode = _return(world)
    with pytest.raises(ApplicationError) as error:
        s.locate_action_add(
            episode=episode,
            actor=world.users["sw_1"],
            kind="phone_check",
            description="Ring the phone",
            owner_organisation=world.orgs["la_a"],
        )
    assert error.value.code == "episode_closed"
    assert not LocateAction.objects.exists()


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"decision": "approved"},
            {
                "approved_by": [s.APPROVED_BY_MISSING],
                "channels": [s.CHANNELS_MISSING],
                "consent": [s.CONSENT_MISSING],
            },
        ),
        ({"decision": "not_approved"}, {"reasons": [s.REASONS_MISSING]}),
    ],
)
def test_publicity_needs_its_particulars(world, data, errors):
    with pytest.raises(ValidationError) as error:
        s.publicity_record(
            episode=world.episodes["a_team1"],
            actor=world.users["sw_1"],
            decided_at=_hours(1),
            **data,
        )
    assert error.value.message_dict == errors
    assert not Publicity.objects.exists()


def test_approved_publicity_is_to_be_withdrawn_once_the_child_returns(world):
    episode = world.episodes["a_team1"]
    publicity = s.publicity_record(
        episode=episode,
        actor=world.users["sw_1"],
        decided_at=_hours(3),
        decision="approved",
        approved_by="Insp. Grey, duty inspector",
        channels=["police_social_media", "posters"],
        consent="local_authority",
    )
    user = world.users["sw_1"]
    assert episode_search(user=user, episode=episode).publicity_to_withdraw == []
    episode = _return(world, hours_ago=1)
    search = episode_search(user=user, episode=episode)
    assert search.publicity_to_withdraw == [publicity]
    s.publicity_withdraw(publicity=publicity, actor=world.users["police_a"])
    assert episode_search(user=user, episode=episode).publicity_to_withdraw == []
    with pytest.raises(ApplicationError) as error:
        s.publicity_withdraw(publicity=publicity, actor=world.users["police_a"])
    assert error.value.code == "publicity_not_live"
    assert AuditEntry.objects.filter(verb="locate.publicity_withdrawn").count() == 1


def test_missing_people_and_the_ukmpu_contacts_are_recorded(world):
    episode = world.episodes["a_team1"]
    contact = s.missing_agency_contact_record(
        episode=episode,
        actor=world.users["sw_1"],
        agency="missing_people",
        contacted_at=_hours(1),
        reference="MP-123",
    )
    assert contact.reference == "MP-123"
    entry = AuditEntry.objects.get(verb="locate.agency_contacted")
    assert entry.payload == {"episode_id": episode.pk, "agency": "missing_people"}
    with pytest.raises(ValidationError) as error:
        s.missing_agency_contact_record(
            episode=episode,
            actor=world.users["sw_1"],
            agency="uk_missing_persons_unit",
            contacted_at=_hours(-3),
        )
    assert error.value.message_dict["contacted_at"] == [IN_FUTURE]


def test_the_safe_and_well_check_follows_the_return_once(world):
    episode = world.episodes["a_team1"]
    police = world.users["police_a"]
    with pytest.raises(ApplicationError) as error:
        s.safe_and_well_record(episode=episode, actor=police, held_at=_hours(1), findings="Fine")
    assert error.value.message == s.EPISODE_NOT_RETURNED
    episode = _return(world, hours_ago=2)
    with pytest.raises(ValidationError) as invalid:
        s.safe_and_well_record(episode=episode, actor=police, held_at=_hours(3), findings="")
    assert invalid.value.message_dict == {
        "held_at": [s.BEFORE_RETURN],
        "findings": [s.FINDINGS_MISSING],
    }
    check = s.safe_and_well_record(
        episode=episode,
        actor=police,
        held_at=_hours(1),
        findings="Stayed with a friend; no harm disclosed",
        officer="PC 1234",
    )
    assert check.police_force == world.orgs["force_a"]
    with pytest.raises(ApplicationError) as again:
        s.safe_and_well_record(episode=episode, actor=police, held_at=_hours(1), findings="x")
    assert again.value.code == "safe_and_well_recorded"
    assert SafeAndWellCheck.objects.count() == 1
    entry = AuditEntry.objects.get(verb="locate.safe_and_well")
    assert "friend" not in json.dumps(entry.payload)


def test_nothing_is_recorded_against_an_episode_recorded_in_error(world):
    from homesafe.episodes.services_corrections import episode_void

    episode = episode_void(
        episode=world.episodes["a_team1"], reason="Wrong child", actor=world.users["cmo_a"]
    )
    with pytest.raises(ApplicationError) as error:
        s.sighting_record(
            episode=episode, actor=world.users["cmo_a"], seen_at=_hours(1), source="police"
        )
    assert error.value.code == "episode_voided"
