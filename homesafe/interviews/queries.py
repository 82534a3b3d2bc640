"""Reads of return home interviews, always through the access gate: an interview is seen with
its episode (homesafe.episodes.queries), and its content only as interviews.policy allows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import Organisation, User
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.queries import episode_get_for_user_or_404
from homesafe.interviews.models import ContactAttempt, ReturnInterview
from homesafe.interviews.policy import (
    can_record_interview,
    can_view_rhi_content,
    can_view_rhi_summary,
)


@dataclass(frozen=True)
class InterviewView:
    """An episode's interview as one user may see it."""

    episode: MissingEpisode
    interview: ReturnInterview | None
    content: bool  # the confidential record
    summary: bool  # the shareable summary
    can_record: bool


def interview_for_episode(*, episode: MissingEpisode) -> ReturnInterview | None:
    """The episode's interview with what its page shows; the caller has passed the episode gate."""
    return (
        ReturnInterview.objects.filter(episode=episode)
        .select_related("offered_by_organisation", "held_by_organisation", "recorded_by")
        .prefetch_related(
            Prefetch("attempts", queryset=ContactAttempt.objects.select_related("recorded_by")),
            Prefetch("shared_with", queryset=Organisation.objects.order_by("name")),
        )
        .first()
    )


def interview_view_for_user(
    *, user: User, episode: MissingEpisode, log_read: bool = True
) -> InterviewView:
    """What this user may see of the episode's interview; logs a read of what is shown."""
    interview = interview_for_episode(episode=episode)
    can_record = can_record_interview(user, episode.child)
    if interview is None:
        return InterviewView(episode, None, content=False, summary=False, can_record=can_record)
    interview.child = episode.child  # already fetched with the episode
    interview.episode = episode
    content = can_view_rhi_content(user, interview)
    summary = content or can_view_rhi_summary(user, interview)
    if log_read and (content or summary):
        audit_record(
            actor=user,
            verb=AuditVerb.INTERVIEW_VIEWED,
            target=interview,
            payload={"content": content, "summary": summary},
        )
    return InterviewView(
        episode, interview, content=content, summary=summary, can_record=can_record
    )


def interview_page_for_user_or_404(
    *, user: User, episode_id: int, log_read: bool = True
) -> InterviewView:
    """The episode's interview as the user may see it; 404 if the episode is not theirs to see."""
    episode = episode_get_for_user_or_404(user=user, episode_id=episode_id)
    return interview_view_for_user(user=user, episode=episode, log_read=log_read)
