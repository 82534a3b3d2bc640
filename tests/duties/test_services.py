"""Stored duties follow the protocol engine: recomputing twice changes nothing, done duties stay
done, duties no longer called for are closed with the reason, settings changes re-plan only
open duties, and the sweep reserves each owner's reminder once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from homesafe.duties.choices import DutyEventKind, DutyState, ReminderState
from homesafe.duties.models import Duty, DutyEvent, ProtocolVersion, Reminder
from homesafe.duties.protocol import protocol_current
from homesafe.duties.reminders import duties_sweep
from homesafe.duties.services import (
    duties_replan,
    duty_complete,
    duty_mark_not_needed,
    protocol_settings_save,
)
from homesafe.episodes.services import episode_record_return, episode_report


@pytest.fixture
def reported(world):
    """A looked-after-style child of LA A, allocated to sw_1, at school 1, reported missing now."""
    protocol_current()  # the defaults come into force before the report
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
    )
    return child, episode


def _snapshot(child):
    return sorted(
        (d.episode_id, d.kind, d.state, d.due_at, d.owner_user_id, d.owner_organisation_id)
        for d in Duty.objects.filter(child=child)
    )


def test_a_report_plans_duties_for_the_right_owners(world, reported):
    child, episode = reported
    duties = {d.kind: d for d in Duty.objects.filter(episode=episode)}
    assert {"notify_social_worker", "notify_school", "high_risk_alert"} <= set(duties)
    # Whoever must act owns the duty; whoever must be told is named as told (issue 13).
    assert duties["notify_social_worker"].owner_role == "missing_coordinator"
    assert duties["notify_social_worker"].owner_organisation == world.orgs["la_a"]
    assert duties["notify_social_worker"].told_user == world.users["sw_1"]
    assert duties["notify_school"].owner_organisation == world.orgs["la_a"]
    assert duties["notify_school"].told_organisation == world.orgs["school_1"]
    assert duties["notify_school"].tells_role == "school"
    assert duties["strategy_meeting"].owner_user == world.users["sw_1"]
    # The social worker and the school have HomeSafe users: HomeSafe told them itself, and
    # those notifications are done by that; the rest are open.
    for kind, told in (("notify_social_worker", ["sw_1"]), ("notify_school", ["school_1"])):
        duty = duties[kind]
        assert duty.state == DutyState.DONE and duty.told_at is not None, kind
        assert sorted(n.recipient.username for n in duty.notices.all()) == sorted(
            world.users[key].username for key in told
        )
    assert all(
        d.state == DutyState.OPEN
        for d in duties.values()
        if d.kind not in ("notify_social_worker", "notify_school", "high_risk_alert")
    )
    assert all(d.protocol_version == protocol_current()[0].version for d in duties.values())
    assert DutyEvent.objects.filter(
        duty__episode=episode, kind=DutyEventKind.PLANNED
    ).count() == len(duties)


def test_recomputing_twice_changes_nothing(world, reported):
    child, _ = reported
    before, events = _snapshot(child), DutyEvent.objects.count()
    duties_replan(child_ids=[child.pk])
    duties_replan(child_ids=[child.pk])
    assert _snapshot(child) == before
    assert DutyEvent.objects.count() == events


def test_done_stays_done_and_no_longer_needed_is_closed_with_reason(world, reported):
    child, episode = reported
    notify = Duty.objects.get(episode=episode, kind="strategy_meeting")
    duty_complete(duty=notify, actor=world.users["sw_1"], note="Phoned")
    escalations = list(Duty.objects.filter(episode=episode, kind__startswith="escalate_"))
    episode_record_return(
        episode=episode, returned_at=timezone.now(), found_by="police", actor=world.users["cmo_a"]
    )
    notify.refresh_from_db()
    assert notify.state == DutyState.DONE and notify.closing_note == "Phoned"
    for duty in escalations:
        duty.refresh_from_db()
        assert duty.state == DutyState.NOT_NEEDED
        assert duty.closing_note
    assert Duty.objects.filter(episode=episode, kind="rhi_offer", state=DutyState.OPEN).exists()


def test_not_needed_needs_a_reason_and_stays_closed(world, reported):
    from django.core.exceptions import ValidationError

    _, episode = reported
    duty = Duty.objects.get(episode=episode, kind="strategy_meeting")
    with pytest.raises(ValidationError):
        duty_mark_not_needed(duty=duty, reason="  ", actor=world.users["cmo_a"])
    duty_mark_not_needed(
        duty=duty, reason="School holidays: told the family", actor=world.users["cmo_a"]
    )
    duties_replan(child_ids=[episode.child_id])
    duty.refresh_from_db()
    assert duty.state == DutyState.NOT_NEEDED


def test_a_settings_change_replans_only_open_duties(
    world, reported, django_capture_on_commit_callbacks
):
    child, episode = reported
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(minutes=5),
        found_by="self",
        actor=world.users["cmo_a"],
    )
    done = Duty.objects.get(episode=episode, kind="strategy_meeting")
    duty_complete(duty=done, actor=world.users["sw_1"])
    done.refresh_from_db()
    rhi = Duty.objects.get(episode=episode, kind="rhi_offer")
    done_before = (done.due_at, done.protocol_version, done.state)
    version, _ = protocol_current()
    text = version.settings_toml.replace("rhi_offer_hours = 72", "rhi_offer_hours = 24")
    with django_capture_on_commit_callbacks(execute=True):
        new = protocol_settings_save(settings_toml=text, actor=world.users["admin"], note="24h")
    # the re-plan ran on the worker's queue; run the queued work as the worker would
    from homesafe.duties.services import duties_replan as replan

    replan(child_ids=[child.pk])
    rhi.refresh_from_db()
    done.refresh_from_db()
    assert rhi.protocol_version == new.version
    assert rhi.due_at == episode.__class__.objects.get(pk=episode.pk).returned_at + dt.timedelta(
        hours=24
    )
    assert (done.due_at, done.protocol_version, done.state) == done_before


def test_invalid_settings_are_refused_naming_the_key(world):
    from django.core.exceptions import ValidationError

    version, _ = protocol_current()
    with pytest.raises(ValidationError) as error:
        protocol_settings_save(
            settings_toml=version.settings_toml + "\nnot_a_setting = 1\n",
            actor=world.users["admin"],
        )
    assert "not_a_setting" in str(error.value)
    assert ProtocolVersion.objects.count() == 1


def test_the_sweep_reserves_each_owners_reminder_once(world, reported):
    """Reserving is the duties' part: e-mail is the reminders app's (tests/reminders)."""
    later = timezone.now() + dt.timedelta(days=10)  # everything is overdue by then
    first = duties_sweep(now=later)
    reminders = Reminder.objects.count()
    assert first["reserved"] == reminders > 0
    assert Reminder.objects.filter(state=ReminderState.PENDING).count() == reminders
    assert DutyEvent.objects.filter(kind=DutyEventKind.REMINDED).count() == reminders
    assert mail.outbox == []
    again = duties_sweep(now=later + dt.timedelta(minutes=5))
    assert (again["reserved"], again["told"]) == (0, 0)
    assert Reminder.objects.count() == reminders


def test_episodes_before_duties_from_plan_nothing(world):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now())  # went live after the reports
    child = world.children["a_team3"]
    duties_replan(child_ids=[child.pk])
    assert not Duty.objects.filter(child=child).exists()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=1))
    duties_replan(child_ids=[child.pk])
    assert Duty.objects.filter(child=child, state=DutyState.OPEN).exists()


def test_in_app_reminders_show_on_my_work_until_dismissed(world, reported, client):
    from django.urls import reverse

    child, _ = reported
    duties_sweep(now=timezone.now() + dt.timedelta(days=10))  # reserved, not yet e-mailed
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("web:home")).content.decode()
    assert "Reminders" in page and "Hold a strategy meeting" in page
    assert f"{child.full_name}:" in page
    assert client.post(reverse("duties:reminders_read")).status_code == 302
    assert Reminder.objects.filter(recipient=world.users["sw_1"], read_at__isnull=True).count() == 0
    assert 'id="reminders-title"' not in client.get(reverse("web:home")).content.decode()
