"""Writes to the child's safety plan: every save (the first plan, or a review) is a new version
of the risk assessment and the plan together, audited with the names of the fields that changed
(never their values), then the child's duties re-planned: a version saved after a return is that
return's review and closes its `safety_plan_review` duty."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import User
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import MissingEpisode
from homesafe.people.models import Child, EducationConcern
from homesafe.safety_plans.assessment import assessment_level, assessment_score
from homesafe.safety_plans.choices import AssessmentMethod, Indicator, RiskLevel
from homesafe.safety_plans.models import ASSESSMENT_FIELDS, PLAN_TEXT_FIELDS, SafetyPlanVersion
from homesafe.use_cases import facts_changed, use_case

INDICATOR_UNKNOWN = "Choose indicators from the list: {code!r} is not one of them"
METHOD_UNKNOWN = "Select how the level of risk was decided"
LEVEL_MISSING = "Select the level of risk you judge"
REASONS_MISSING = "Give the reasons for your judgement of the level of risk"
RISKS_MISSING = "Enter the risks the plan is made against"
WHO_DOES_WHAT_MISSING = "Enter who does what"
REVIEW_NOT_THIS_CHILD = "Choose one of this child's episodes"
REVIEW_NOT_RETURNED = "A review follows a return: the child has not returned from that episode"
REVIEW_NOT_RETURNED_CODE = "review_not_returned"


def safety_plan_current(*, child: Child) -> SafetyPlanVersion | None:
    return SafetyPlanVersion.objects.filter(child=child).order_by("-number").first()


def recorded_indicators(*, child: Child, at=None) -> set[str]:
    """The indicators the record itself shows: an episode before (one not recorded in error),
    and an open record of missing education or persistent absence."""
    at = at or timezone.now()
    found: set[str] = set()
    episodes = MissingEpisode.objects.filter(child=child, reported_at__lte=at).exclude(
        status=EpisodeStatus.VOIDED
    )
    if episodes.exists():
        found.add(Indicator.PREVIOUS_MISSING)
    if EducationConcern.objects.filter(
        child=child, started_on__lte=timezone.localdate(at), ended_on__isnull=True
    ).exists():
        found.add(Indicator.MISSING_EDUCATION)
    return found


def _check(
    *,
    child: Child,
    indicators: Iterable[str],
    method: str,
    risk_level: str | None,
    reasons: str,
    text: dict[str, str],
    review_of: MissingEpisode | None,
) -> None:
    errors: dict[str, str] = {}
    for code in indicators:
        if code not in Indicator.values:
            errors["indicators"] = INDICATOR_UNKNOWN.format(code=code)
            break
    if method not in AssessmentMethod.values:
        errors["method"] = METHOD_UNKNOWN
    elif method == AssessmentMethod.JUDGEMENT:
        if risk_level not in RiskLevel.values:
            errors["risk_level"] = LEVEL_MISSING
        if not reasons.strip():
            errors["reasons"] = REASONS_MISSING
    if not text.get("risks", "").strip():
        errors["risks"] = RISKS_MISSING
    if not text.get("who_does_what", "").strip():
        errors["who_does_what"] = WHO_DOES_WHAT_MISSING
    if review_of is not None and (
        review_of.child_id != child.pk or review_of.status == EpisodeStatus.VOIDED
    ):
        errors["review_of"] = REVIEW_NOT_THIS_CHILD
    if errors:
        raise ValidationError(errors)
    if review_of is not None and review_of.returned_at is None:
        raise ApplicationError(REVIEW_NOT_RETURNED, code=REVIEW_NOT_RETURNED_CODE)


@use_case
def safety_plan_save(
    *,
    child: Child,
    actor: Actor,
    indicators: Iterable[str],
    method: str,
    risk_level: str | None = None,
    reasons: str = "",
    made_with_child: bool = False,
    advocacy_offered: bool = False,
    review_of: MissingEpisode | None = None,
    **text: str,
) -> SafetyPlanVersion:
    """Save a new version of the child's risk assessment and safety plan (the first plan, or a
    review). Indicators the record shows (an episode before, missing education) are counted
    whether ticked or not. Scored: the level follows from the score; professional judgement:
    the level chosen, with reasons. Text not given is saved empty."""
    unknown = set(text) - set(PLAN_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown safety plan fields: {', '.join(sorted(unknown))}")
    indicators = list(indicators)
    _check(
        child=child,
        indicators=indicators,
        method=method,
        risk_level=risk_level,
        reasons=reasons,
        text=text,
        review_of=review_of,
    )
    counted = set(indicators) | recorded_indicators(child=child)
    ordered = [code for code in Indicator.values if code in counted]
    score = assessment_score(ordered)
    level = assessment_level(score) if method == AssessmentMethod.SCORED else RiskLevel(risk_level)

    # Lock the child's row so that two saves at once cannot take the same number.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    previous = safety_plan_current(child=child)
    saved = SafetyPlanVersion(
        child=child,
        number=(previous.number + 1) if previous else 1,
        indicators=ordered,
        method=AssessmentMethod(method),
        score=score,
        risk_level=level,
        reasons=reasons.strip(),
        made_with_child=made_with_child,
        advocacy_offered=advocacy_offered,
        review_of=review_of,
        saved_by=actor if isinstance(actor, User) else None,
        saved_at=timezone.now(),
        **{name: text.get(name, "").strip() for name in PLAN_TEXT_FIELDS},
    )
    compared = (*ASSESSMENT_FIELDS, *PLAN_TEXT_FIELDS, "made_with_child", "advocacy_offered")
    saved.changed_fields = [
        name
        for name in compared
        if previous is None or getattr(saved, name) != getattr(previous, name)
    ]
    saved.full_clean(exclude=["child", "review_of", "saved_by"])
    saved.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.SAFETY_PLAN_SAVED,
        target=saved,
        payload={
            "version": saved.number,
            "review_of": review_of.pk if review_of else None,
            "changed": saved.changed_fields,
        },
    )
    facts_changed(child_id=child.pk)
    return saved
