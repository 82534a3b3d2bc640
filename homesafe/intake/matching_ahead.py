"""A big police download matched by a second process, a chunk ahead of the import that writes
it (two cores: one writes, one matches). Used by homesafe.intake.imports; docs/intake.md says
when it starts and how it fails safe.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import multiprocessing
import os
import signal
import sys
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, connections

from homesafe.intake.files import PoliceFileError, is_xlsx, read_police_file
from homesafe.intake.matching import IdentityMatcher
from homesafe.intake.notifications import NotificationError, PoliceNotification, parse_date

if TYPE_CHECKING:
    from homesafe.intake.imports import PoliceDownloadImport, _Row

PR_SET_PDEATHSIG = 1  # linux/prctl.h

_IDENTITY_FIELDS = (
    "police_reference", "person_id", "la_child_id", "nhs_number", "forename", "surname",
    "aliases", "date_of_birth", "sex",
)  # fmt: skip


def _identity(n: PoliceNotification) -> tuple:
    """What matching needs of a notification: sent to the second process (MatchingAhead)."""
    return tuple(getattr(n, name) for name in _IDENTITY_FIELDS)


def _birth_days(content: bytes, columns: dict) -> set[dt.date]:
    """The dates of birth in a CSV file, by a quick pass over that one column (bad values and
    an unreadable file are left for the import itself to report)."""
    days: set[dt.date] = set()
    try:
        _missing, source_rows = read_police_file(content, columns=columns)
        for source in source_rows:
            if source.unreadable:
                break
            try:
                day = parse_date(source.values.get("date_of_birth"), "date_of_birth")
            except NotificationError:
                continue
            if day:
                days.add(day)
    except PoliceFileError:
        pass
    return days


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when its parent dies (a killed import leaves no
    matching process holding a database connection), and stop now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(0)


def _match_ahead_child(
    parent_pid: int, parent_ends: tuple, importer, content, columns, inbox, outbox
) -> None:
    """The second process's start: tied to its parent's life, and holding none of its
    parent's pipe ends (else it would never see the end of its inbox if the parent died)."""
    _die_with_parent(parent_pid)
    for end in parent_ends:
        end.close()
    _match_ahead(importer, content, columns, inbox, outbox)


def _match_ahead(
    importer: PoliceDownloadImport, content: bytes | None, columns: dict, inbox, outbox
) -> None:
    """The second process of MatchingAhead. Given the file (CSV), it first reads the children
    born on the file's dates of birth, while the first process parses the file; then it takes
    each chunk's first rows of their references, as identity tuples, keeps those whose
    reference is not yet known (PoliceDownloadImport.unknown_refs), matches them and sends
    back (chunk, [(line, match), ...]), chunk by chunk."""
    matcher = IdentityMatcher(excluded=importer.matcher.excluded, cache_blocks=True)
    try:
        if content is not None:
            matcher.preload(_birth_days(content, columns))
        work = []
        while (item := inbox.recv()) is not None:
            work.append(item)
        for k, identities in work:
            lines = {identity[0]: identity[1:] for identity in identities}
            unknown = importer.unknown_refs([values[0] for values in lines.values()])
            chosen = [line for line, values in lines.items() if values[0] in unknown]
            notifications = [
                PoliceNotification(**dict(zip(_IDENTITY_FIELDS, lines[line], strict=True)))
                for line in chosen
            ]
            matches = matcher.match_many(notifications)
            outbox.send((k, list(zip(chosen, matches, strict=True))))
    except (EOFError, OSError):
        pass  # the first process stopped waiting (a closed pipe): nothing more to do
    finally:
        outbox.close()
        connections.close_all()


class MatchingAhead:
    """A big file's rows matched by a second process, a chunk ahead of the process that
    writes (two cores: one writes, one matches; docs/intake.md).

    A CSV file with at least HOMESAFE_INTAKE_MATCH_AHEAD_MIN_ROWS lines (a setting): the second
    process is forked before the file is parsed and reads the children of the file's dates of birth meanwhile. Any other
    file with that many references: forked once the file is parsed. Otherwise (a smaller
    file, a transaction around the import, an in-memory SQLite database, one core), `send`
    matches the rows here and now, for the whole file. A row left without a match (the
    second process stopped, or saw the database before a change) is matched by run_chunk."""

    def __init__(self, importer: PoliceDownloadImport):
        self.importer = importer
        self.process = None
        self.chunks: list[list[_Row]] = []
        self.possible = (
            (os.cpu_count() or 1) >= 2
            and not connection.in_atomic_block
            and not (connection.vendor == "sqlite" and connection.is_in_memory_db())
        )

    def start_early(self, content: bytes, columns: dict) -> None:
        lines = 0 if is_xlsx(content) else content.count(b"\n")
        if self.possible and lines >= settings.HOMESAFE_INTAKE_MATCH_AHEAD_MIN_ROWS:
            self._fork(content, columns)

    def _fork(self, content: bytes | None, columns: dict) -> None:
        context = multiprocessing.get_context("fork")
        inbox, self.to_child = context.Pipe(duplex=False)
        self.from_child, outbox = context.Pipe(duplex=False)
        connections.close_all()  # the second process opens its own, and this one its own again
        self.process = context.Process(
            target=_match_ahead_child,
            args=(
                os.getpid(),
                (self.to_child, self.from_child),
                self.importer,
                content,
                columns,
                inbox,
                outbox,
            ),
            daemon=True,
        )
        self.process.start()
        inbox.close()
        outbox.close()

    def send(self, chunks: list[list[_Row]]) -> None:
        """Hand over the chunks: to the second process (started now if the file is big enough
        and it was not started before), or matched here."""
        self.chunks = chunks
        firsts = self.importer.first_rows(chunks)
        if (
            self.process is None
            and self.possible
            and len(firsts) >= settings.HOMESAFE_INTAKE_MATCH_AHEAD_MIN_ROWS
        ):
            self._fork(None, {})
        if self.process is None:
            every = [row for chunk in chunks for row in chunk if id(row) in firsts]
            self.importer.prematch(self.importer.to_match(every))
            return
        try:
            for k, chunk in enumerate(chunks):
                identities = [(row.line, *_identity(row.n)) for row in chunk if id(row) in firsts]
                self.to_child.send((k, identities))
            self.to_child.send(None)
        except OSError:
            pass  # the second process stopped: run_chunk matches these rows

    def receive(self, k: int) -> None:
        """Put chunk k's matches on its rows."""
        if self.process is None:
            return
        try:
            got, matches = self.from_child.recv()
        except (EOFError, OSError):
            return  # the second process stopped: run_chunk matches these rows
        if got == k:
            by_line = dict(matches)
            for row in self.chunks[k]:
                if row.line in by_line:
                    row.match = by_line[row.line]
                    self.importer.result.matched_ahead += 1

    def close(self) -> None:
        if self.process is None:
            return
        self.to_child.close()
        self.from_child.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
