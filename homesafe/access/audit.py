"""The audit log: one typed entry for every read of a child's record and every change.

Written by services (changes) and by the access gate in queries.py (reads), in the same
transaction as the change. Payloads carry ids and field names, never personal data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import QuerySet

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry, User


@dataclass(frozen=True)
class ClientActor:
    """A machine client (a police system), named by its label and key prefix."""

    label: str


Actor = User | ClientActor


def audit_record(
    *,
    actor: Actor,
    verb: AuditVerb,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    child_id: int | None = None,
    payload: dict | None = None,
) -> AuditEntry:
    if target is not None:
        target_type = target._meta.label_lower
        target_id = target.pk
        if child_id is None:
            child_id = getattr(target, "child_id", None)
            if child_id is None and target._meta.label_lower == "people.child":
                child_id = target.pk
    return AuditEntry.objects.create(
        actor=actor if isinstance(actor, User) else None,
        actor_label="" if isinstance(actor, User) else actor.label,
        verb=verb,
        target_type=target_type,
        target_id=str(target_id),
        child_id=child_id,
        payload=payload or {},
    )


def audit_children_shown(
    *,
    actor: Actor,
    verb: AuditVerb,
    child_ids: Iterable[int | None],
    target_type: str = "people.child",
    target_id: str | int = "",
    payload: dict | None = None,
) -> AuditEntry:
    """One entry for a page or API answer that shows many children, naming each by id
    (payload "children"), so "who has seen this child" has an answer (audit_entries_naming_child).
    One INSERT whatever the number of children."""
    shown = sorted({child_id for child_id in child_ids if child_id is not None})
    return audit_record(
        actor=actor,
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        child_id=shown[0] if len(shown) == 1 else None,
        payload={**(payload or {}), "children": shown},
    )


def audit_entries_naming_child(*, child_id: int) -> QuerySet[AuditEntry]:
    """Every entry about the child: its own (child_id) and the pages and answers that showed it
    among others (payload "children"). For investigations: the second part reads each entry's
    payload, so it scans the log (a GIN index on payload serves it on PostgreSQL at scale)."""
    if connection.vendor == "postgresql":
        among = "(access_auditentry.payload -> 'children') @> %s::jsonb"
        param: object = json.dumps([child_id])
    else:
        among = (
            "EXISTS (SELECT 1 FROM json_each(access_auditentry.payload, '$.children') "
            "WHERE json_each.value = %s)"
        )
        param = child_id
    return AuditEntry.objects.extra(  # noqa: S610 (fixed SQL; the id is a parameter)
        where=[f"(access_auditentry.child_id = %s OR {among})"], params=[child_id, param]
    )


def changed_fields(before: dict, after: dict) -> list[str]:
    """The names of fields whose values differ: what an update's audit entry records."""
    return sorted(name for name in after if before.get(name) != after.get(name))
