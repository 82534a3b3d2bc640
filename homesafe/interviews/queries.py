"""Reads of return home interviews, always through the access gate: an interview is seen with
its episode (homesafe.episodes.queries), and its content only as interviews.policy allows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import Organisation, User
from homesafe.access.policy import managed_users_scope
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.queries import episode_get_for_user_or_404
from homesafe.interviews.choices import DEFAULT_TERMS
from homesafe.interviews.models import (
    ContactAttempt,
    InterviewDraft,
    InterviewTerm,
    ReturnInterview,
)
from homesafe.interviews.policy import (
    can_record_interview,
    can_view_rhi_content,
    can_view_rhi_summary,
)


class Taxonomy:
    """The installation's push and pull factors and exploitation indicators, read once."""

    def __init__(self, terms: Iterable[InterviewTerm]) -> None:
        self.terms = tuple(terms)
        self._by_code = {(t.kind, t.code): t for t in self.terms}

    def of_kind(self, kind: str) -> list[InterviewTerm]:
        """Every term of a kind, active and retired, in the administrators' order."""
        return [t for t in self.terms if t.kind == kind]

    def active(self, kind: str) -> list[InterviewTerm]:
        return [t for t in self.of_kind(kind) if not t.is_retired]

    def get(self, kind: str, code: str) -> InterviewTerm | None:
        return self._by_code.get((kind, code))

    def labels(self, kind: str, codes: Iterable[str]) -> list[str]:
        """The labels of the codes held, in the order recorded (codes unknown here are left out)."""
        return [term.label for code in codes if (term := self.get(kind, code)) is not None]


@transaction.atomic
def _taxonomy_save_defaults() -> None:
    """The shipped taxonomy, saved when the table is empty (a new database the migration's
    seed has not reached, such as a test database flushed between browser tests)."""
    for kind, terms in DEFAULT_TERMS.items():
        for position, (code, label) in enumerate(terms, start=1):
            InterviewTerm.objects.get_or_create(
                kind=kind, code=code, defaults={"label": label, "position": position}
            )


def interview_taxonomy() -> Taxonomy:
    """All the terms of the installation in one query (no access rule: they name no one)."""
    terms = tuple(InterviewTerm.objects.order_by("kind", "position", "id"))
    if not terms:
        _taxonomy_save_defaults()
        terms = tuple(InterviewTerm.objects.order_by("kind", "position", "id"))
    return Taxonomy(terms)


def interviews_attach_taxonomy(interviews: Iterable[ReturnInterview]) -> Taxonomy:
    """Give many interviews one taxonomy, so their labels cost one query in all."""
    taxonomy = interview_taxonomy()
    for interview in interviews:
        interview.taxonomy = taxonomy
    return taxonomy


def interview_term_get_or_404(*, term_id: int) -> InterviewTerm:
    """A term for the administrators' page (the caller has checked the role)."""
    return get_object_or_404(InterviewTerm, pk=term_id)


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


def interview_by_id_for_user_or_404(
    *, user: User, interview_id: int, log_read: bool = True
) -> InterviewView:
    """An interview by its own id (the API), through its episode's gate: 404 alike for an
    interview that does not exist and one whose episode the user may not see."""
    episode_id = (
        ReturnInterview.objects.filter(pk=interview_id).values_list("episode_id", flat=True).first()
    )
    if episode_id is None:
        raise Http404("No interview found")
    return interview_page_for_user_or_404(user=user, episode_id=episode_id, log_read=log_read)


# --- Drafts of the record -----------------------------------------------------------------


def drafts_visible_to(*, user: User, interview: ReturnInterview) -> list[InterviewDraft]:
    """The drafts of this interview's record that the user may see: their own and those of the
    people whose work they manage, when they may see the confidential record (mirrors
    policy.can_view_interview_draft; a test holds the two together). Newest first."""
    drafts = list(
        InterviewDraft.objects.filter(interview=interview)
        .filter(Q(author=user) | Q(author__in=User.objects.filter(managed_users_scope(user))))
        .select_related("author")
    )
    if not drafts or not can_view_rhi_content(user, interview):
        return []
    for draft in drafts:
        draft.interview = interview
    return drafts


def draft_of_author(*, user: User, interview: ReturnInterview) -> InterviewDraft | None:
    """The user's own draft of the interview's record, if they have one (the caller has
    passed the interview's gate and checked they may record)."""
    draft = InterviewDraft.objects.filter(interview=interview, author=user).first()
    if draft is not None:
        draft.interview = interview
    return draft


def draft_for_user_or_404(
    *, user: User, interview: ReturnInterview, draft_id: int
) -> InterviewDraft:
    """A draft the user may see (another's looks exactly like none); its reading is logged."""
    draft = next(
        (d for d in drafts_visible_to(user=user, interview=interview) if d.pk == draft_id), None
    )
    if draft is None:
        raise Http404("No draft found")
    audit_record(
        actor=user,
        verb=AuditVerb.INTERVIEW_DRAFT_VIEWED,
        target=interview,
        payload={"draft_id": draft.pk, "author_id": draft.author_id},
    )
    return draft
