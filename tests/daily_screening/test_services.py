"""screening_decision_record: a decision on one notification, with who and when, audited; a new
decision supersedes the old one (kept); 'other' needs a note; only notifications that exist."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.daily_screening.choices import NotificationKind, ScreeningOutcome
from homesafe.daily_screening.models import ScreeningDecision
from homesafe.daily_screening.services import (
    DECISION_REQUIRED,
    NOT_A_COORDINATOR,
    NOTE_REQUIRED,
    screening_decision_record,
)
from tests.daily_screening.conftest import new_child, report, returned


def test_decision_is_recorded_with_who_and_when_and_audited(world, protocol):
    episode = report(world, new_child(world))
    cmo = world.users["cmo_a"]
    before = timezone.now()
    decision = screening_decision_record(
        episode=episode, decision=ScreeningOutcome.STRATEGY_DISCUSSION, note="", actor=cmo
    )
    decision.refresh_from_db()
    assert decision.notification == NotificationKind.MISSING
    assert decision.decision == "strategy_discussion"
    assert decision.decided_by == cmo and decision.decided_at >= before
    assert decision.is_current
    entry = AuditEntry.objects.get(verb=AuditVerb.SCREENING_DECISION_RECORDED)
    assert entry.actor == cmo and entry.child_id == episode.child_id
    assert entry.target_id == str(decision.pk)
    assert entry.payload == {
        "episode_id": episode.pk,
        "notification": "missing",
        "decision": "strategy_discussion",
        "supersedes": None,
    }


def test_deciding_again_supersedes_and_keeps_the_earlier_decision(world, protocol):
    episode = report(world, new_child(world))
    first = screening_decision_record(
        episode=episode, decision="no_further_action", note="", actor=world.users["cmo_a"]
    )
    second = screening_decision_record(
        episode=episode,
        decision="mace_referral",
        note="Seen with an older male",
        actor=world.users["cmo_a"],
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and first.superseded_at <= second.decided_at
    assert second.is_current and second.note == "Seen with an older male"
    history = list(
        ScreeningDecision.objects.filter(episode=episode).values_list("decision", flat=True)
    )
    assert history == ["no_further_action", "mace_referral"]
    entry = (
        AuditEntry.objects.filter(verb=AuditVerb.SCREENING_DECISION_RECORDED).order_by("pk").last()
    )
    assert entry.payload["supersedes"] == first.pk


def test_missing_and_found_are_decided_apart(world, protocol):
    episode = report(world, new_child(world))
    returned(world, episode, at=timezone.now() - dt.timedelta(minutes=30))
    cmo = world.users["cmo_a"]
    screening_decision_record(episode=episode, decision="no_further_action", actor=cmo)
    screening_decision_record(
        episode=episode, decision="mace_referral", actor=cmo, notification=NotificationKind.FOUND
    )
    current = dict(
        ScreeningDecision.objects.filter(episode=episode, superseded_at__isnull=True).values_list(
            "notification", "decision"
        )
    )
    assert current == {"missing": "no_further_action", "found": "mace_referral"}


def test_other_needs_a_note_and_a_decision_is_one_of_the_codes(world, protocol):
    episode = report(world, new_child(world))
    cmo = world.users["cmo_a"]
    with pytest.raises(ValidationError) as error:
        screening_decision_record(episode=episode, decision="other", note="  ", actor=cmo)
    assert error.value.message_dict == {"note": [NOTE_REQUIRED]}
    with pytest.raises(ValidationError) as error:
        screening_decision_record(episode=episode, decision="shrug", actor=cmo)
    assert error.value.message_dict == {"decision": [DECISION_REQUIRED]}
    assert not ScreeningDecision.objects.exists()
    other = screening_decision_record(
        episode=episode, decision="other", note="Discussed with the SW", actor=cmo
    )
    assert other.note == "Discussed with the SW"


def test_the_database_holds_other_has_a_note_and_one_current_decision(world, protocol):
    episode = report(world, new_child(world))
    cmo = world.users["cmo_a"]
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningDecision.objects.create(
            episode=episode, notification="missing", decision="other", note="", decided_by=cmo
        )
    ScreeningDecision.objects.create(
        episode=episode, notification="missing", decision="no_further_action", decided_by=cmo
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningDecision.objects.create(
            episode=episode, notification="missing", decision="mace_referral", decided_by=cmo
        )


def test_a_found_decision_needs_a_return_and_a_correction_decision_a_correction(world, protocol):
    episode = report(world, new_child(world))
    cmo = world.users["cmo_a"]
    for kind in (NotificationKind.FOUND, NotificationKind.TIME_CORRECTED):
        with pytest.raises(ApplicationError) as error:
            screening_decision_record(
                episode=episode, decision="no_further_action", actor=cmo, notification=kind
            )
        assert error.value.code == "no_such_notification"
    assert not ScreeningDecision.objects.exists()


@pytest.mark.parametrize("user_key", ["sw_1", "tm_1", "sl_a", "police_a"])
def test_only_a_missing_coordinator_decides(world, protocol, user_key):
    episode = report(world, new_child(world))
    with pytest.raises(ApplicationError, match=NOT_A_COORDINATOR):
        screening_decision_record(
            episode=episode, decision="no_further_action", actor=world.users[user_key]
        )
    assert not ScreeningDecision.objects.exists()
