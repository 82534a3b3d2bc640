"""The use-case contract: one durable transaction, one hand-over of the children at its end."""

from dataclasses import dataclass

import pytest
from django.db import transaction

from homesafe import use_cases
from homesafe.use_cases import facts_changed, facts_changes_gathered, use_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_over(monkeypatch):
    """Every hand-over to the subscribers, in order (the duties app's subscription stays)."""
    calls: list[set[int]] = []
    monkeypatch.setattr(use_cases, "_subscribers", [*use_cases._subscribers, calls.append])
    return calls


@use_case
def _inner(*, child_id: int) -> None:
    facts_changed(child_id=child_id)


@use_case
def _outer(*, child_ids: list[int]) -> str:
    for child_id in child_ids:
        _inner(child_id=child_id)
    facts_changed(child_id=child_ids[0])
    return "done"


@use_case
def _fails_after(*, child_id: int) -> None:
    facts_changed(child_id=child_id)
    raise ValueError("broken rule")


def test_a_use_case_hands_its_children_over_once_at_its_end(handed_over):
    assert _outer(child_ids=[1, 2, 1]) == "done"
    assert handed_over == [{1, 2}]


def test_a_nested_use_case_joins_the_outer_one(handed_over):
    _inner(child_id=7)
    assert handed_over == [{7}]
    _outer(child_ids=[8, 9])
    assert handed_over == [{7}, {8, 9}]


def test_a_failed_use_case_hands_over_nothing(handed_over):
    with pytest.raises(ValueError):
        _fails_after(child_id=3)
    assert handed_over == []
    _inner(child_id=4)  # the next one is not polluted by the failed one's children
    assert handed_over == [{4}]


def test_a_use_case_cannot_run_inside_someone_elses_transaction(handed_over):
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        _inner(child_id=5)
    assert handed_over == []


def test_a_bulk_path_gathers_the_children_itself(handed_over):
    with facts_changes_gathered() as gathered, transaction.atomic():
        _inner(child_id=10)
        _outer(child_ids=[11, 12])
    assert gathered == {10, 11, 12}
    assert handed_over == []


def test_facts_changed_outside_a_use_case_is_handed_over_at_once(handed_over):
    facts_changed(child_ids=[21, 22])
    assert handed_over == [{21, 22}]


def test_the_duties_app_is_subscribed():
    from homesafe.duties.services import duties_replan_facts_changed

    assert duties_replan_facts_changed in use_cases._subscribers


def test_use_cases_in_the_callers_transaction_each_hand_over_at_their_end(handed_over):
    with transaction.atomic(), use_cases.use_cases_in_callers_transaction():
        _inner(child_id=31)
        assert handed_over == [{31}]  # at its own end, not the caller's
        _outer(child_ids=[32, 33])
    assert handed_over == [{31}, {32, 33}]


@dataclass(frozen=True)
class _Happened:
    child_id: int


def test_an_announcement_runs_its_subscribers_at_once_and_returns_their_results(monkeypatch):
    monkeypatch.setattr(use_cases, "_handlers", {})
    seen: list[int] = []

    def handler(event: _Happened) -> int:
        seen.append(event.child_id)
        return event.child_id * 10

    use_cases.subscribe(_Happened, handler)
    use_cases.subscribe(_Happened, handler)  # twice: still once
    assert use_cases.announce(_Happened(child_id=4)) == [40]
    assert seen == [4]
    assert use_cases.announce(object()) == []  # nobody subscribed to that type


def test_the_apps_above_subscribe_to_what_episodes_and_interviews_announce():
    from homesafe.duties.subscriptions import (
        duties_close_on_episode_voided,
        duties_replan_on_rhi_routes_changed,
    )
    from homesafe.episodes.events import EpisodeReturned, EpisodeVoided
    from homesafe.interviews.events import RhiRoutesChanged
    from homesafe.interviews.services_routes import rhi_referrals_on_episode_returned

    assert use_cases._handlers[EpisodeReturned] == [rhi_referrals_on_episode_returned]
    assert use_cases._handlers[EpisodeVoided] == [duties_close_on_episode_voided]
    assert use_cases._handlers[RhiRoutesChanged] == [duties_replan_on_rhi_routes_changed]
