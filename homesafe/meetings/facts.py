"""What the protocol engine reads from meetings (used by homesafe.duties.facts), as
annotations on MissingEpisode so that building a child's facts takes no extra query."""

from django.db.models import OuterRef, Subquery

from homesafe.meetings.choices import REPEAT_MEETING_KINDS, MeetingKind, MeetingStatus
from homesafe.meetings.models import Meeting


def episode_meeting_annotations() -> dict[str, Subquery]:
    """- strategy_meeting_at: the first held strategy meeting that concerns the episode;
    - repeat_meeting_at: the first held strategy or multi-agency meeting about the child at
      or after the episode's report (what the repeat_meeting duty asks for)."""
    held = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("held_at", "id")
    return {
        "strategy_meeting_at": Subquery(
            held.filter(kind=MeetingKind.STRATEGY, child_links__episodes=OuterRef("pk")).values(
                "held_at"
            )[:1]
        ),
        "repeat_meeting_at": Subquery(
            held.filter(
                kind__in=REPEAT_MEETING_KINDS,
                child_links__child=OuterRef("child_id"),
                held_at__gte=OuterRef("reported_at"),
            ).values("held_at")[:1]
        ),
    }
