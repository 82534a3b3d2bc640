"""What the protocol engine reads from meetings (used by homesafe.duties.facts), as
annotations on MissingEpisode so that building a child's facts takes no extra query."""

from django.db.models import OuterRef, Subquery

from homesafe.meetings.choices import FulfilledDuty, MeetingStatus
from homesafe.meetings.models import Meeting


def _first_held_fulfilling(duty: FulfilledDuty) -> Subquery:
    held = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("held_at", "id")
    return Subquery(
        held.filter(
            child_links__fulfilments__episode=OuterRef("pk"),
            child_links__fulfilments__duty=duty,
        ).values("held_at")[:1]
    )


def episode_meeting_annotations() -> dict[str, Subquery]:
    """When the first held meeting that names the duty as one it fulfils (MeetingFulfilment)
    was held:
    - strategy_meeting_at: the episode's strategy meeting (closing strategy_meeting);
    - repeat_meeting_at: the multi-agency meeting after a repeat-threshold episode (closing
      repeat_meeting)."""
    return {
        "strategy_meeting_at": _first_held_fulfilling(FulfilledDuty.STRATEGY_MEETING),
        "repeat_meeting_at": _first_held_fulfilling(FulfilledDuty.REPEAT_MEETING),
    }
