"""What a chunk of a police download knows of its children's earlier episodes
(homesafe.intake.import_decisions.episode_summaries): whether one is open and the latest
return of an episode not voided, folded by the database in one grouped query, equal to
folding every episode in Python."""

import datetime as dt

import pytest

from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.import_decisions import episode_summaries
from tests.factories import ChildFactory, EpisodeFactory

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _returned(child, last_seen, returned):
    return EpisodeFactory(
        child=child, last_seen_at=last_seen, returned_at=returned, status=EpisodeStatus.RETURNED
    )


def _folded_in_python(child_ids) -> set[tuple]:
    """The fold as the import did it before: every episode read, then folded here."""
    states: dict[int, list] = {}
    for child_id, status, returned_at in MissingEpisode.objects.filter(
        child_id__in=child_ids
    ).values_list("child_id", "status", "returned_at"):
        state = states.setdefault(child_id, [False, None])
        if status == EpisodeStatus.MISSING:
            state[0] = True
        if returned_at is not None and status != EpisodeStatus.VOIDED:
            state[1] = returned_at if state[1] is None else max(state[1], returned_at)
    return {(child_id, *state) for child_id, state in states.items()}


def test_each_child_s_episodes_are_folded_by_the_database_as_python_folds_them():
    open_and_returned = ChildFactory()
    _returned(open_and_returned, T, T + dt.timedelta(hours=5))
    # The later return is later only by its microseconds: SQLite orders the stored text.
    _returned(
        open_and_returned,
        T + dt.timedelta(days=1),
        T + dt.timedelta(days=1, hours=5, microseconds=250_000),
    )
    _returned(open_and_returned, T + dt.timedelta(days=1), T + dt.timedelta(days=1, hours=5))
    EpisodeFactory(child=open_and_returned, last_seen_at=T + dt.timedelta(days=3))
    voided_latest = ChildFactory()
    _returned(voided_latest, T, T + dt.timedelta(hours=2))
    MissingEpisode.objects.filter(
        pk=_returned(voided_latest, T, T + dt.timedelta(days=9)).pk
    ).update(
        status=EpisodeStatus.VOIDED, voided_at=T + dt.timedelta(days=10), void_reason="Duplicate"
    )
    only_open = ChildFactory()
    EpisodeFactory(child=only_open, last_seen_at=T)
    never_missing = ChildFactory()
    ids = [open_and_returned.pk, voided_latest.pk, only_open.pk, never_missing.pk]

    found = episode_summaries(ids)

    assert set(found) == _folded_in_python(ids)
    assert {child_id: (has_open, last) for child_id, has_open, last in found} == {
        open_and_returned.pk: (True, T + dt.timedelta(days=1, hours=5, microseconds=250_000)),
        voided_latest.pk: (False, T + dt.timedelta(hours=2)),  # the voided return not counted
        only_open.pk: (True, None),
    }
    # Aware times in UTC on both databases, as the rules compare them with the file's times.
    assert found and all(last is None or last.utcoffset() == dt.timedelta(0) for *_, last in found)


def test_no_children_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert episode_summaries([]) == []
