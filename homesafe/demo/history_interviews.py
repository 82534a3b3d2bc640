"""Synthetic demo data, the bulk path for return interviews before the duties window: each
interview and its contact attempts built as interview_offer, interview_record_attempt,
interview_mark_unreachable, interview_decline and interview_complete build them, with the audit
entries they write, in the same order (homesafe.demo.history_writes inserts them)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import Organisation, User
from homesafe.demo.practice_casework import InterviewPlan
from homesafe.demo.service_writes import interview_content
from homesafe.episodes.models import MissingEpisode
from homesafe.interviews.choices import AttemptOutcome, ContactMethod, InterviewStatus
from homesafe.interviews.models import ContactAttempt, ReturnInterview
from homesafe.interviews.services import CONTENT_FIELDS

# audit(verb, target, payload): an entry against the episode's child, after the inserts.
Audit = Callable[[str, object, object], None]


def interview_rows(
    plan: InterviewPlan,
    episode: MissingEpisode,
    *,
    admin: User,
    organisations: dict[str, Organisation],
    audit: Audit,
) -> tuple[ReturnInterview, list[ContactAttempt]]:
    """The interview as its use cases leave it, its attempts, and (through `audit`) their
    audit entries in the order the use cases write them."""
    interview = ReturnInterview(
        episode=episode,
        child=episode.child,
        offered_at=plan.offered_at,
        offered_by_organisation=organisations[plan.offered_by],
        offered_by_name=plan.offered_by_name.strip(),
        offer_method=ContactMethod(plan.offer_method),
        recorded_by=admin,
    )
    audit(
        AuditVerb.INTERVIEW_OFFERED,
        interview,
        lambda: {"episode_id": episode.pk, "method": plan.offer_method},
    )
    attempts = []
    for spec in plan.attempts:
        attempt = ContactAttempt(
            interview=interview,
            attempted_at=spec.attempted_at,
            method=ContactMethod(spec.method),
            outcome=AttemptOutcome(spec.outcome),
            note="",
            recorded_by=admin,
        )
        attempts.append(attempt)
        audit(
            AuditVerb.INTERVIEW_ATTEMPTED,
            attempt,
            lambda spec=spec: {
                "interview_id": interview.pk,
                "method": spec.method,
                "outcome": spec.outcome,
            },
        )
    if plan.unreachable_at is not None:
        interview.status = InterviewStatus.UNREACHABLE
        interview.unreachable_at, interview.unreachable_note = plan.unreachable_at, ""
        audit(AuditVerb.INTERVIEW_UNREACHABLE, interview, lambda: {"episode_id": episode.pk})
    if plan.declined_at is not None:
        interview.status = InterviewStatus.DECLINED
        interview.declined_at = plan.declined_at
        interview.decline_reason = plan.decline_reason.strip()
        audit(
            AuditVerb.INTERVIEW_DECLINED,
            interview,
            lambda: {"episode_id": episode.pk, "drafts_discarded": []},
        )
    elif plan.held_at is not None:
        _complete(interview, interview_content(plan, organisations), admin)
        filled = [
            name
            for name in CONTENT_FIELDS
            if getattr(interview, name) not in ("", None, [], False) or name == "independent"
        ]
        audit(
            AuditVerb.INTERVIEW_COMPLETED,
            interview,
            lambda: {
                "episode_id": episode.pk,
                "fields": filled,
                "shared_with": [],
                "exploitation_identified": interview.exploitation_identified,
                "trafficking_identified": interview.trafficking_identified,
                "drafts_discarded": [],
            },
        )
    return interview, attempts


def _complete(interview: ReturnInterview, content: dict, admin: User) -> None:
    """As interview_complete sets the fields (the content has passed its checks in the plan)."""
    independent = content["independent"]
    interview.status = InterviewStatus.COMPLETED
    interview.held_at = content["held_at"]
    interview.held_where = content["held_where"].strip()
    interview.held_by_name = content["held_by_name"].strip()
    interview.held_by_organisation = content["held_by_organisation"]
    interview.independent = independent
    interview.not_independent_reason = (
        "" if independent else content["not_independent_reason"].strip()
    )
    interview.push_factors = list(dict.fromkeys(content["push_factors"]))
    interview.pull_factors = list(dict.fromkeys(content["pull_factors"]))
    interview.exploitation_indicators = list(dict.fromkeys(content["exploitation_indicators"]))
    interview.referrals = list(dict.fromkeys(content["referrals"]))
    interview.referrals_other = ""
    interview.where_went, interview.with_whom = content["where_went"], ""
    interview.travel, interview.harm_disclosed = content["travel"], ""
    interview.exploitation_note = content["exploitation_note"]
    interview.childs_words, interview.carers_view = content["childs_words"], ""
    interview.apps_used = interview.devices_used = interview.online_contacts = ""
    interview.consent_to_share = content["consent_to_share"]
    interview.safeguarding_override, interview.override_reason = False, ""
    interview.shareable_summary = ""
    interview.completed_at = timezone.now()
    interview.recorded_by = admin
