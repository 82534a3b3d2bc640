"""The audit log: one typed entry for every read of a child's record and every change.

Written by services (changes) and by the access gate in queries.py (reads), in the same
transaction as the change. Payloads carry ids and field names, never personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

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


def changed_fields(before: dict, after: dict) -> list[str]:
    """The names of fields whose values differ: what an update's audit entry records."""
    return sorted(name for name in after if before.get(name) != after.get(name))
