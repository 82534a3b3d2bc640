"""Drafts of a return interview's record ("Save and come back later"): one per interview and
author, holding the form's inputs as typed, section by section. Saving a draft is audited
(section and input names, never what was typed) and re-plans nothing: only recording the
interview (services.interview_complete, which then discards the drafts) changes duties."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import User
from homesafe.interviews.choices import SECTION_SLUGS, InterviewStatus
from homesafe.interviews.models import InterviewDraft, ReturnInterview
from homesafe.use_cases import use_case

DRAFT_CLOSED = "The interview is {status}: it can no longer be drafted."
DRAFT_UNKNOWN_SECTION = "There is no section '{section}' in the interview's record."
DRAFT_NOT_TEXT = "A draft holds only what was typed or chosen on the form"
DRAFT_TOO_LONG = "The draft is too long to save: shorten the longest answers"
# Far above the form's own limits (the child's words take 20,000 characters), far below
# what would burden the database.
MAX_DRAFT_CHARACTERS = 200_000


def _checked_answers(answers: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    checked = {}
    for name, values in answers.items():
        values = list(values)
        if not isinstance(name, str) or not all(isinstance(v, str) for v in values):
            raise ValidationError(DRAFT_NOT_TEXT)
        checked[name] = values
    return checked


@use_case
def interview_draft_save(
    *,
    interview: ReturnInterview,
    author: User,
    section: str,
    inputs: Iterable[str],
    answers: Mapping[str, Iterable[str]],
    done: bool,
    actor: Actor,
) -> InterviewDraft:
    """Keep what the author typed in one section of the record: the section's `inputs` (its
    form input names) are replaced by `answers` (an input left out, such as checkboxes all
    unticked, is cleared). `done` marks the section as saved with its own fields checked."""
    if interview.status in (InterviewStatus.COMPLETED, InterviewStatus.DECLINED):
        raise ApplicationError(
            DRAFT_CLOSED.format(status=interview.get_status_display().lower()),
            code="interview_closed",
        )
    if section not in SECTION_SLUGS:
        raise ApplicationError(DRAFT_UNKNOWN_SECTION.format(section=section), code="section")
    inputs = set(inputs)
    answers = {k: v for k, v in _checked_answers(answers).items() if k in inputs}
    draft = (
        InterviewDraft.objects.select_for_update()
        .filter(interview=interview, author=author)
        .first()
    )
    if draft is None:
        draft = InterviewDraft(interview=interview, author=author)
    kept = {k: v for k, v in draft.answers.items() if k not in inputs}
    draft.answers = {**kept, **answers}
    if len(json.dumps(draft.answers)) > MAX_DRAFT_CHARACTERS:
        raise ValidationError(DRAFT_TOO_LONG)
    sections = [s for s in draft.sections_done if s != section]
    if done:
        sections.append(section)
    draft.sections_done = [s for s in SECTION_SLUGS if s in sections]
    draft.updated_at = timezone.now()
    draft.full_clean()
    draft.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.INTERVIEW_DRAFT_SAVED,
        target=interview,
        payload={
            "episode_id": interview.episode_id,
            "draft_id": draft.pk,
            "section": section,
            "done": done,
            "inputs": sorted(k for k, v in answers.items() if any(x.strip() for x in v)),
        },
    )
    return draft
