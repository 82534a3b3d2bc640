"""Reads of the safety plan, always through the access gate: the child first
(homesafe.people.queries), then the policy's can_view_safety_plan; reads are logged."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.access.policy import can_record_safety_plan, can_view_safety_plan, safety_plan_scope
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import MissingEpisode
from homesafe.people.models import Child
from homesafe.people.queries import child_get_for_user_or_404
from homesafe.safety_plans.models import SafetyPlanVersion


def safety_plans_visible_to(*, user: User) -> QuerySet[SafetyPlanVersion]:
    """Every plan version the user may see: mirrors can_view_safety_plan (a test holds them)."""
    return SafetyPlanVersion.objects.filter(child__in=Child.objects.filter(safety_plan_scope(user)))


def _versions(child: Child) -> QuerySet[SafetyPlanVersion]:
    return SafetyPlanVersion.objects.filter(child=child).select_related("saved_by", "review_of")


def safety_plan_child_for_user_or_404(*, user: User, child_id: int, log_read: bool = True) -> Child:
    """The child, if the user may see their safety plan: 404 for a child the user may not see
    (as if it did not exist), 403 for a child they see whose plan is not theirs to see."""
    child = child_get_for_user_or_404(user=user, child_id=child_id, log_read=log_read)
    if not can_view_safety_plan(user, child):
        raise PermissionDenied
    return child


@dataclass(frozen=True)
class PlanPage:
    child: Child
    current: SafetyPlanVersion | None
    versions: list[SafetyPlanVersion]
    can_record: bool
    # Episodes before the first plan, and after each version (number -> episodes).
    episodes_before: list = field(default_factory=list)
    episodes_after: dict = field(default_factory=dict)


def episodes_around_plans(
    *, child: Child, versions: list[SafetyPlanVersion]
) -> tuple[list[MissingEpisode], dict[int, list[MissingEpisode]]]:
    """The child's episodes (not those recorded in error) before the first plan, and those
    reported while each version was the plan in force."""
    episodes = list(
        MissingEpisode.objects.filter(child=child)
        .exclude(status=EpisodeStatus.VOIDED)
        .order_by("reported_at", "pk")
    )
    ordered = sorted(versions, key=lambda v: v.number)
    before = [e for e in episodes if not ordered or e.reported_at < ordered[0].saved_at]
    after: dict[int, list[MissingEpisode]] = {}
    for index, version in enumerate(ordered):
        until = ordered[index + 1].saved_at if index + 1 < len(ordered) else None
        after[version.number] = [
            e
            for e in episodes
            if e.reported_at >= version.saved_at and (until is None or e.reported_at < until)
        ]
    return before, after


def safety_plan_page_for_user_or_404(
    *, user: User, child_id: int, verb: AuditVerb = AuditVerb.SAFETY_PLAN_VIEWED
) -> PlanPage:
    child = safety_plan_child_for_user_or_404(user=user, child_id=child_id)
    versions = list(_versions(child).order_by("-number"))
    current = versions[0] if versions else None
    audit_record(
        actor=user,
        verb=verb,
        target=current,
        target_type="safety_plans.safetyplanversion",
        child_id=child.pk,
        payload={"version": current.number if current else None},
    )
    before, after = episodes_around_plans(child=child, versions=versions)
    return PlanPage(
        child,
        current,
        versions,
        can_record=can_record_safety_plan(user, child),
        episodes_before=before,
        episodes_after=after,
    )


def safety_plan_version_for_user_or_404(
    *, user: User, child_id: int, number: int, verb: AuditVerb = AuditVerb.SAFETY_PLAN_VIEWED
) -> SafetyPlanVersion:
    child = safety_plan_child_for_user_or_404(user=user, child_id=child_id, log_read=False)
    version = _versions(child).filter(number=number).first()
    if version is None:
        raise Http404("No such version")
    version.child = child
    audit_record(actor=user, verb=verb, target=version, payload={"version": number})
    return version


def review_episode_choices(*, child: Child) -> QuerySet[MissingEpisode]:
    """The returns a review may follow: the child's returned episodes, the latest first."""
    return MissingEpisode.objects.filter(
        child=child, status=EpisodeStatus.RETURNED, returned_at__isnull=False
    ).order_by("-returned_at", "-pk")


def safety_plan_summaries(*, child: Child) -> list[SafetyPlanVersion]:
    """The child's plan versions, newest first, for a page that has passed the gate (the story)."""
    return list(_versions(child).order_by("-number"))


def plan_reviews_of_episode(*, episode: MissingEpisode) -> list[SafetyPlanVersion]:
    """The plan versions saved as the review after this episode, for a page that has passed the
    gate for the child's plan."""
    return list(SafetyPlanVersion.objects.filter(review_of=episode).order_by("number"))
