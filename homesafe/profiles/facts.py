"""What the protocol reads from pre-incident profiles (homesafe.duties.facts assembles it with
the other apps' facts): when each child's profile was saved, one query for any number of
children. A version saved after an episode's return is that episode's review."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from homesafe.bulk_reads import lists_by_first, rows_for_ids
from homesafe.profiles.models import ProfileVersion


def profile_saves_by_child(child_ids: Iterable[int]) -> dict[int, list[datetime]]:
    """When each child's profile versions were saved, the earliest first."""
    return lists_by_first(rows_for_ids(_saves, list(child_ids)))


def _saves(ids):
    return (
        ProfileVersion.objects.filter(child_id__in=ids)
        .order_by("saved_at", "id")
        .values_list("child_id", "saved_at")
    )
