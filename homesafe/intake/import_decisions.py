"""What each new report of a police download's chunk does, decided in Python in time order as
police_notification_apply would decide it row after row (homesafe.intake.imports; issue 14):
a new episode for a known child or for a child new to HomeSafe (created once, however many of
the file's reports are theirs), a review, a rejection, or the services.
tests/intake/test_import_one_path.py holds the import and the single path equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone

from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.services import OVERLAPS_EARLIER
from homesafe.intake.choices import RowOutcome
from homesafe.intake.matching import IDENTIFIER_BATCH, MatchResult, batches, is_one_of
from homesafe.intake.matching_in_file import matches_combined
from homesafe.intake.notifications import PoliceNotification
from homesafe.intake.services import ALREADY_MISSING_OTHER_REPORT

if TYPE_CHECKING:
    from homesafe.intake.imports import _Row


NEW_ID = 2**62  # stand-in ids of the children a chunk creates, until they are written
OPEN_UNKNOWN = "?"  # an episode open before the chunk: the services decide (it may be adopted)


@dataclass
class _EpisodeState:
    """A child's episodes as the chunk's rows are decided: the reference of an open episode
    (OPEN_UNKNOWN for one open before the chunk), and the latest return."""

    open_reference: str | None = None
    last_return: dt.datetime | None = None

    def opened(self, n: PoliceNotification) -> None:
        if n.found_at is None:
            self.open_reference = n.police_reference
        elif self.last_return is None or n.found_at > self.last_return:
            self.last_return = n.found_at


def episode_opening_refusal(
    *, open_reference: str | None, last_return: dt.datetime | None, n: PoliceNotification
) -> tuple[str, str] | None:
    """Why a new police report cannot open an episode for its child, as (field, reason), or
    None: the rules of episode_report (and police_notification_apply's wording of them), for a
    child whose open episode came from a police report and whose latest return is known.
    tests/intake/test_import_one_path.py holds the import and the single path equal."""
    if open_reference is not None:
        return "police_reference", ALREADY_MISSING_OTHER_REPORT.format(reference=open_reference)
    if last_return is not None and last_return > n.last_seen_at:
        until = timezone.localtime(last_return).strftime("%d/%m/%Y %H:%M")
        return "last_seen_at", OVERLAPS_EARLIER.format(until=until)
    return None


def episode_summaries(child_ids) -> list[tuple[int, bool, dt.datetime | None]]:
    """(child id, whether one of their episodes is open, the latest return of an episode not
    voided) for each of these children who has an episode: one grouped query per batch of
    children (the episodes' child index). The database folds each child's episodes: the
    children of a police year's chunk have tens of thousands between them, and reading every
    one cost the import more than the query."""
    quote = connection.ops.quote_name
    table = quote(MissingEpisode._meta.db_table)
    status, returned_at = quote("status"), quote("returned_at")
    found = []
    with connection.cursor() as cursor:
        for batch in batches(child_ids, IDENTIFIER_BATCH):
            test, listed = is_one_of(quote("child_id"), batch)
            cursor.execute(
                f"SELECT {quote('child_id')}, MAX(CASE WHEN {status} = %s THEN 1 ELSE 0 END), "
                f"MAX(CASE WHEN {status} <> %s THEN {returned_at} END) FROM {table} "
                f"WHERE {test} GROUP BY {quote('child_id')}",
                [EpisodeStatus.MISSING.value, EpisodeStatus.VOIDED.value, *listed],
            )
            for child_id, has_open, last_return in cursor.fetchall():
                if isinstance(last_return, str):  # SQLite's aggregate: the stored text
                    last_return = dt.datetime.fromisoformat(last_return)
                    if last_return.tzinfo is None:  # as Django stores it there: UTC
                        last_return = last_return.replace(tzinfo=dt.UTC)
                found.append((child_id, bool(has_open), last_return))
    return found


def _fits_new_child(n: PoliceNotification) -> bool:
    """Whether a child can be created from this row as it stands (else the services refuse it,
    naming the field)."""
    return bool(
        n.forename
        and n.surname
        and n.date_of_birth
        and len(n.forename) <= 100
        and len(n.surname) <= 100
        and len(n.person_id) <= 50
        and len(n.la_child_id) <= 30
        and all(len(alias.strip()) <= 200 for alias in n.aliases)
    )


class ChunkDecisions:
    """PoliceDownloadImport's decisions (a mixin: it uses the import's in-file children,
    default local authority, dry run and report)."""

    def episode_states(self, child_ids: set[int]) -> dict[int, _EpisodeState]:
        """Each child's open episode and latest return, as the chunk starts. Children this
        dry run would have created: as the dry run left them."""
        states: dict[int, _EpisodeState] = {}
        child_ids = {child_id for child_id in child_ids if child_id < NEW_ID}
        for child_id, has_open, last_return in episode_summaries(child_ids):
            state = states[child_id] = _EpisodeState(last_return=last_return)
            if has_open:
                state.open_reference = OPEN_UNKNOWN
        states.update(self.dry_states)
        return states

    def decide(
        self, fresh: list[_Row], slow: list[_Row]
    ) -> tuple[list[_Row], list[_Row], list[_Row]]:
        """What each new report of the chunk does, in time order, as police_notification_apply
        would do it row after row: a new episode (for a known child, or for a child new to
        HomeSafe, created once however many reports they have), a review, a rejection, or the
        services (a child with an episode open before the chunk, or a match that the chunk's
        own new children may change). Returns the new episodes, the new reviews, and the
        first row of each new child."""
        in_file = self.in_file
        new_children: list[_Row] = []
        unknown: set[int] = set()  # rows (by id()) of children the database did not know
        # 1. Rows of children unknown to HomeSafe, in order: the same person again (a child an
        # earlier row of the file created), or a child to create.
        for row in fresh:
            n = row.n
            if not (row.match.unknown_child and self.default_la is not None):
                continue
            unknown.add(id(row))
            match = in_file.match_one(n) if in_file else row.match
            if match.unknown_child:
                if not _fits_new_child(n):
                    continue  # the services say what is wrong with it (below)
                self.new_ids += 1
                match = MatchResult(child_id=self.new_ids, how="new")
                in_file.add(
                    child_id=self.new_ids, n=n, la_child_id=n.la_child_id, nhs_number=n.nhs_number
                )
                new_children.append(row)
            row.match = match
        # 2. Rows matched to children HomeSafe knew: the file's new children may change the
        # match (another candidate, or identifiers now pointing to two children). The two
        # matches combined; where they cannot be, the services match the row again, once this
        # chunk's new children are written.
        if in_file:
            touching = [
                row
                for row in fresh
                if id(row) not in unknown
                and (in_file.identifiers_touch(row.n) or in_file.days_touch(row.n))
            ]
            for row, found in zip(
                touching, in_file.match_many([row.n for row in touching]), strict=True
            ):
                row.match = matches_combined(row.match, found)
        states = self.episode_states(
            {r.match.child_id for r in fresh if r.match and r.match.confident}
        )
        # 3. In time order, child by child: a new episode, a review, a rejection, or the
        # services (a child with an episode open before the chunk, and their later rows).
        new_episodes: list[_Row] = []
        new_reviews: list[_Row] = []
        by_services: set[int] = set()
        for row in fresh:
            n, match = row.n, row.match
            if match is None or (match.unknown_child and self.default_la is not None):
                slow.append(row)
                continue
            if not match.confident:
                new_reviews.append(row)
                continue
            child_id = match.child_id
            state = states.setdefault(child_id, _EpisodeState())
            if child_id in by_services or state.open_reference == OPEN_UNKNOWN:
                by_services.add(child_id)
                slow.append(row)
                continue
            refusal = episode_opening_refusal(
                open_reference=state.open_reference, last_return=state.last_return, n=n
            )
            if refusal is not None:
                self.report(row, RowOutcome.REJECTED, field=refusal[0], reason=refusal[1])
                continue
            new_episodes.append(row)
            state.opened(n)
            if n.person_id and in_file:  # as police_notification_apply keeps it
                in_file.learn_person_id(child_id, n.date_of_birth, n.person_id)
        if self.dry_run:
            self.dry_states.update({c: s for c, s in states.items() if c > NEW_ID})
        return new_episodes, new_reviews, new_children
