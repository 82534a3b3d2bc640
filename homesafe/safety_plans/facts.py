"""What the protocol reads from safety plans (homesafe.duties.facts assembles it with the other
apps' facts): when each child's plan versions were saved, one query for any number of children.
A plan saved before a return was in force at the return; a version saved after it is its review."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from homesafe.bulk_reads import lists_by_first, rows_for_ids
from homesafe.safety_plans.models import SafetyPlanVersion


def safety_plan_saves_by_child(child_ids: Iterable[int]) -> dict[int, list[datetime]]:
    """When each child's safety plan versions were saved, the earliest first."""
    return lists_by_first(rows_for_ids(_saves, list(child_ids)))


def _saves(ids):
    return (
        SafetyPlanVersion.objects.filter(child_id__in=ids)
        .order_by("saved_at", "id")
        .values_list("child_id", "saved_at")
    )
