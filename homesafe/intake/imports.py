"""Importing a police download: every row checked, matched and applied once, with a report.

How it stays fast and safe (docs/intake.md):
- every row is parsed and validated first; a bad row is reported by line and field, never written;
- the first row of every reference not yet known is matched before its chunk is written
  (IdentityMatcher.match_many: identifiers in batches, names block by date of birth): for a big
  file by a second process a chunk ahead (MatchingAhead), otherwise for the whole file at once;
  a row that a child created or changed by this import may concern is matched again in its chunk;
- Python's cycle collector is paused while the import holds the parsed rows (homesafe.bulk.cycle_collector_paused);
- rows are applied in order of when the child was last seen, in chunks; a chunk's lookups are
  one plain-SQL query per kind of key (rows_where_in), never one per row;
- a chunk's new reports are decided in Python in time order, as police_notification_apply
  would decide them one after another (PoliceDownloadImport.decide): a child new to HomeSafe is
  matched against the file's earlier new children (InFileChildren) and created once; a repeat
  opens its episode after the child's earlier one or is refused as the services refuse it
  (episode_opening_refusal); tests/intake/test_import_one_path.py holds the two paths equal;
- new children and episodes are written with the rest of their chunk in ONE transaction, by
  bulk statements (import_writes.ChunkWrites, with homesafe.bulk.BulkInsert: executemany on
  SQLite, COPY on PostgreSQL, there sent by a second thread while this one builds the next
  rows, their foreign keys checked as they go), so a row is either wholly written or not at
  all, audit entries included; anything else (updates, a child with an episode open before the chunk, adopting an
  episode recorded by hand, a match the chunk's new children may change) goes through the
  services one row per savepoint;
- the duties of a chunk's children are re-planned by the worker: tasks of up to 1,000 children,
  queued in the chunk's transaction (facts_changes_gathered, ReplanQueue), a child already
  queued by an earlier chunk whose task still waits not queued again; every chunk's tasks but
  the last one's are held until the import ends, so a worker that keeps up does not re-plan a
  child once per chunk (nor hold SQLite's write lock between the chunks);
- each applied row stores the hash of its state (PoliceReport), so importing the same file again,
  or running an interrupted import again, changes nothing that was already done.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gc
import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.bulk import BulkInsert, cycle_collector_paused, sqlite_tuned
from homesafe.duties.services import ReplanQueue
from homesafe.episodes.models import MissingEpisode, RiskGrading
from homesafe.intake.choices import EventOutcome, NotificationSource, ReviewStatus, RowOutcome
from homesafe.intake.files import read_police_file
from homesafe.intake.import_decisions import NEW_ID, ChunkDecisions, _EpisodeState
from homesafe.intake.import_writes import ChunkWrites
from homesafe.intake.matching import (
    REVIEW_NOT_FOUND,
    IdentityMatcher,
    MatchResult,
    _swapped,
    rows_where_in,
)
from homesafe.intake.matching_ahead import MatchingAhead
from homesafe.intake.matching_in_file import InFileChildren
from homesafe.intake.models import (
    ForceMapping,
    IdentityReview,
    PoliceEvent,
    PoliceReport,
)
from homesafe.intake.notifications import (
    COLUMN_MISSING,
    NotificationError,
    PoliceNotification,
    notification_parse,
)
from homesafe.intake.services import (
    error_field_and_reason,
    force_default_local_authority,
    merged_child_ids,
    police_notification_apply,
)
from homesafe.use_cases import facts_changes_gathered

REPORT_HEADER = ("line", "outcome", "police_reference", "field", "reason")
WAITING_FOR_REVIEW = "Waiting for the missing coordinator to confirm the child."
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NOTIFICATION_FIELDS = tuple(
    f.name for f in dataclasses.fields(PoliceNotification) if f.name != "extra"
)


def csv_safe(value) -> str:
    """A cell that a spreadsheet would run as a formula is written as text (a leading ')."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class ReportLine:
    line: int
    outcome: str
    police_reference: str
    field: str = ""
    reason: str = ""


@dataclass
class ImportResult:
    lines: list[ReportLine] = field(default_factory=list)
    replans_queued: int = 0  # tasks queued for the worker to re-plan the children's duties
    matched_ahead: int = 0  # rows given their match by a second process (MatchingAhead)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(line.outcome for line in self.lines)
        return {outcome.value: counted.get(outcome.value, 0) for outcome in RowOutcome}

    def report_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(REPORT_HEADER)
        for line in sorted(self.lines, key=lambda row: row.line):
            writer.writerow(
                [
                    line.line,
                    line.outcome,
                    csv_safe(line.police_reference),
                    line.field,
                    csv_safe(line.reason),
                ]
            )
        return out.getvalue()


class _DryRunRollback(Exception):
    """Raised to undo a row tried in a dry run."""


@dataclass
class _Row:
    line: int
    n: PoliceNotification
    state: str = ""  # n.state_hash, worked out once
    match: MatchResult | None = None
    episode_id: int | None = None  # the episode the bulk path wrote for it


def _state_hash(n: PoliceNotification) -> str:
    """n.state_hash, without dataclasses.asdict's deep copy and json.dumps (most of parsing a
    file once).

    The same JSON, hence the same hash: every field but `extra` in the order of their names,
    strings escaped by json's own encoder, dates as ISO 8601 and tuples as lists, no spaces
    (tests/intake/test_import_speed.py checks they agree). A value of any other kind falls
    back to n.state_hash itself."""
    fields = n.__dict__  # a frozen dataclass without slots
    parts = []
    for name, key in _SORTED_FIELDS:
        value = fields[name]
        kind = type(value)
        if kind is str:
            parts.append(key + _JSON_STR(value))
        elif kind is bool:
            parts.append(key + ("true" if value else "false"))
        elif value is None:
            parts.append(key + "null")
        elif kind is dt.datetime or kind is dt.date:
            parts.append(key + '"' + value.isoformat() + '"')
        elif kind is tuple and all(type(v) is str for v in value):
            parts.append(key + "[" + ",".join(map(_JSON_STR, value)) + "]")
        else:
            return n.state_hash
    canonical = "{" + ",".join(parts) + "}"
    return hashlib.sha256(canonical.encode()).hexdigest()


_JSON_STR = json.encoder.encode_basestring_ascii  # as json.dumps writes a string
# (field name, its JSON key with the colon), in the order json.dumps(sort_keys=True) writes them
_SORTED_FIELDS = tuple((name, _JSON_STR(name) + ":") for name in sorted(_NOTIFICATION_FIELDS))


@dataclass
class _Changed:
    """Keys of children created or given an identifier during this import: a notification with
    one of them is matched again when its chunk comes (its match made up front may be stale)."""

    person_ids: set[str] = field(default_factory=set)
    la_child_ids: set[str] = field(default_factory=set)
    nhs_numbers: set[str] = field(default_factory=set)
    days: set[dt.date] = field(default_factory=set)

    def add(self, n: PoliceNotification) -> None:
        for keys, value in (
            (self.person_ids, n.person_id),
            (self.la_child_ids, n.la_child_id),
            (self.nhs_numbers, n.nhs_number),
        ):
            if value:
                keys.add(value)
        if n.date_of_birth:
            self.days.add(n.date_of_birth)

    def touches(self, n: PoliceNotification) -> bool:
        if (
            (n.person_id and n.person_id in self.person_ids)
            or (n.la_child_id and n.la_child_id in self.la_child_ids)
            or (n.nhs_number and n.nhs_number in self.nhs_numbers)
        ):
            return True
        born = n.date_of_birth
        return born is not None and (born in self.days or _swapped(born) in self.days)


class PoliceDownloadImport(ChunkDecisions, ChunkWrites):
    """One run of one file for one force (see police_download_import)."""

    def __init__(
        self,
        *,
        force: Organisation,
        actor: Actor,
        dry_run: bool,
        progress: Callable[[int, int], None] | None,
        now: dt.datetime,
        chunk_size: int,
    ):
        self.force, self.actor, self.dry_run = force, actor, dry_run
        self.progress, self.now, self.chunk_size = progress, now, chunk_size
        self.user = actor if isinstance(actor, User) else None
        self.result = ImportResult()
        self.matcher = IdentityMatcher(excluded=merged_child_ids())
        self.default_la = force_default_local_authority(force)
        self.in_file = InFileChildren()  # the children this import's rows created
        self.new_ids = NEW_ID
        self.dry_states: dict[int, _EpisodeState] = {}  # a dry run's new children
        self.seen: dict[str, str] = {}  # dry run: reference -> state hash of rows already counted
        self.written = 0
        self.bulk = BulkInsert()
        self.dirty = _Changed()
        # Each child queued once while their task waits; every chunk's re-plans but the last
        # held until the import ends (ReplanQueue).
        self.replans = ReplanQueue(hold_seconds=settings.HOMESAFE_INTAKE_REPLAN_HOLD_SECONDS)
        self.payloads: dict[tuple, str] = {}  # audit payloads as JSON, by their items
        self.audit_base = {  # what every audit entry of this import has
            "at": now,
            "actor_id": self.user.pk if self.user else None,
            "actor_label": "" if self.user else actor.label,
        }

    def report(self, row: _Row | None, outcome: str, *, line=0, ref="", field="", reason=""):
        if row is not None:
            line, ref = row.line, row.n.police_reference
        self.result.lines.append(ReportLine(line, outcome, ref, field, reason))
        if row is not None and outcome != RowOutcome.REJECTED and self.dry_run:
            self.seen[ref] = row.state

    # --- reading ----------------------------------------------------------------------------

    def parse(self, content: bytes, mapping: ForceMapping | None) -> list[_Row]:
        columns, codes = (mapping.columns, mapping.codes) if mapping else ({}, {})
        missing, source_rows = read_police_file(content, columns=columns)
        rows = []
        for source in source_rows:
            if source.unreadable:
                self.report(None, RowOutcome.REJECTED, line=source.line, reason=source.unreadable)
                continue
            ref = str(source.values.get("police_reference") or "").strip()[:50]
            if missing:
                reason = COLUMN_MISSING.format(column=missing[0])
                self.report(
                    None,
                    RowOutcome.REJECTED,
                    line=source.line,
                    ref=ref,
                    field=missing[0],
                    reason=reason,
                )
                continue
            try:
                n = notification_parse(source.values, codes=codes, now=self.now)
            except NotificationError as error:
                self.report(
                    None,
                    RowOutcome.REJECTED,
                    line=source.line,
                    ref=ref,
                    field=error.field,
                    reason=error.reason,
                )
                continue
            rows.append(_Row(source.line, n, _state_hash(n)))
        # In the order things happened, so a child's earlier episode is recorded before a later one.
        rows.sort(key=lambda row: (row.n.last_seen_at, row.line))
        return rows

    def chunks(self, rows: list[_Row]):
        chunk: list[_Row] = []
        refs: set[str] = set()
        for row in rows:
            if len(chunk) >= self.chunk_size or row.n.police_reference in refs:
                yield chunk
                chunk, refs = [], set()
            chunk.append(row)
            refs.add(row.n.police_reference)
        if chunk:
            yield chunk

    # --- one chunk --------------------------------------------------------------------------

    def run_chunk(self, chunk: list[_Row], *, last: bool) -> None:
        """Write one chunk in one transaction; `last`: the file's last chunk (the others hold
        their re-plans until the import ends)."""
        force = self.force.pk
        refs = {row.n.police_reference for row in chunk}
        ref = "police_reference"
        states = dict(rows_where_in(PoliceReport, [ref, "state_hash"], ref, refs, force_id=force))
        reviews = dict(
            rows_where_in(
                IdentityReview,
                [ref, "state_hash"],
                ref,
                refs,
                force_id=force,
                status=ReviewStatus.OPEN.value,
            )
        )
        existing = {
            r
            for (r,) in rows_where_in(
                MissingEpisode, [ref], ref, refs, nonempty=True, police_force_id=force
            )
        }
        pending = {
            r
            for (r,) in rows_where_in(
                PoliceEvent, [ref], ref, refs, force_id=force, outcome=EventOutcome.PENDING.value
            )
        }
        fresh: list[_Row] = []
        slow: list[_Row] = []
        for row in chunk:
            ref, state = row.n.police_reference, row.state
            if ref in self.seen:
                outcome = RowOutcome.UNCHANGED if self.seen[ref] == state else RowOutcome.UPDATED
                self.report(row, outcome)
            elif states.get(ref) == state:
                self.report(row, RowOutcome.UNCHANGED)
            elif reviews.get(ref) == state:
                self.report(row, RowOutcome.NEEDS_REVIEW, reason=WAITING_FOR_REVIEW)
            elif ref in existing or ref in reviews or ref in pending:
                row.match = None  # the services match it, as they find it now
                slow.append(row)
            else:
                fresh.append(row)
        # Matched up front (prematch), unless a child this import created or changed may be
        # the one: those, and any row not matched up front, are matched now.
        again = [r for r in fresh if r.match is None or self.dirty.touches(r.n)]
        for row, match in zip(again, self.matcher.match_many([r.n for r in again]), strict=True):
            row.match = match
        new_episodes, new_reviews, new_children = self.decide(fresh, slow)
        if self.dry_run:
            for row in new_episodes:
                self.report(row, RowOutcome.CREATED)
            for row in new_reviews:
                self.report(
                    row, RowOutcome.NEEDS_REVIEW, reason=row.match.reason or REVIEW_NOT_FOUND
                )
            with facts_changes_gathered():  # nothing is kept: nothing to re-plan
                for row in slow:
                    self.run_row(row)
            return
        # The chunk is one transaction (each row through the services in its own savepoint),
        # and the re-plan of its children is queued for the worker inside it: the duties
        # follow the facts once the chunk commits, or neither happens (a child whose task
        # from an earlier chunk still waits is not queued again: ReplanQueue).
        with facts_changes_gathered() as replan, transaction.atomic():
            self.write_new(new_episodes, new_reviews, new_children)
            for row in slow:
                self.run_row(row)
            self.result.replans_queued += self.replans.enqueue(child_ids=replan, hold=not last)

    def run_row(self, row: _Row) -> None:
        """A row that needs the services (an update, a new child, an episode recorded by hand)."""
        creates_child = (
            row.match is not None and row.match.unknown_child and self.default_la is not None
        )
        if creates_child:
            # A child this file already created may be the one (the same person reported
            # again): matched against them, by the matcher's rules, before making another.
            in_file = self.in_file.match_one(row.n)
            if not in_file.unknown_child:
                row.match, creates_child = in_file, False
        try:
            with transaction.atomic():
                applied = police_notification_apply(
                    force=self.force,
                    n=row.n,
                    actor=self.actor,
                    source=NotificationSource.DOWNLOAD,
                    match=row.match,
                    now=self.now,
                )
                if self.dry_run:
                    raise _DryRunRollback
        except _DryRunRollback:
            pass
        except (ValidationError, ApplicationError) as error:
            field_name, reason = error_field_and_reason(error)
            self.report(row, RowOutcome.REJECTED, field=field_name, reason=reason)
            return
        if not self.dry_run and applied.outcome in (RowOutcome.CREATED, RowOutcome.UPDATED):
            self.dirty.add(row.n)  # it may have created the child or given them an identifier
            if creates_child and applied.episode is not None:
                child = applied.episode.child
                self.in_file.add(
                    child_id=child.pk,
                    n=row.n,
                    la_child_id=child.la_child_id,
                    nhs_number=child.nhs_number,
                )
        self.report(row, applied.outcome, reason=applied.reason)

    # --- the whole file ---------------------------------------------------------------------

    @staticmethod
    def first_rows(chunks: list[list[_Row]]) -> set[int]:
        """The first row (by id()) of every reference, in the order the rows are applied."""
        seen: set[str] = set()
        firsts: set[int] = set()
        for chunk in chunks:
            for row in chunk:
                if row.n.police_reference not in seen:
                    seen.add(row.n.police_reference)
                    firsts.add(id(row))
        return firsts

    def to_match(self, firsts: list[_Row]) -> list[_Row]:
        """Of these first rows of their references, those whose reference is not yet known in
        any form (they will probably open a new episode)."""
        unknown = self.unknown_refs([row.n.police_reference for row in firsts])
        return [row for row in firsts if row.n.police_reference in unknown]

    def unknown_refs(self, refs: list[str]) -> set[str]:
        """Which of these references this force's records do not know in any form: a few
        queries, whatever their number."""
        force, ref = self.force.pk, "police_reference"
        known: set[str] = set()
        for model, equal in (
            (PoliceReport, {"force_id": force}),
            (IdentityReview, {"force_id": force, "status": ReviewStatus.OPEN.value}),
            (MissingEpisode, {"police_force_id": force, "nonempty": True}),
            (PoliceEvent, {"force_id": force, "outcome": EventOutcome.PENDING.value}),
        ):
            known.update(r for (r,) in rows_where_in(model, [ref], ref, refs, **equal))
        return set(refs) - known

    def prematch(self, wanted: list[_Row]) -> None:
        """Match the wanted rows in one pass over the file: identifiers in batches, and the
        children of each date of birth read once. run_chunk matches again any row that a child
        created or changed since may concern."""
        pairs = zip(wanted, self.matcher.match_many([r.n for r in wanted]), strict=True)
        for row, match in pairs:
            row.match = match

    def refresh_statistics(self) -> None:
        """PostgreSQL: the planner's statistics of the tables a big import fills, brought up to
        date each time the rows written double (autovacuum lags behind a bulk load, and a
        chunk's lookups would otherwise be planned for the tables as they were before)."""
        if connection.vendor != "postgresql" or self.dry_run:
            return
        tables = [
            m._meta.db_table for m in (MissingEpisode, RiskGrading, PoliceReport, IdentityReview)
        ]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))

    def run(self, content: bytes) -> ImportResult:
        # The young generations, where a chunk's own garbage is, are collected after each chunk.
        with cycle_collector_paused():
            return self._run(content)

    def _run(self, content: bytes) -> ImportResult:
        mapping = ForceMapping.objects.filter(organisation=self.force).first()
        if not self.dry_run:
            ReplanQueue.release_orphans()  # what an import that died held (ReplanQueue)
        ahead = MatchingAhead(self)
        try:
            ahead.start_early(content, mapping.columns if mapping else {})
            rows = self.parse(content, mapping)
            total = len(rows) + len(self.result.lines)
            done = len(self.result.lines)
            if self.progress:
                self.progress(done, total)
            chunks = list(self.chunks(rows))
            ahead.send(chunks)
            with sqlite_tuned():
                analysed = 0
                for k, chunk in enumerate(chunks):
                    ahead.receive(k)
                    self.run_chunk(chunk, last=k == len(chunks) - 1)
                    if self.written >= max(2 * analysed, 5000):
                        analysed = self.written
                        self.refresh_statistics()
                    done += len(chunk)
                    gc.collect(1)  # this chunk's garbage (cycle_collector_paused)
                    if self.progress:
                        self.progress(done, total)
        finally:
            ahead.close()
            # The earlier chunks' re-plans, held while the import ran, once it has ended
            # (written whole or stopped by an error): the worker takes them now.
            self.replans.release()
        if not self.dry_run:
            audit_record(
                actor=self.actor,
                verb=AuditVerb.POLICE_NOTIFICATIONS_IMPORTED,
                target=self.force,
                payload={"counts": self.result.counts},
            )
        return self.result


def police_download_import(
    *,
    content: bytes,
    force: Organisation,
    actor: Actor,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
    chunk_size: int | None = None,
) -> ImportResult:
    """Import one police download (CSV or XLSX) for one force; with dry_run, write nothing.

    Raises PoliceFileError when the file as a whole cannot be read.
    """
    chunk_size = chunk_size or settings.HOMESAFE_INTAKE_CHUNK_SIZE
    return PoliceDownloadImport(
        force=force,
        actor=actor,
        dry_run=dry_run,
        progress=progress,
        now=now or timezone.now(),
        chunk_size=chunk_size,
    ).run(content)
