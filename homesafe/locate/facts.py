"""What the protocol reads of the search for missing children (homesafe.duties.facts assembles
it with the other apps' facts): plain data, a fixed number of queries for any number of children."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Min

from homesafe.bulk_reads import rows_for_ids
from homesafe.episodes.models import MissingEpisode
from homesafe.locate.choices import MissingAgency, PublicityDecisionKind
from homesafe.locate.models import MissingAgencyContact, Publicity, SafeAndWellCheck


@dataclass(slots=True)
class SearchRecord:
    """An episode's search, as the protocol reads it, and the police force its Safe and Well
    duty belongs to."""

    police_force_id: int | None = None
    publicity_considered_at: datetime | None = None
    publicity_approved: bool = False
    publicity_live: bool = False
    missing_people_contacted_at: datetime | None = None
    safe_and_well_at: datetime | None = None


def search_by_episode(child_ids: Iterable[int]) -> dict[int, SearchRecord]:
    """Every episode of these children (by id) with its search, in four queries."""
    child_ids = list(child_ids)
    found = {
        pk: SearchRecord(police_force_id=force)
        for pk, force in rows_for_ids(
            lambda ids: (
                MissingEpisode.objects.filter(child_id__in=ids)
                .order_by()
                .values_list("pk", "police_force_id")
            ),
            child_ids,
        )
    }
    for episode_id, decided_at, decision, withdrawn_at in rows_for_ids(
        lambda ids: (
            Publicity.objects.filter(child_id__in=ids)
            .order_by("decided_at", "pk")
            .values_list("episode_id", "decided_at", "decision", "withdrawn_at")
        ),
        child_ids,
    ):
        record = found.get(episode_id)
        if record is None:
            continue
        if record.publicity_considered_at is None:
            record.publicity_considered_at = decided_at
        if decision == PublicityDecisionKind.APPROVED:
            record.publicity_approved = True
            record.publicity_live = record.publicity_live or withdrawn_at is None
    for episode_id, first in rows_for_ids(
        lambda ids: (
            MissingAgencyContact.objects.filter(
                child_id__in=ids, agency=MissingAgency.MISSING_PEOPLE
            )
            .values("episode_id")
            .annotate(first=Min("contacted_at"))
            .order_by()
            .values_list("episode_id", "first")
        ),
        child_ids,
    ):
        if episode_id in found:
            found[episode_id].missing_people_contacted_at = first
    for episode_id, held_at in rows_for_ids(
        lambda ids: SafeAndWellCheck.objects.filter(child_id__in=ids).values_list(
            "episode_id", "held_at"
        ),
        child_ids,
    ):
        if episode_id in found:
            found[episode_id].safe_and_well_at = held_at
    return found
