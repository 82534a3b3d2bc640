"""Duties of an episode recorded in error (homesafe.episodes.services_corrections.episode_void
announces EpisodeVoided; the duties app subscribes).

Apart from duties.services: re-planning alone would close them too (the protocol's facts leave
voided episodes out), but with its generic "no longer needed"; whoever owned one should read
why, and who said so.
"""

from __future__ import annotations

from django.utils import timezone

from homesafe.access.audit import Actor
from homesafe.access.models import User
from homesafe.duties.choices import DutyEventKind, DutyState
from homesafe.duties.models import Duty, DutyEvent

RECORDED_IN_ERROR = "The episode was recorded in error: {reason}"


def duties_close_for_voided_episode(*, episode_id: int, reason: str, actor: Actor) -> list[int]:
    """Close the episode's open duties as not needed, with the reason; returns their ids.

    Runs in the caller's transaction (episode_void's), which writes the audit entry naming them.
    """
    now = timezone.now()
    user = actor if isinstance(actor, User) else None
    note = RECORDED_IN_ERROR.format(reason=reason)[:500]
    duties = list(
        Duty.objects.select_for_update()
        .filter(episode_id=episode_id, state=DutyState.OPEN)
        .order_by("pk")
    )
    for duty in duties:
        duty.state, duty.closed_at, duty.closed_by, duty.closing_note = (
            DutyState.NOT_NEEDED,
            now,
            user,
            note,
        )
    Duty.objects.bulk_update(duties, ["state", "closed_at", "closed_by", "closing_note"])
    DutyEvent.objects.bulk_create(
        [
            DutyEvent(
                duty=duty, at=now, kind=DutyEventKind.MARKED_NOT_NEEDED, actor=user, detail=note
            )
            for duty in duties
        ]
    )
    return [duty.pk for duty in duties]
