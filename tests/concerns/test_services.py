"""Services for persons and places of concern, disruption and legal actions: validation,
audit without personal data, and the duties they close."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.concerns import services as s
from homesafe.concerns.models import DisruptionAction, LegalAction, PersonOfConcern
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.episodes.choices import LocationKind
from homesafe.people.services import care_period_start
from tests.concerns.conftest import open_episode

TODAY = dt.date.today


def test_recording_a_person_links_them_and_audits_ids_only(world, dee):
    assert [link.child for link in dee.links.order_by("pk")] == [
        world.children["a_team1"],
        world.children["b_only"],
    ]
    entries = AuditEntry.objects.filter(verb__startswith="concern.")
    assert {e.verb for e in entries} == {"concern.person_recorded", "concern.person_linked"}
    dumped = json.dumps([e.payload for e in entries])
    assert "Dee" not in dumped and "Big D" not in dumped and "beard" not in dumped


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": " "}, "name", s.NAME_MISSING),
        (
            {"date_of_birth": dt.date(1990, 1, 1), "approximate_age": 30},
            "approximate_age",
            s.DOB_AND_AGE,
        ),
        ({"approximate_age": 2}, "approximate_age", s.AGE_RANGE),
        ({"date_of_birth": dt.date(2999, 1, 1)}, "date_of_birth", s.DOB_IN_FUTURE),
    ],
)
def test_a_person_with_bad_details_is_refused_whole(world, data, field, message):
    with pytest.raises(ValidationError) as error:
        s.person_of_concern_record(
            child=world.children["a_team1"], actor=world.users["cmo_a"], **{"name": "X", **data}
        )
    assert error.value.message_dict[field] == [message]
    assert not PersonOfConcern.objects.exists()


def test_an_episode_of_another_child_is_refused(world):
    with pytest.raises(ValidationError) as error:
        s.person_of_concern_record(
            child=world.children["a_team1"],
            actor=world.users["cmo_a"],
            name="X",
            episode=world.episodes["a_team2"],
        )
    assert error.value.message_dict == {"episode": [s.EPISODE_NOT_CHILDS]}
    assert not PersonOfConcern.objects.exists()


def test_a_location_of_concern_is_an_address_of_concern(world):
    link = s.location_of_concern_record(
        child=world.children["a_team1"],
        actor=world.users["police_a"],
        kind="stayed_with",
        description="Flat above the takeaway",
        address="1 High Street",
        episode=world.episodes["a_team1"],
    )
    assert link.location.kind == LocationKind.ADDRESS_OF_CONCERN
    assert link.episode == world.episodes["a_team1"]
    with pytest.raises(ValidationError) as error:
        s.location_of_concern_record(child=world.children["a_team1"], actor=world.users["cmo_a"])
    assert error.value.message_dict == {"description": [s.PLACE_MISSING]}


def test_a_cawn_is_against_a_linked_person(world, dee):
    child = world.children["a_team1"]
    args = {"child": child, "actor": world.users["police_a"], "agency": world.orgs["force_a"]}
    with pytest.raises(ValidationError) as error:
        s.disruption_record(kind="cawn", taken_on=TODAY(), **args)
    assert error.value.message_dict == {"person": [s.PERSON_NEEDED]}
    stranger = PersonOfConcern.objects.create(name="Not linked")
    with pytest.raises(ValidationError) as error:
        s.disruption_record(kind="arrest", taken_on=TODAY(), person=stranger, **args)
    assert error.value.message_dict == {"person": [s.PERSON_NOT_LINKED]}
    with pytest.raises(ValidationError) as error:
        s.disruption_record(kind="other", taken_on=TODAY() + dt.timedelta(days=2), **args)
    assert set(error.value.message_dict) == {"kind_other", "taken_on"}
    assert not DisruptionAction.objects.exists()
    action = s.disruption_record(
        kind="cawn", taken_on=TODAY(), person=dee, outcome="Served at the address", **args
    )
    entry = AuditEntry.objects.get(verb="concern.disruption_recorded")
    assert entry.payload["person_id"] == dee.pk and "Served" not in json.dumps(entry.payload)
    assert action.child == child


def test_nrm_decisions_follow_the_rules(world):
    child = world.children["a_team1"]
    applied = TODAY() - dt.timedelta(days=20)
    base = {
        "child": child,
        "actor": world.users["cmo_a"],
        "kind": "nrm_referral",
        "applied_on": applied,
    }
    with pytest.raises(ValidationError) as error:
        s.legal_action_record(**base, conclusive_grounds="positive", conclusive_grounds_on=TODAY())
    assert error.value.message_dict["conclusive_grounds"] == [s.CONCLUSIVE_NEEDS_POSITIVE]
    with pytest.raises(ValidationError) as error:
        s.legal_action_record(**base, reasonable_grounds="positive")
    assert error.value.message_dict == {"reasonable_grounds_on": [s.DECISION_DATE_MISSING]}
    with pytest.raises(ValidationError) as error:
        s.legal_action_record(**base, granted_on=TODAY())
    assert error.value.message_dict == {"granted_on": [s.GRANT_ONLY_ORDERS]}
    assert not LegalAction.objects.exists()
    action = s.legal_action_record(**base)
    s.legal_action_record_decisions(
        action=action,
        actor=world.users["cmo_a"],
        reasonable_grounds="positive",
        reasonable_grounds_on=applied + dt.timedelta(days=4),
    )
    with pytest.raises(ValidationError) as error:
        s.legal_action_record_decisions(
            action=action,
            actor=world.users["cmo_a"],
            reasonable_grounds="positive",
            reasonable_grounds_on=applied + dt.timedelta(days=4),
            conclusive_grounds="negative",
            conclusive_grounds_on=applied + dt.timedelta(days=2),
        )
    assert error.value.message_dict == {"conclusive_grounds_on": [s.CONCLUSIVE_BEFORE_REASONABLE]}
    action.refresh_from_db()
    assert action.conclusive_grounds == "" and action.reasonable_grounds == "positive"


def test_a_recovery_order_cannot_be_granted_before_it_was_applied_for(world):
    with pytest.raises(ValidationError) as error:
        s.legal_action_record(
            child=world.children["a_team1"],
            actor=world.users["cmo_a"],
            kind="recovery_order",
            applied_on=TODAY(),
            granted_on=TODAY() - dt.timedelta(days=1),
        )
    assert error.value.message_dict == {"granted_on": [s.GRANTED_BEFORE_APPLIED]}


def test_a_recovery_order_application_closes_consider_recovery_order(world):
    child = world.children["a_team1"]
    episode = open_episode(world, child, hours_ago=30)
    care_period_start(
        child=child,
        legal_status="care_order",
        placing_la=world.orgs["la_a"],
        started_on=timezone.localdate() - dt.timedelta(days=200),
        actor=world.users["cmo_a"],
    )
    duty = Duty.objects.get(episode=episode, kind="consider_recovery_order")
    assert duty.state == DutyState.OPEN
    s.legal_action_record(
        child=child,
        actor=world.users["cmo_a"],
        kind="recovery_order",
        applied_on=timezone.localdate(),
        episode=episode,
    )
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE


def test_an_nrm_referral_closes_consider_nrm(world):
    child = world.children["a_team1"]
    episode = open_episode(world, child, hours_ago=30, trafficking_concern=True)
    duty = Duty.objects.get(episode=episode, kind="consider_nrm")
    assert duty.state == DutyState.OPEN
    s.legal_action_record(
        child=child,
        actor=world.users["police_a"],
        kind="nrm_referral",
        applied_on=timezone.localdate(),
        episode=episode,
    )
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE
