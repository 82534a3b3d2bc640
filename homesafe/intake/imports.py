"""Importing a police download: every row checked, matched and applied once, with a report.

How it stays fast and safe (docs/intake.md):
- every row is parsed and validated first; a bad row is reported by line and field, never written;
- rows are applied in order of when the child was last seen, in chunks; a chunk's candidates are
  read with one query per kind of key (references, identifiers, dates of birth);
- a row that creates a new episode for a confidently matched child is fully checked in Python
  and then written with the rest of its chunk in ONE transaction (bulk inserts), so a row is
  either wholly written or not at all; anything else (updates, new children, adopting an episode
  recorded by hand) goes through the services one row per transaction;
- each applied row stores the hash of its state (PoliceReport), so importing the same file again,
  or running an interrupted import again, changes nothing that was already done.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry, Organisation, User
from homesafe.episodes.choices import EpisodeStatus, EpisodeType, LocationKind, ReportedBy
from homesafe.episodes.models import Location, MissingEpisode, RiskGrading
from homesafe.episodes.services import OVERLAPS_EARLIER
from homesafe.intake.choices import EventOutcome, NotificationSource, ReviewStatus, RowOutcome
from homesafe.intake.files import read_police_file
from homesafe.intake.matching import REVIEW_NOT_FOUND, IdentityMatcher, MatchResult
from homesafe.intake.models import (
    ForceMapping,
    IdentityCandidate,
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
    duties_replan_children,
    error_field_and_reason,
    force_default_local_authority,
    merged_child_ids,
    police_notification_apply,
)
from homesafe.people.models import Child

REPORT_HEADER = ("line", "outcome", "police_reference", "field", "reason")
WAITING_FOR_REVIEW = "Waiting for the missing coordinator to confirm the child."
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_CHUNK_SIZE = 1000


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


def _pause_for_tests(rows_written: int) -> None:
    """Test hook: with HOMESAFE_INTAKE_PAUSE_AFTER_ROWS=N, stop inside the transaction of the
    chunk that passes N rows, so a test can kill the process with a chunk half written."""
    limit = os.environ.get("HOMESAFE_INTAKE_PAUSE_AFTER_ROWS")
    if limit and rows_written >= int(limit):
        marker = os.environ.get("HOMESAFE_INTAKE_PAUSE_FILE")
        if marker:
            Path(marker).write_text(str(rows_written))
        print("paused", file=sys.stderr, flush=True)
        time.sleep(600)


@dataclass
class _Row:
    line: int
    n: PoliceNotification
    match: MatchResult | None = None


class PoliceDownloadImport:
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
        self.seen: dict[str, str] = {}  # dry run: reference -> state hash of rows already counted
        self.written = 0

    def report(self, row: _Row | None, outcome: str, *, line=0, ref="", field="", reason=""):
        if row is not None:
            line, ref = row.line, row.n.police_reference
        self.result.lines.append(ReportLine(line, outcome, ref, field, reason))
        if row is not None and outcome != RowOutcome.REJECTED and self.dry_run:
            self.seen[ref] = row.n.state_hash

    # --- reading ----------------------------------------------------------------------------

    def parse(self, content: bytes) -> list[_Row]:
        mapping = ForceMapping.objects.filter(organisation=self.force).first()
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
            rows.append(_Row(source.line, n))
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

    def run_chunk(self, chunk: list[_Row]) -> None:
        force = self.force
        refs = [row.n.police_reference for row in chunk]
        states = dict(
            PoliceReport.objects.filter(force=force, police_reference__in=refs).values_list(
                "police_reference", "state_hash"
            )
        )
        reviews = dict(
            IdentityReview.objects.filter(
                force=force, police_reference__in=refs, status=ReviewStatus.OPEN
            ).values_list("police_reference", "state_hash")
        )
        existing = set(
            MissingEpisode.objects.filter(
                police_force=force, police_reference__in=refs
            ).values_list("police_reference", flat=True)
        )
        pending = set(
            PoliceEvent.objects.filter(
                force=force, police_reference__in=refs, outcome=EventOutcome.PENDING
            ).values_list("police_reference", flat=True)
        )
        fresh: list[_Row] = []
        slow: list[_Row] = []
        for row in chunk:
            ref, state = row.n.police_reference, row.n.state_hash
            if ref in self.seen:
                outcome = RowOutcome.UNCHANGED if self.seen[ref] == state else RowOutcome.UPDATED
                self.report(row, outcome)
            elif states.get(ref) == state:
                self.report(row, RowOutcome.UNCHANGED)
            elif reviews.get(ref) == state:
                self.report(row, RowOutcome.NEEDS_REVIEW, reason=WAITING_FOR_REVIEW)
            elif ref in existing or ref in reviews or ref in pending:
                slow.append(row)
            else:
                fresh.append(row)
        for row, match in zip(fresh, self.matcher.match_many([r.n for r in fresh]), strict=True):
            row.match = match
        child_ids = {row.match.child_id for row in fresh if row.match.confident}
        open_children = set(
            MissingEpisode.objects.filter(
                child_id__in=child_ids, status=EpisodeStatus.MISSING
            ).values_list("child_id", flat=True)
        )
        last_return = dict(
            MissingEpisode.objects.filter(child_id__in=child_ids, returned_at__isnull=False)
            .values("child_id")
            .annotate(latest=Max("returned_at"))
            .values_list("child_id", "latest")
        )
        new_episodes: list[_Row] = []
        new_reviews: list[_Row] = []
        taken: set[int] = set()
        for row in fresh:
            match = row.match
            if match.confident:
                child_id = match.child_id
                if child_id in open_children or child_id in taken:
                    slow.append(row)
                    continue
                latest = last_return.get(child_id)
                if latest is not None and latest > row.n.last_seen_at:
                    until = timezone.localtime(latest).strftime("%d/%m/%Y %H:%M")
                    self.report(
                        row,
                        RowOutcome.REJECTED,
                        field="last_seen_at",
                        reason=OVERLAPS_EARLIER.format(until=until),
                    )
                    continue
                taken.add(child_id)
                new_episodes.append(row)
            elif match.unknown_child and self.default_la is not None:
                slow.append(row)
            else:
                new_reviews.append(row)
        if self.dry_run:
            for row in new_episodes:
                self.report(row, RowOutcome.CREATED)
            for row in new_reviews:
                self.report(
                    row, RowOutcome.NEEDS_REVIEW, reason=row.match.reason or REVIEW_NOT_FOUND
                )
        else:
            with transaction.atomic():
                self.write_new(new_episodes, new_reviews)
        for row in slow:
            self.run_row(row)

    def run_row(self, row: _Row) -> None:
        """A row that needs the services (an update, a new child, an episode recorded by hand)."""
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
        self.report(row, applied.outcome, reason=applied.reason)

    # --- the bulk write of a chunk's new episodes ------------------------------------------

    def _audit(self, verb: str, target_type: str, target_id, child_id, payload=None) -> AuditEntry:
        return AuditEntry(
            at=self.now,
            actor=self.user,
            actor_label="" if self.user else self.actor.label,
            verb=verb,
            target_type=target_type,
            target_id=str(target_id),
            child_id=child_id,
            payload=payload or {},
        )

    def write_new(self, rows: list[_Row], reviews: list[_Row]) -> None:
        force, now, user = self.force, self.now, self.user
        audit: list[AuditEntry] = []
        places: list[Location] = []
        for row in rows:
            n = row.n
            row.last_seen = row.found = None
            if n.last_seen_location:
                row.last_seen = Location(kind=LocationKind.OTHER, description=n.last_seen_location)
                places.append(row.last_seen)
            if n.found_at is not None and n.found_location:
                row.found = Location(kind=LocationKind.OTHER, description=n.found_location)
                places.append(row.found)
        Location.objects.bulk_create(places)
        episodes = []
        for row in rows:
            n = row.n
            for place in (row.last_seen, row.found):
                if place is not None:
                    audit.append(
                        self._audit(
                            AuditVerb.LOCATION_CREATED,
                            "episodes.location",
                            place.pk,
                            row.match.child_id,
                        )
                    )
            episodes.append(
                MissingEpisode(
                    child_id=row.match.child_id,
                    episode_type=EpisodeType.MISSING,
                    status=EpisodeStatus.RETURNED if n.found_at else EpisodeStatus.MISSING,
                    last_seen_at=n.last_seen_at,
                    last_seen_location=row.last_seen,
                    reported_at=n.reported_at,
                    police_force=force,
                    police_reference=n.police_reference,
                    reported_by=ReportedBy.OTHER,
                    pre_planned=n.pre_planned,
                    returned_at=n.found_at,
                    found_location=row.found,
                    found_by=n.found_by if n.found_at else "",
                    police_closed_reason=n.closed_reason,
                    police_closed_at=max(now, n.last_seen_at) if n.closed_reason else None,
                    created_by=user,
                    created_at=now,
                )
            )
        MissingEpisode.objects.bulk_create(episodes)
        self.written += len(rows)
        _pause_for_tests(self.written)
        gradings, states = [], []
        for row, episode in zip(rows, episodes, strict=True):
            n = row.n
            gradings.append(
                RiskGrading(
                    episode=episode,
                    grade=n.risk,
                    graded_at=n.reported_at,
                    recorded_by=user,
                    recorded_at=now,
                )
            )
            states.append(
                PoliceReport(
                    force=force,
                    police_reference=n.police_reference,
                    state_hash=n.state_hash,
                    episode=episode,
                    updated_at=now,
                )
            )
            child_id = row.match.child_id
            audit.append(
                self._audit(
                    AuditVerb.EPISODE_REPORTED,
                    "episodes.missingepisode",
                    episode.pk,
                    child_id,
                    {"episode_type": EpisodeType.MISSING.value, "risk": n.risk},
                )
            )
            if n.found_at:
                audit.append(
                    self._audit(
                        AuditVerb.EPISODE_RETURNED,
                        "episodes.missingepisode",
                        episode.pk,
                        child_id,
                        {"found_by": n.found_by},
                    )
                )
            if n.closed_reason:
                audit.append(
                    self._audit(
                        AuditVerb.EPISODE_POLICE_CLOSED,
                        "episodes.missingepisode",
                        episode.pk,
                        child_id,
                    )
                )
        RiskGrading.objects.bulk_create(gradings)
        PoliceReport.objects.bulk_create(states)
        self._learn_person_ids(rows, audit)
        self._open_reviews(reviews)
        AuditEntry.objects.bulk_create(audit)
        duties_replan_children(row.match.child_id for row in rows)
        for row in rows:
            self.report(row, RowOutcome.CREATED)
        for row in reviews:
            self.report(row, RowOutcome.NEEDS_REVIEW, reason=row.match.reason or REVIEW_NOT_FOUND)

    def _learn_person_ids(self, rows: list[_Row], audit: list[AuditEntry]) -> None:
        wanted = {row.match.child_id: row.n.person_id for row in rows if row.n.person_id}
        if not wanted:
            return
        lacking = Child.objects.filter(pk__in=wanted, police_person_id="").values_list(
            "pk", flat=True
        )
        for child_id in lacking:
            Child.objects.filter(pk=child_id).update(police_person_id=wanted[child_id])
            audit.append(
                self._audit(
                    AuditVerb.CHILD_UPDATED,
                    "people.child",
                    child_id,
                    child_id,
                    {"fields": ["police_person_id"]},
                )
            )

    def _open_reviews(self, rows: list[_Row]) -> None:
        if not rows:
            return
        reviews = [
            IdentityReview(
                force=self.force,
                police_reference=row.n.police_reference,
                source=NotificationSource.DOWNLOAD,
                notification=row.n.as_json(),
                state_hash=row.n.state_hash,
                reason=(row.match.reason or REVIEW_NOT_FOUND)[:300],
                created_at=self.now,
            )
            for row in rows
        ]
        IdentityReview.objects.bulk_create(reviews)
        IdentityCandidate.objects.bulk_create(
            [
                IdentityCandidate(
                    review=review, child_id=c.child_id, score=c.score, reasons=c.reasons
                )
                for review, row in zip(reviews, rows, strict=True)
                for c in row.match.candidates
            ]
        )

    # --- the whole file ---------------------------------------------------------------------

    def run(self, content: bytes) -> ImportResult:
        rows = self.parse(content)
        total = len(rows) + len(self.result.lines)
        done = len(self.result.lines)
        if self.progress:
            self.progress(done, total)
        for chunk in self.chunks(rows):
            self.run_chunk(chunk)
            done += len(chunk)
            if self.progress:
                self.progress(done, total)
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
    chunk_size = chunk_size or int(
        os.environ.get("HOMESAFE_INTAKE_CHUNK_SIZE", str(DEFAULT_CHUNK_SIZE))
    )
    return PoliceDownloadImport(
        force=force,
        actor=actor,
        dry_run=dry_run,
        progress=progress,
        now=now or timezone.now(),
        chunk_size=chunk_size,
    ).run(content)
