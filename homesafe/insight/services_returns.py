"""Use cases of the statutory returns: an export is recorded in the audit log, naming every
child whose data it holds (no personal data: ids, the return, the year, the file names)."""

from __future__ import annotations

from collections.abc import Iterable

from homesafe.access.audit import Actor, audit_children_shown
from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.use_cases import use_case


@use_case
def statutory_return_record_export(
    *,
    actor: Actor,
    return_name: str,
    la_id: int,
    year: str,
    child_ids: Iterable[int],
    files: Iterable[str],
    forced: bool = False,
) -> AuditEntry:
    return audit_children_shown(
        actor=actor,
        verb=AuditVerb.RETURN_EXPORTED,
        child_ids=child_ids,
        target_type="access.organisation",
        target_id=la_id,
        payload={
            "return": return_name,
            "year": year,
            "files": sorted(files),
            "forced": forced,
        },
    )
