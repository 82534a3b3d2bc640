"""Re-planning skips a child whose re-plan reads what a re-plan that changed nothing read
(`PlanFingerprint`, homesafe.duties.replan): the stored duties are those a full re-plan gives,
and any change of what the engine and the owners read plans the child again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

import homesafe.duties.replan as replan_module
from homesafe.duties.models import Duty, DutyEvent, Notice, PlanFingerprint, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.duties.services import duties_replan
from homesafe.episodes.models import MissingEpisode, RiskGrading
from homesafe.people.choices import NetworkRole
from homesafe.people.models import Child, NetworkMember
from tests.duties.test_replan_batch import _children
from tests.factories import ChildFactory, EpisodeFactory


class Undo(Exception):
    pass


def _snapshot(child_ids) -> dict:
    """Every duty of these children by (episode, kind), every column a re-plan writes, with
    the notices and events in the order written (ids left out)."""
    duties = Duty.objects.filter(child_id__in=child_ids)
    key = {d.pk: (d.episode_id, d.kind) for d in duties}
    columns = [
        f.attname for f in Duty._meta.concrete_fields if f.attname not in ("id", "planned_at")
    ]
    return {
        "duties": {key[d.pk]: tuple(getattr(d, c) for c in columns) for d in duties},
        "notices": [
            (key[n.duty_id], n.recipient_id, n.created_at)
            for n in Notice.objects.filter(duty__in=duties).order_by("pk")
        ],
        "events": [
            (key[e.duty_id], e.kind, e.about_user_id, e.detail, e.at)
            for e in DutyEvent.objects.filter(duty__in=duties).order_by("pk")
        ],
    }


@pytest.fixture
def planned(monkeypatch):
    """The children the engine planned in each re-plan (by their episodes' ids)."""
    seen: set[int] = set()
    real = replan_module.plan_duties

    def plan_duties(facts, settings):
        seen.update(int(episode.id) for episode in facts.episodes)
        return real(facts, settings)

    monkeypatch.setattr(replan_module, "plan_duties", plan_duties)

    def children() -> set[int]:
        found = set(MissingEpisode.objects.filter(pk__in=seen).values_list("child_id", flat=True))
        seen.clear()
        return found

    return children


def _with_and_without_fingerprints(child_ids, now, planned) -> tuple[set[int], dict, dict]:
    """The children planned and the duties after a re-plan as it runs, then the duties after
    a full re-plan (fingerprints forgotten) of the same records: each undone after."""
    results = []
    for forget in (False, True):
        try:
            with transaction.atomic():
                if forget:
                    PlanFingerprint.objects.all().delete()
                planned()
                duties_replan(child_ids=child_ids, now=now)
                results.append((planned(), _snapshot(child_ids)))
                raise Undo
        except Undo:
            pass
    (skipping, with_skip), (_, full) = results
    return skipping, with_skip, full


def test_a_replan_that_changed_nothing_is_not_planned_again(world, planned):
    protocol_current()
    ids = _children(world, 4)
    now = timezone.now()
    first = duties_replan(child_ids=ids, now=now)
    assert first["created"] > 0
    assert not PlanFingerprint.objects.filter(child_id__in=ids).exists()  # it wrote: none kept
    planned()
    assert duties_replan(child_ids=ids, now=now) == {
        "created": 0,
        "updated": 0,
        "closed": 0,
        "told": 0,
    }
    assert planned() == set(ids)  # planned, changed nothing: what it read is kept
    assert PlanFingerprint.objects.filter(child_id__in=ids).count() == 4
    later = now + dt.timedelta(hours=1)
    skipping, with_skip, full = _with_and_without_fingerprints(ids, later, planned)
    assert skipping == set()
    assert with_skip == full


def _grade_high(child_id: int, now) -> None:
    episode = MissingEpisode.objects.filter(child_id=child_id, status="returned").get()
    RiskGrading.objects.create(episode=episode, grade="high", graded_at=now)


def _return(child_id: int, now) -> None:
    MissingEpisode.objects.filter(child_id=child_id, status="missing").update(
        status="returned", returned_at=now
    )


def _iro_left(child_id: int, now) -> None:
    NetworkMember.objects.filter(child_id=child_id, role=NetworkRole.IRO).delete()


def _school_left(child_id: int, now) -> None:
    Child.objects.filter(pk=child_id).update(school=None)


def _duty_done_by_a_person(child_id: int, now) -> None:
    duty = Duty.objects.filter(child_id=child_id, state="open").order_by("pk").first()
    Duty.objects.filter(pk=duty.pk).update(state="done", closed_at=now, closing_note="Done.")


def _duty_reassigned(child_id: int, now) -> None:
    from homesafe.access.models import User

    duty = Duty.objects.filter(child_id=child_id, state="open").order_by("pk").first()
    other = User.objects.filter(organisation_id=duty.owner_organisation_id).last()
    Duty.objects.filter(pk=duty.pk).update(
        owner_user=other, owner_team=None, assigned_by_person=True, needs_owner=""
    )


def _new_settings(child_id: int, now) -> None:
    version, _ = protocol_current()
    ProtocolVersion.objects.create(
        version="rhi-24",
        settings_toml=version.settings_toml.replace("rhi_offer_hours = 72", "rhi_offer_hours = 24"),
        duties_from=version.duties_from,
    )


@pytest.mark.parametrize(
    "change",
    [
        _grade_high,
        _return,
        _iro_left,
        _school_left,
        _duty_done_by_a_person,
        _duty_reassigned,
        _new_settings,
    ],
)
def test_any_change_of_what_a_replan_reads_plans_the_child_again(world, planned, change):
    """The changed child is planned and the unchanged skipped; the stored duties are those a
    full re-plan of every child gives."""
    protocol_current()
    changed, unchanged = _children(world, 2)
    ids = [changed, unchanged]
    now = timezone.now()
    duties_replan(child_ids=ids, now=now)
    duties_replan(child_ids=ids, now=now)  # changes nothing: fingerprints kept
    later = now + dt.timedelta(minutes=30)
    change(changed, later)
    skipping, with_skip, full = _with_and_without_fingerprints(ids, later, planned)
    if change is _new_settings:  # every child's plan reads the settings
        assert skipping == {changed, unchanged}
    else:
        assert skipping == {changed}
    assert with_skip == full
    if change in (_return, _new_settings):
        assert with_skip != _snapshot(ids)  # these change the plan itself


def test_a_birthdays_notice_beginning_plans_the_child_again(world, planned):
    """A child missing since before the notice of their 18th birthday began (30 days): the
    prompt comes into the plan when the notice begins, with no change to their record."""
    protocol_current()
    birthday = dt.date(2026, 6, 30)
    child = ChildFactory(
        responsible_la=world.orgs["la_a"], date_of_birth=birthday.replace(year=2008)
    )
    reported = dt.datetime(2026, 5, 20, 12, 0, tzinfo=dt.UTC)
    EpisodeFactory(child=child, last_seen_at=reported - dt.timedelta(hours=2), reported_at=reported)
    before = dt.datetime(2026, 5, 25, 12, 0, tzinfo=dt.UTC)
    duties_replan(child_ids=[child.pk], now=before)
    duties_replan(child_ids=[child.pk], now=before)
    assert PlanFingerprint.objects.filter(child=child).exists()
    planned()
    duties_replan(child_ids=[child.pk], now=before + dt.timedelta(days=2))  # notice not begun
    assert planned() == set()
    within = dt.datetime(2026, 6, 2, 12, 0, tzinfo=dt.UTC)
    skipping, with_skip, full = _with_and_without_fingerprints([child.pk], within, planned)
    assert skipping == {child.pk}
    assert with_skip == full
    assert any(kind == "eighteenth_birthday" for _, kind in with_skip["duties"])


def test_a_fingerprint_kept_by_other_code_is_not_trusted(world, planned, monkeypatch):
    """After a release (the engine's rules may differ), every child is planned again."""
    protocol_current()
    ids = _children(world, 2)
    now = timezone.now()
    duties_replan(child_ids=ids, now=now)
    duties_replan(child_ids=ids, now=now)
    planned()
    duties_replan(child_ids=ids, now=now)
    assert planned() == set()
    monkeypatch.setattr(replan_module, "_code_read", lambda: "another release")
    duties_replan(child_ids=ids, now=now)
    assert planned() == set(ids)
