"""The bulk write of a chunk's new episodes, for homesafe.intake.imports: a chunk's episodes,
their places, gradings, report states and audit entries, and its new identity reviews, by
bulk statements (homesafe.bulk.BulkInsert: executemany on SQLite, COPY on PostgreSQL), in the
caller's transaction. Every row was fully checked before; each gets the audit entries the
services would write for it (tests/intake/test_import_bulk.py holds the two together).
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

from django.db import connection
from django.dispatch import Signal
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.bulk import JSONText
from homesafe.episodes.choices import EpisodeStatus, EpisodeType, LocationKind, ReportedBy
from homesafe.episodes.models import Location, MissingEpisode, RiskGrading
from homesafe.intake.choices import NotificationSource, ReviewStatus, RowOutcome
from homesafe.intake.matching import REVIEW_NOT_FOUND, rows_where_in
from homesafe.intake.models import IdentityCandidate, IdentityReview, PoliceReport
from homesafe.interviews.services_routes import rhi_referrals_on_return
from homesafe.people.choices import Cohort
from homesafe.people.models import Child, ChildAlias, CohortPeriod
from homesafe.use_cases import facts_changed

if TYPE_CHECKING:
    from homesafe.intake.imports import _Row


# Sent inside the transaction of a chunk's writes, once its episodes are written (on PostgreSQL,
# sent to be written: BulkInsert's `behind`) and before its gradings, states and audit entries,
# with the rows the import has written so far. HomeSafe does not receive it: a test holds a process
# here to kill it with a chunk half written (tests/held_process.py).
import_chunk_writing = Signal()


class ChunkWrites:
    """PoliceDownloadImport's bulk writes (a mixin: it uses the import's force, actor, clock,
    BulkInsert and report)."""

    def _audit(self, verb: str, target_type: str, target_id, child_id, payload=None) -> dict:
        payload = payload or {}
        if all(isinstance(value, str) for value in payload.values()):
            key = tuple(sorted(payload.items()))
            text = self.payloads.get(key)
            if text is None:
                text = self.payloads[key] = JSONText(json.dumps(payload))
        else:
            text = JSONText(json.dumps(payload))
        return {
            **self.audit_base,
            "verb": verb,
            "target_type": target_type,
            "target_id": str(target_id),
            "child_id": child_id,
            "payload": text,
        }

    def write_new(self, rows: list[_Row], reviews: list[_Row], children: list[_Row]) -> None:
        """Write a chunk's new children, its new episodes (and their places, gradings, states
        and audit entries) and its new reviews, by bulk statements (BulkInsert); the caller
        holds the transaction. On PostgreSQL the COPYs after the children's are sent by a
        second thread while this one builds the next rows (BulkInsert.insert's `behind`), all
        done before anything reads them."""
        immediate = connection.vendor == "postgresql"
        if immediate:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with self.bulk.sending_behind():
            self._write_new(rows, reviews, children)
        if immediate:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # As episode_record_return: a child found in the same download is referred first.
        rhi_referrals_on_return(
            episode_ids=[row.episode_id for row in rows if row.n.found_at],
            actor=self.actor,
        )
        facts_changed(child_ids=[row.match.child_id for row in rows])
        for row in rows:
            self.report(row, RowOutcome.CREATED)
        for row in reviews:
            self.report(row, RowOutcome.NEEDS_REVIEW, reason=row.match.reason or REVIEW_NOT_FOUND)

    def _write_new(self, rows: list[_Row], reviews: list[_Row], children: list[_Row]) -> None:
        force, now = self.force, self.now
        user_id = self.user.pk if self.user else None
        bulk = self.bulk
        audit: list[dict] = []
        if children:
            real = self._create_children(children, audit)
            for row in (*rows, *reviews):
                match = row.match
                if match.child_id is not None:
                    match.child_id = real.get(match.child_id, match.child_id)
                match.candidates = [
                    dataclasses.replace(c, child_id=real.get(c.child_id, c.child_id))
                    for c in match.candidates
                ]
            self.in_file.replace_ids(real)
        # What reads or updates comes first, and every id is drawn (BulkInsert.reserve): the
        # COPYs sent behind from here on never hold up this thread's statements.
        learned: list[dict] = []
        self._learn_person_ids(rows, learned)
        places: list[dict] = []
        place_rows: list[tuple[_Row, str]] = []
        for row in rows:
            n = row.n
            if n.last_seen_location:
                places.append({"kind": LocationKind.OTHER, "description": n.last_seen_location})
                place_rows.append((row, "last_seen"))
            if n.found_at is not None and n.found_location:
                places.append({"kind": LocationKind.OTHER, "description": n.found_location})
                place_rows.append((row, "found"))
        bulk.reserve(IdentityReview, len(reviews))
        bulk.reserve(Location, len(places))
        bulk.reserve(MissingEpisode, len(rows))
        self._open_reviews(reviews)
        place_ids: dict[tuple[int, str], int] = {}
        for (row, which), place_id in zip(
            place_rows,
            bulk.insert(Location, places, now=now, grouped=True, behind=True),
            strict=True,
        ):
            place_ids[(id(row), which)] = place_id
            audit.append(
                self._audit(
                    AuditVerb.LOCATION_CREATED, "episodes.location", place_id, row.match.child_id
                )
            )
        episodes = []
        for row in rows:
            n = row.n
            episodes.append(
                {
                    "child_id": row.match.child_id,
                    "episode_type": EpisodeType.MISSING,
                    "status": EpisodeStatus.RETURNED if n.found_at else EpisodeStatus.MISSING,
                    "last_seen_at": n.last_seen_at,
                    "last_seen_location_id": place_ids.get((id(row), "last_seen")),
                    "reported_at": n.reported_at,
                    "police_force_id": force.pk,
                    "police_reference": n.police_reference,
                    "reported_by": ReportedBy.OTHER,
                    "pre_planned": n.pre_planned,
                    "returned_at": n.found_at,
                    "found_location_id": place_ids.get((id(row), "found")),
                    "found_by": n.found_by if n.found_at else "",
                    "police_closed_reason": n.closed_reason,
                    "police_closed_at": max(now, n.last_seen_at) if n.closed_reason else None,
                    "created_by_id": user_id,
                    "created_at": now,
                }
            )
        episode_ids = bulk.insert(MissingEpisode, episodes, now=now, behind=True)
        self.written += len(rows)
        import_chunk_writing.send(sender=type(self), rows_written=self.written)
        gradings, states = [], []
        for row, episode_id in zip(rows, episode_ids, strict=True):
            n = row.n
            row.episode_id = episode_id
            gradings.append(
                {
                    "episode_id": episode_id,
                    "grade": n.risk,
                    "graded_at": n.reported_at,
                    "recorded_by_id": user_id,
                    "recorded_at": now,
                }
            )
            states.append(
                {
                    "force_id": force.pk,
                    "police_reference": n.police_reference,
                    "state_hash": row.state,
                    "episode_id": episode_id,
                    "updated_at": now,
                }
            )
            child_id = row.match.child_id
            audit.append(
                self._audit(
                    AuditVerb.EPISODE_REPORTED,
                    "episodes.missingepisode",
                    episode_id,
                    child_id,
                    {"episode_type": EpisodeType.MISSING.value, "risk": n.risk},
                )
            )
            if n.found_at:
                audit.append(
                    self._audit(
                        AuditVerb.EPISODE_RETURNED,
                        "episodes.missingepisode",
                        episode_id,
                        child_id,
                        {"found_by": n.found_by},
                    )
                )
            if n.closed_reason:
                audit.append(
                    self._audit(
                        AuditVerb.EPISODE_POLICE_CLOSED,
                        "episodes.missingepisode",
                        episode_id,
                        child_id,
                    )
                )
        bulk.insert(RiskGrading, gradings, now=now, ids=False, grouped=True, behind=True)
        bulk.insert(PoliceReport, states, now=now, ids=False, grouped=True, behind=True)
        audit.extend(learned)
        bulk.insert(AuditEntry, audit, now=now, ids=False, grouped=True, behind=True)

    def _create_children(self, rows: list[_Row], audit: list[dict]) -> dict[int, int]:
        """The chunk's children new to HomeSafe, one per first row, as child_create and
        police_notification_apply make them (an NHS number or LA child ID another child has is
        left blank); returns their ids by stand-in id."""
        la = self.default_la
        nhs_taken = {
            value
            for (value,) in rows_where_in(
                Child, ["nhs_number"], "nhs_number", {r.n.nhs_number for r in rows if r.n.nhs_number},
                nonempty=True,
            )
        }  # fmt: skip
        la_ids_taken = {
            value
            for (value,) in rows_where_in(
                Child, ["la_child_id"], "la_child_id",
                {r.n.la_child_id for r in rows if r.n.la_child_id},
                nonempty=True, responsible_la_id=la.pk,
            )
        }  # fmt: skip
        values = []
        for row in rows:
            n = row.n
            nhs = "" if n.nhs_number in nhs_taken else n.nhs_number
            la_child_id = "" if n.la_child_id in la_ids_taken else n.la_child_id
            nhs_taken.add(nhs)
            la_ids_taken.add(la_child_id)
            values.append(
                {
                    "first_name": n.forename,
                    "last_name": n.surname,
                    "date_of_birth": n.date_of_birth,
                    "sex": n.sex,
                    "police_person_id": n.person_id,
                    "nhs_number": nhs.replace(" ", ""),
                    "la_child_id": la_child_id,
                    "responsible_la_id": la.pk,
                    "created_at": self.now,
                }
            )
        ids = self.bulk.insert(Child, values, now=self.now)
        started_on = timezone.localdate(self.now)
        self.bulk.insert(
            CohortPeriod,
            [{"child_id": pk, "cohort": Cohort.NOT_KNOWN, "started_on": started_on} for pk in ids],
            now=self.now,
            ids=False,
            grouped=True,
        )
        self.bulk.insert(
            ChildAlias,
            [
                {"child_id": pk, "name": name}
                for pk, row in zip(ids, rows, strict=True)
                for name in dict.fromkeys(a.strip() for a in row.n.aliases if a.strip())
            ],
            now=self.now,
            ids=False,
            grouped=True,
        )
        audit.extend(self._audit(AuditVerb.CHILD_CREATED, "people.child", pk, pk) for pk in ids)
        return {row.match.child_id: pk for row, pk in zip(rows, ids, strict=True)}

    def _learn_person_ids(self, rows: list[_Row], audit: list[dict]) -> None:
        wanted: dict[int, str] = {}
        for row in rows:  # the first person ID a child is given, as row after row would
            if row.n.person_id:
                wanted.setdefault(row.match.child_id, row.n.person_id)
        if not wanted:
            return
        lacking = [pk for (pk,) in rows_where_in(Child, ["id"], "id", wanted, police_person_id="")]
        if not lacking:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Child._meta.db_table} SET police_person_id = %s WHERE id = %s",
                [(wanted[child_id], child_id) for child_id in lacking],
            )
        for child_id in lacking:
            self.dirty.person_ids.add(wanted[child_id])
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
        review_ids = self.bulk.insert(
            IdentityReview,
            [
                {
                    "force_id": self.force.pk,
                    "police_reference": row.n.police_reference,
                    "source": NotificationSource.DOWNLOAD,
                    "notification": row.n.as_json(),
                    "state_hash": row.state,
                    "reason": (row.match.reason or REVIEW_NOT_FOUND)[:300],
                    "status": ReviewStatus.OPEN,
                    "created_at": self.now,
                }
                for row in rows
            ],
            now=self.now,
            behind=True,
        )
        self.bulk.insert(
            IdentityCandidate,
            [
                {
                    "review_id": review_id,
                    "child_id": c.child_id,
                    "score": c.score,
                    "reasons": c.reasons,
                }
                for review_id, row in zip(review_ids, rows, strict=True)
                for c in row.match.candidates
            ],
            now=self.now,
            ids=False,
            grouped=True,
            behind=True,
        )
