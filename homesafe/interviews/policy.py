"""Who may see and record a return home interview (DESIGN.md's need-to-know table).

Three levels on top of homesafe.access.policy.can_view_child:
- the interview itself (offered, accepted, held, when): anyone who may see the child;
- the confidential record (the child's words, harm, factors, carers' view, digital lives):
  the responsible LA's case roles, the RHI worker of the service holding the open referral,
  health where the interview is shared with their organisation, and auditors with a grant;
- the shareable summary: those, plus other agencies (police, schools, a host authority) the
  interview is shared with, and only while the child's consent or a safeguarding override allows.

A draft of the record (InterviewDraft, "Save and come back later") is seen only by its author
and the people who manage the author's work (homesafe.access.policy.manages_user), and of
those only by who may see the confidential record; it is changed by its author alone.
"""

from __future__ import annotations

import rules
from django.utils import timezone

from homesafe.access.choices import Role
from homesafe.access.policy import (
    LA_CASE_ROLES,
    _active,
    can_change_child,
    can_view_child,
    manages_user,
)
from homesafe.interviews.models import InterviewDraft, ReturnInterview
from homesafe.people.choices import NetworkRole


def holds_open_referral(user, child) -> bool:
    """The user is an RHI worker whose service holds the child's open interview referral."""
    return bool(
        _active(user)
        and user.has_role(Role.RHI_WORKER)
        and child.network.filter(
            organisation_id=user.organisation_id,
            role=NetworkRole.RHI_REFERRAL,
            ended_on__isnull=True,
        ).exists()
    )


def _shared_with_users_organisation(user, interview: ReturnInterview) -> bool:
    return any(org.pk == user.organisation_id for org in interview.shared_with.all())


@rules.predicate
def can_view_interview(user, interview: ReturnInterview) -> bool:
    return can_view_child(user, interview.child)


@rules.predicate
def can_view_rhi_content(user, interview: ReturnInterview) -> bool:
    """See the confidential record of the interview."""
    child = interview.child
    if not can_view_child(user, child):
        return False
    if user.has_role(*LA_CASE_ROLES) and child.responsible_la_id == user.organisation_id:
        return True
    if holds_open_referral(user, child):
        return True
    if (
        user.has_role(Role.HEALTH_PRACTITIONER)
        and interview.may_share
        and _shared_with_users_organisation(user, interview)
    ):
        return True
    now = timezone.now()
    return (
        user.has_role(Role.AUDITOR)
        and child.access_grants.filter(
            user_id=user.pk, starts_at__lte=now, ends_at__gt=now
        ).exists()
    )


@rules.predicate
def can_view_rhi_summary(user, interview: ReturnInterview) -> bool:
    """See the shareable summary (everyone who sees the content, and the agencies shared with)."""
    if can_view_rhi_content(user, interview):
        return True
    return bool(
        can_view_child(user, interview.child)
        and interview.may_share
        and _shared_with_users_organisation(user, interview)
    )


@rules.predicate
def can_record_interview(user, child) -> bool:
    """Offer, record attempts, outcomes and the interview: the RHI service holding the open
    referral, and the LA case roles who may change the child's record."""
    return holds_open_referral(user, child) or can_change_child(user, child)


@rules.predicate
def can_view_interview_draft(user, draft: InterviewDraft) -> bool:
    """See a draft of the record: its author and their managers, who may see the content."""
    if not (draft.author_id == user.pk or manages_user(user, draft.author)):
        return False
    return can_view_rhi_content(user, draft.interview)


@rules.predicate
def can_change_interview_draft(user, draft: InterviewDraft) -> bool:
    """Write on a draft and record the interview from it: its author, while they may record."""
    return draft.author_id == user.pk and can_record_interview(user, draft.interview.child)


@rules.predicate
def can_manage_interview_terms(user) -> bool:
    """Manage the push and pull factors and exploitation indicators: administrators only."""
    return bool(_active(user) and user.has_role(Role.ADMINISTRATOR))


rules.add_perm("interviews.view_interview", can_view_interview)
rules.add_perm("interviews.view_rhi_content", can_view_rhi_content)
rules.add_perm("interviews.view_rhi_summary", can_view_rhi_summary)
rules.add_perm("interviews.record_interview", can_record_interview)
rules.add_perm("interviews.view_draft", can_view_interview_draft)
rules.add_perm("interviews.change_draft", can_change_interview_draft)
rules.add_perm("interviews.manage_terms", can_manage_interview_terms)


def rhi_content_visibility(user, interviews) -> dict[int, bool]:
    """can_view_rhi_content for many interviews (of one child or many the user may see), in a
    fixed number of queries (the story page, the API's lists): the child-level grounds once per
    kind for all the children, the sharing per interview from prefetched `shared_with`.
    Mirrors can_view_rhi_content (a test holds them together)."""
    from homesafe.access.models import CaseAccessGrant
    from homesafe.people.models import Child, NetworkMember

    interviews = list(interviews)
    child_ids = {interview.child_id for interview in interviews}
    now = timezone.now()
    granted: set[int] = set()
    if user.has_role(*LA_CASE_ROLES):
        responsible = {
            i.child_id: i.child.responsible_la_id
            for i in interviews
            if ReturnInterview.child.is_cached(i)
        }
        if unknown := child_ids - responsible.keys():
            responsible.update(
                Child.objects.filter(pk__in=unknown).values_list("pk", "responsible_la_id")
            )
        granted |= {pk for pk, la in responsible.items() if la == user.organisation_id}
    if _active(user) and user.has_role(Role.RHI_WORKER):
        granted |= set(
            NetworkMember.objects.filter(
                child_id__in=child_ids,
                organisation_id=user.organisation_id,
                role=NetworkRole.RHI_REFERRAL,
                ended_on__isnull=True,
            ).values_list("child_id", flat=True)
        )
    if user.has_role(Role.AUDITOR):
        granted |= set(
            CaseAccessGrant.objects.filter(
                child_id__in=child_ids, user_id=user.pk, starts_at__lte=now, ends_at__gt=now
            ).values_list("child_id", flat=True)
        )
    health = user.has_role(Role.HEALTH_PRACTITIONER)
    return {
        interview.pk: bool(
            interview.child_id in granted
            or (health and interview.may_share and _shared_with_users_organisation(user, interview))
        )
        for interview in interviews
    }
