"""What the protocol engine reads from meetings (homesafe.duties.facts assembles it with the
other apps' facts): when the first held meeting that fulfils an episode's duty
(MeetingFulfilment) was held:
- strategy_meeting: the episode's strategy meeting (closing strategy_meeting);
- repeat_meeting: the multi-agency meeting after a repeat-threshold episode (closing
  repeat_meeting)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from homesafe.bulk_reads import rows_for_ids
from homesafe.meetings.choices import MeetingStatus
from homesafe.meetings.models import MeetingFulfilment


def meetings_held_by_episode(child_ids: Iterable[int]) -> dict[int, dict[str, datetime]]:
    """By id of the children's episodes: for each duty a held meeting fulfils (FulfilledDuty),
    when the first such meeting was held. One query."""
    held: dict[int, dict[str, datetime]] = {}
    for episode_id, duty, held_at in rows_for_ids(
        lambda ids: (
            MeetingFulfilment.objects.filter(
                episode__child_id__in=ids, link__meeting__status=MeetingStatus.HELD
            )
            .order_by("link__meeting__held_at", "link__meeting_id")
            .values_list("episode_id", "duty", "link__meeting__held_at")
        ),
        list(child_ids),
    ):
        held.setdefault(episode_id, {}).setdefault(duty, held_at)
    return held
