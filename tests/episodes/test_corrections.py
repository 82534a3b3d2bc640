"""Correcting an episode and voiding one recorded in error (services): the values change, the
history and the audit keep what was there before, the duties are re-planned; a voided episode
closes its open duties with the reason, leaves every count and list, and stays on the record."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.edits import StaleEdit
from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, DutyEvent, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.duties.services_voided import RECORDED_IN_ERROR
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import EpisodeCorrection
from homesafe.episodes.queries import (
    children_missing_now,
    episodes_for_child,
    episodes_open_visible_to,
    episodes_visible_to,
)
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.episodes.services_corrections import (
    ALREADY_VOIDED,
    EPISODE_VOIDED,
    NOTHING_CHANGED,
    REASON_MISSING,
    RETURN_ONLY,
    VOID_REASON_MISSING,
    episode_correct,
    episode_edit_version,
    episode_void,
)


@pytest.fixture
def reported(world):
    """A child of LA A allocated to sw_1, at school 1, reported missing (high risk) just now."""
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=1))
    child = world.children["a_unallocated"]
    child.allocated_social_worker = world.users["sw_1"]
    child.school = world.orgs["school_1"]
    child.save()
    child.episodes.all().delete()
    now = timezone.now()
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=3),
        reported_at=now - dt.timedelta(hours=2),
        reported_by="parent",
        risk="high",
        police_force=world.orgs["force_a"],
        police_reference="FA-900",
        circumstances="Argument at home",
    )
    return child, episode


def _duty(episode, kind):
    return Duty.objects.get(episode=episode, kind=kind)


def test_a_correction_changes_the_values_keeps_them_before_and_replans(world, reported):
    child, episode = reported
    old_last_seen, old_reported = episode.last_seen_at, episode.reported_at
    due_before = _duty(episode, "escalate_team_manager").due_at
    correction = episode_correct(
        episode=episode,
        changes={
            "last_seen_at": old_last_seen - dt.timedelta(hours=3),
            "reported_at": old_reported - dt.timedelta(hours=3),
            "episode_type": "A",
            "circumstances": "Argument at school",
        },
        reason="The carer gave the times from the day before",
        actor=world.users["cmo_a"],
    )
    episode.refresh_from_db()
    assert episode.last_seen_at == old_last_seen - dt.timedelta(hours=3)
    assert episode.reported_at == old_reported - dt.timedelta(hours=3)
    assert episode.episode_type == "A"
    # The history keeps the values before and after, as the page shows them.
    assert set(correction.changes) == {
        "last_seen_at",
        "reported_at",
        "episode_type",
        "circumstances",
    }
    assert correction.changes["episode_type"] == [
        "Missing",
        "Away from placement without authorisation",
    ]
    assert correction.changes["circumstances"] == ["Argument at home", "Argument at school"]
    assert correction.reason == "The carer gave the times from the day before"
    # The audit keeps before and after of the times and codes; free text by name only.
    entry = AuditEntry.objects.get(verb="episode.corrected")
    assert entry.child_id == child.pk
    assert entry.payload["fields"] == sorted(correction.changes)
    assert entry.payload["before"]["last_seen_at"] == old_last_seen.isoformat()
    assert (
        entry.payload["after"]["reported_at"] == (old_reported - dt.timedelta(hours=3)).isoformat()
    )
    assert entry.payload["before"]["episode_type"] == "M"
    assert "circumstances" not in entry.payload["before"]
    assert "Argument" not in str(entry.payload)
    # Re-planned: the escalation's due time moved with the times.
    escalation = _duty(episode, "escalate_team_manager")
    assert escalation.due_at == due_before - dt.timedelta(hours=3)
    assert escalation.events.filter(kind="replanned").exists()


def test_correcting_the_risk_corrects_the_grading_and_replans(world):
    """A child with no social worker graded high risk needs a strategy meeting; graded medium
    all along, they do not: the correction closes it as not needed."""
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=1))
    child = world.children["a_unallocated"]
    child.episodes.all().delete()
    now = timezone.now()
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=3),
        reported_at=now - dt.timedelta(hours=2),
        reported_by="parent",
        risk="high",
    )
    assert _duty(episode, "strategy_meeting").state == DutyState.OPEN
    correction = episode_correct(
        episode=episode,
        changes={"risk": "medium"},
        reason="Graded medium by the police; high was a slip",
        actor=world.users["cmo_a"],
    )
    assert correction.changes == {"risk": ["High", "Medium"]}
    assert list(episode.gradings.values_list("grade", flat=True)) == ["medium"]
    assert _duty(episode, "strategy_meeting").state == DutyState.NOT_NEEDED
    entry = AuditEntry.objects.get(verb="episode.corrected")
    assert (entry.payload["before"], entry.payload["after"]) == (
        {"risk": "high"},
        {"risk": "medium"},
    )


def test_correcting_a_concern_plans_and_closes_its_duty(world, reported):
    _, episode = reported
    assert not Duty.objects.filter(episode=episode, kind="consider_nrm").exists()
    episode_correct(
        episode=episode,
        changes={"trafficking_concern": True},
        reason="The carer said he was moved between addresses",
        actor=world.users["sw_1"],
    )
    assert _duty(episode, "consider_nrm").state == DutyState.OPEN
    episode_correct(
        episode=episode,
        changes={"trafficking_concern": False},
        reason="Ticked on the wrong episode",
        actor=world.users["sw_1"],
    )
    assert _duty(episode, "consider_nrm").state == DutyState.NOT_NEEDED


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_names_the_field_and_changes_nothing(world, reported, reason):
    _, episode = reported
    before = episode.last_seen_at
    with pytest.raises(ValidationError) as error:
        episode_correct(
            episode=episode,
            changes={"last_seen_at": before - dt.timedelta(hours=1)},
            reason=reason,
            actor=world.users["cmo_a"],
        )
    assert error.value.message_dict == {"reason": [REASON_MISSING]}
    episode.refresh_from_db()
    assert episode.last_seen_at == before
    assert not EpisodeCorrection.objects.exists()
    assert not AuditEntry.objects.filter(verb="episode.corrected").exists()


def test_a_correction_that_changes_nothing_is_refused(world, reported):
    _, episode = reported
    with pytest.raises(ValidationError) as error:
        episode_correct(
            episode=episode,
            changes={"episode_type": "M", "risk": "high"},
            reason="Checking",
            actor=world.users["cmo_a"],
        )
    assert error.value.messages == [NOTHING_CHANGED]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reported_at": "before_last_seen"}, "reported_at"),
        ({"last_seen_at": "future"}, "last_seen_at"),
        ({"returned_at": "now"}, "returned_at"),  # the child has not returned
        ({"risk": "sky_high"}, "risk"),
        ({"police_reference": "REF-a_team1"}, "police_reference"),  # another episode's
    ],
)
def test_bad_corrections_name_the_field(world, reported, changes, field):
    _, episode = reported
    now = timezone.now()
    values = {
        "before_last_seen": episode.last_seen_at - dt.timedelta(minutes=1),
        "future": now + dt.timedelta(hours=1),
        "now": now,
    }
    changes = {name: values.get(value, value) for name, value in changes.items()}
    with pytest.raises(ValidationError) as error:
        episode_correct(episode=episode, changes=changes, reason="Fix", actor=world.users["cmo_a"])
    assert list(error.value.message_dict) == [field]
    if field == "returned_at":
        assert error.value.message_dict[field] == [RETURN_ONLY]


def test_a_correction_may_not_overlap_another_episode(world, reported):
    child, episode = reported
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(hours=1),
        found_by="police",
        actor=world.users["cmo_a"],
    )
    later = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=timezone.now() - dt.timedelta(minutes=30),
        reported_at=timezone.now() - dt.timedelta(minutes=20),
        reported_by="parent",
        risk="low",
    )
    with pytest.raises(ValidationError) as error:
        episode_correct(
            episode=later,
            changes={"last_seen_at": timezone.now() - dt.timedelta(hours=2, minutes=30)},
            reason="Earlier than we thought",
            actor=world.users["cmo_a"],
        )
    assert "already missing" in error.value.message_dict["last_seen_at"][0]


def test_a_correction_on_an_old_version_is_refused_naming_the_fields(world, reported):
    _, episode = reported
    seen = episode_edit_version(episode)
    episode_correct(
        episode=episode, changes={"risk": "medium"}, reason="Slip", actor=world.users["cmo_a"]
    )
    with pytest.raises(StaleEdit) as stale:
        episode_correct(
            episode=episode,
            changes={"episode_type": "A"},
            reason="Away, not missing",
            actor=world.users["sw_1"],
            version=seen,
        )
    assert stale.value.fields == ["risk"]
    episode.refresh_from_db()
    assert episode.episode_type == "M"
    episode_correct(
        episode=episode,
        changes={"episode_type": "A"},
        reason="Away, not missing",
        actor=world.users["sw_1"],
        version=stale.value.version,
    )
    episode.refresh_from_db()
    assert episode.episode_type == "A"


def test_a_return_can_be_corrected_once_recorded(world, reported):
    _, episode = reported
    returned_at = timezone.now() - dt.timedelta(hours=1)
    episode_record_return(
        episode=episode, returned_at=returned_at, found_by="police", actor=world.users["cmo_a"]
    )
    rhi_due = _duty(episode, "rhi_offer").due_at
    episode_correct(
        episode=episode,
        changes={"returned_at": returned_at - dt.timedelta(minutes=30), "found_by": "self"},
        reason="She came home herself, earlier",
        actor=world.users["cmo_a"],
    )
    episode.refresh_from_db()
    assert (episode.returned_at, episode.found_by) == (
        returned_at - dt.timedelta(minutes=30),
        "self",
    )
    assert _duty(episode, "rhi_offer").due_at == rhi_due - dt.timedelta(minutes=30)


def test_void_closes_open_duties_with_the_reason_and_leaves_every_list(world, reported):
    child, episode = reported
    cmo = world.users["cmo_a"]
    done = _duty(episode, "notify_social_worker")
    done.state, done.closed_at = DutyState.DONE, timezone.now()
    done.save()
    open_before = set(
        Duty.objects.filter(episode=episode, state=DutyState.OPEN).values_list("pk", flat=True)
    )
    assert open_before
    assert child.pk in children_missing_now(child_ids=[child.pk])

    episode_void(episode=episode, reason="Wrong child chosen: it was her sister", actor=cmo)

    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.VOIDED
    assert (episode.voided_by, episode.void_reason) == (
        cmo,
        "Wrong child chosen: it was her sister",
    )
    note = RECORDED_IN_ERROR.format(reason="Wrong child chosen: it was her sister")
    closed = Duty.objects.filter(pk__in=open_before)
    assert {(d.state, d.closing_note, d.closed_by_id) for d in closed} == {
        (DutyState.NOT_NEEDED, note, cmo.pk)
    }
    assert DutyEvent.objects.filter(duty__in=closed, kind="marked_not_needed").count() == len(
        open_before
    )
    done.refresh_from_db()
    assert done.state == DutyState.DONE  # what was done stays done
    # Off "missing now", the open list and every list; still on the child's record.
    assert children_missing_now(child_ids=[child.pk]) == set()
    assert episode not in episodes_open_visible_to(user=cmo)
    assert episode not in episodes_visible_to(user=cmo)
    assert episode in episodes_visible_to(user=cmo, include_voided=True)
    assert episode in episodes_for_child(child=child)
    entry = AuditEntry.objects.get(verb="episode.voided")
    assert entry.payload == {"previous_status": "missing", "duties_closed": sorted(open_before)}
    # Nothing is planned again for it, and the child can be reported missing anew.
    from homesafe.duties.services import duties_replan

    duties_replan(child_ids=[child.pk])
    assert not Duty.objects.filter(episode=episode, state=DutyState.OPEN).exists()
    again = episode_report(
        child=child,
        actor=cmo,
        episode_type="M",
        last_seen_at=episode.last_seen_at,
        reported_at=episode.reported_at,
        reported_by="parent",
        risk="medium",
    )
    assert Duty.objects.filter(episode=again, state=DutyState.OPEN).exists()


def test_a_voided_episode_no_longer_counts_towards_repeats(world, reported):
    """The protocol's facts leave it out: three episodes in 90 days set off the repeat meeting;
    voiding one of them closes it."""
    child, first = reported
    cmo = world.users["cmo_a"]
    now = timezone.now()
    episode_record_return(
        episode=first, returned_at=now - dt.timedelta(minutes=100), found_by="self", actor=cmo
    )
    second = episode_report(
        child=child,
        actor=cmo,
        episode_type="M",
        last_seen_at=now - dt.timedelta(minutes=90),
        reported_at=now - dt.timedelta(minutes=85),
        reported_by="parent",
        risk="low",
    )
    episode_record_return(
        episode=second, returned_at=now - dt.timedelta(minutes=60), found_by="self", actor=cmo
    )
    third = episode_report(
        child=child,
        actor=cmo,
        episode_type="M",
        last_seen_at=now - dt.timedelta(minutes=30),
        reported_at=now - dt.timedelta(minutes=25),
        reported_by="parent",
        risk="low",
    )
    repeat = Duty.objects.filter(episode=third, kind="repeat_meeting")
    assert repeat.get().state == DutyState.OPEN
    episode_void(episode=second, reason="Recorded twice", actor=cmo)
    assert repeat.get().state == DutyState.NOT_NEEDED


def test_void_needs_a_reason_and_happens_once(world, reported):
    _, episode = reported
    with pytest.raises(ValidationError) as error:
        episode_void(episode=episode, reason=" ", actor=world.users["cmo_a"])
    assert error.value.message_dict == {"reason": [VOID_REASON_MISSING]}
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.MISSING
    episode_void(episode=episode, reason="Duplicate", actor=world.users["cmo_a"])
    with pytest.raises(ApplicationError) as again:
        episode_void(episode=episode, reason="Duplicate", actor=world.users["cmo_a"])
    assert again.value.message == ALREADY_VOIDED
    with pytest.raises(ApplicationError) as corrected:
        episode_correct(
            episode=episode, changes={"risk": "low"}, reason="x", actor=world.users["cmo_a"]
        )
    assert corrected.value.message == EPISODE_VOIDED


def test_a_voided_episode_opens_nothing_to_the_force_that_reported_it(world):
    """Recorded in error may mean the wrong child: the force's episode no longer shows it."""
    from homesafe.access.policy import can_view_child
    from homesafe.people.queries import children_visible_to

    child = world.children["b_reported_to_force_a"]
    police = world.users["police_a"]
    assert can_view_child(police, child)
    episode_void(
        episode=world.episodes["b_reported_to_force_a"],
        reason="Not this child",
        actor=world.users["cmo_b"],
    )
    child.refresh_from_db()
    assert not can_view_child(police, child)
    assert child not in children_visible_to(user=police)


def test_a_voided_return_does_not_block_a_new_report_at_that_time(world, reported):
    """Voiding a wrongly recorded episode frees its time: the real one can be reported."""
    child, episode = reported
    cmo = world.users["cmo_a"]
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(minutes=10),
        found_by="self",
        actor=cmo,
    )
    episode_void(episode=episode, reason="Entered on the wrong child", actor=cmo)
    again = episode_report(
        child=child,
        actor=cmo,
        episode_type="M",
        last_seen_at=episode.last_seen_at + dt.timedelta(minutes=5),
        reported_at=episode.reported_at,
        reported_by="parent",
        risk="low",
    )
    assert again.status == EpisodeStatus.MISSING


def test_police_events_for_a_voided_episode_leave_it_voided(world):
    """The force's later events still find the episode by its reference, and change nothing
    that counts: a re-grading is refused, a found event is noted as the episode having ended."""
    from homesafe.access.audit import ClientActor
    from homesafe.intake.choices import EventOutcome
    from homesafe.intake.services import police_event_receive

    episode = world.episodes["a_team1"]  # Force A, reference REF-a_team1
    episode_void(episode=episode, reason="Recorded twice", actor=world.users["cmo_a"])
    actor = ClientActor("api:FA:test")
    now = timezone.now()
    regraded = police_event_receive(
        force=world.orgs["force_a"],
        event_type="risk_regraded",
        police_reference="REF-a_team1",
        event_id="e1",
        occurred_at=now,
        payload={"risk": "high"},
        actor=actor,
    )
    found = police_event_receive(
        force=world.orgs["force_a"],
        event_type="found",
        police_reference="REF-a_team1",
        event_id="e2",
        occurred_at=now,
        payload={"found_by": "police"},
        actor=actor,
    )
    assert regraded.event.outcome == EventOutcome.REJECTED
    assert found.event.episode_id == episode.pk
    episode.refresh_from_db()
    assert (episode.status, episode.returned_at) == (EpisodeStatus.VOIDED, None)
    assert list(episode.gradings.values_list("grade", flat=True)) == ["medium"]


def test_signs_of_planning_in_another_order_are_no_change_and_none_clear_planned(world, reported):
    _, episode = reported
    cmo = world.users["cmo_a"]
    episode.pre_planned_indicators, episode.pre_planned = ["took_money", "bag_packed"], True
    episode.save()
    correction = episode_correct(
        episode=episode,
        changes={"pre_planned_indicators": ["bag_packed", "took_money"], "episode_type": "A"},
        reason="Away",
        actor=cmo,
    )
    assert list(correction.changes) == ["episode_type"]
    correction = episode_correct(
        episode=episode, changes={"pre_planned_indicators": []}, reason="No bag", actor=cmo
    )
    assert correction.changes == {
        "pre_planned_indicators": ["Packed a bag or took belongings, Took money or bank cards", ""]
    }
    episode.refresh_from_db()
    assert (episode.pre_planned, episode.pre_planned_indicators) == (False, [])
