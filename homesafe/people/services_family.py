"""Writes about the child's family and life beyond one episode (issue 16): children linked as
siblings or household members, the school's record of missing education or absence, and trauma
and adverse childhood experiences. Each is one use case with its typed audit entry (ids and
codes, never what was written); an education record changes the protocol's facts."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import User
from homesafe.people.choices import (
    AdverseExperienceKind,
    EducationConcernKind,
    PreBirthPlan,
    RelationshipKind,
    UnbornRelationship,
)
from homesafe.people.models import (
    AdverseExperience,
    Child,
    ChildRelationship,
    EducationConcern,
    UnbornChild,
)
from homesafe.use_cases import facts_changed, use_case

LINK_SELF = "Choose another child: a child cannot be linked to themselves"
LINK_EXISTS = "These children are already linked"
LINK_EXISTS_CODE = "already_linked"
KIND_UNKNOWN = "Select one of the options"
STARTED_IN_FUTURE = "The start date must be today or in the past"
ENDED_BEFORE_START = "The end date must be on or after the start date"
ENDED_IN_FUTURE = "The end date must be today or in the past"
ATTENDANCE_RANGE = "Attendance must be a percentage from 0 to 100"
ALREADY_ENDED = "This record has already ended"
ALREADY_ENDED_CODE = "already_ended"


@use_case
def children_link(*, child: Child, other: Child, kind: str, actor: Actor) -> ChildRelationship:
    """Link two children as siblings or household members, both ways."""
    if kind not in RelationshipKind.values:
        raise ValidationError({"kind": KIND_UNKNOWN})
    if other.pk == child.pk:
        raise ValidationError({"other": LINK_SELF})
    if ChildRelationship.objects.filter(child=child, other=other).exists():
        raise ApplicationError(LINK_EXISTS, code=LINK_EXISTS_CODE)
    user = actor if isinstance(actor, User) else None
    now = timezone.now()
    link = ChildRelationship.objects.create(
        child=child, other=other, kind=kind, recorded_by=user, recorded_at=now
    )
    ChildRelationship.objects.create(
        child=other, other=child, kind=kind, recorded_by=user, recorded_at=now
    )
    for first, second in ((child, other), (other, child)):
        audit_record(
            actor=actor,
            verb=AuditVerb.CHILDREN_LINKED,
            target=first,
            payload={"other": second.pk, "kind": kind},
        )
    return link


@use_case
def children_unlink(*, child: Child, other: Child, actor: Actor) -> None:
    """Remove the link between two children (both ways)."""
    removed, _ = (
        ChildRelationship.objects.filter(child__in=[child, other])
        .filter(other__in=[child, other])
        .delete()
    )
    if removed:
        audit_record(
            actor=actor,
            verb=AuditVerb.CHILDREN_UNLINKED,
            target=child,
            payload={"other": other.pk},
        )


@use_case
def education_concern_record(
    *,
    child: Child,
    actor: Actor,
    kind: str,
    started_on: date,
    attendance_percent: int | None = None,
    notes: str = "",
) -> EducationConcern:
    """The school (or the local authority's education welfare service) records that the child
    is missing education or persistently absent; the recording person's organisation is kept."""
    errors: dict[str, str] = {}
    if kind not in EducationConcernKind.values:
        errors["kind"] = KIND_UNKNOWN
    if started_on > timezone.localdate():
        errors["started_on"] = STARTED_IN_FUTURE
    if attendance_percent is not None and not 0 <= attendance_percent <= 100:
        errors["attendance_percent"] = ATTENDANCE_RANGE
    if errors:
        raise ValidationError(errors)
    concern = EducationConcern(
        child=child,
        kind=kind,
        started_on=started_on,
        attendance_percent=attendance_percent,
        notes=notes.strip(),
        organisation_id=actor.organisation_id if isinstance(actor, User) else None,
        recorded_by=actor if isinstance(actor, User) else None,
    )
    concern.full_clean()
    concern.save()
    audit_record(
        actor=actor, verb=AuditVerb.EDUCATION_RECORDED, target=concern, payload={"kind": kind}
    )
    facts_changed(child_id=child.pk)
    return concern


@use_case
def education_concern_end(
    *, concern: EducationConcern, ended_on: date, actor: Actor
) -> EducationConcern:
    """The child is back in education or attending: the record ends."""
    concern = EducationConcern.objects.select_for_update().get(pk=concern.pk)
    if concern.ended_on is not None:
        raise ApplicationError(ALREADY_ENDED, code=ALREADY_ENDED_CODE)
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": ENDED_IN_FUTURE})
    if ended_on < concern.started_on:
        raise ValidationError({"ended_on": ENDED_BEFORE_START})
    concern.ended_on = ended_on
    concern.save(update_fields=["ended_on"])
    audit_record(actor=actor, verb=AuditVerb.EDUCATION_ENDED, target=concern)
    facts_changed(child_id=concern.child_id)
    return concern


@use_case
def adverse_experience_record(
    *, child: Child, actor: Actor, kind: str, description: str = ""
) -> AdverseExperience:
    """Record a trauma or adverse childhood experience beside the child's needs."""
    if kind not in AdverseExperienceKind.values:
        raise ValidationError({"kind": KIND_UNKNOWN})
    experience = AdverseExperience(
        child=child,
        kind=kind,
        description=description.strip(),
        recorded_by=actor if isinstance(actor, User) else None,
    )
    experience.full_clean()
    experience.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.ADVERSE_EXPERIENCE_RECORDED,
        target=experience,
        payload={"kind": kind},
    )
    return experience


UNBORN_DUE_RANGE = "Enter a due date within the last month or the next ten months"
UNBORN_ENDED_BEFORE_RECORDED = "The date must be on or after the day the baby was recorded"
# A pregnancy lasts about nine months: a due date further ahead is a slip, and one long past
# is a birth to record as a child.
UNBORN_DUE_WITHIN_DAYS = (-31, 305)


@use_case
def unborn_child_record(
    *,
    child: Child,
    actor: Actor,
    relationship: str,
    expected_on: date,
    plan: str,
    notes: str = "",
) -> UnbornChild:
    """An expected baby in the child's household on a pre-birth plan (issue 16), so that the
    household's members are all in view; a young person who is expecting is a risk the
    missing-from-home-and-care assessment weighs."""
    errors: dict[str, str] = {}
    if relationship not in UnbornRelationship.values:
        errors["relationship"] = KIND_UNKNOWN
    if plan not in PreBirthPlan.values:
        errors["plan"] = KIND_UNKNOWN
    days = (expected_on - timezone.localdate()).days
    if not UNBORN_DUE_WITHIN_DAYS[0] <= days <= UNBORN_DUE_WITHIN_DAYS[1]:
        errors["expected_on"] = UNBORN_DUE_RANGE
    if errors:
        raise ValidationError(errors)
    unborn = UnbornChild.objects.create(
        child=child,
        relationship=relationship,
        expected_on=expected_on,
        plan=plan,
        notes=notes.strip(),
        recorded_by=actor if isinstance(actor, User) else None,
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.UNBORN_CHILD_RECORDED,
        target=unborn,
        child_id=child.pk,
        payload={"relationship": relationship, "plan": plan},
    )
    return unborn


@use_case
def unborn_child_end(*, unborn: UnbornChild, ended_on: date, actor: Actor) -> UnbornChild:
    """The baby was born (record them as a child and link them) or is no longer expected."""
    unborn = UnbornChild.objects.select_for_update().get(pk=unborn.pk)
    if unborn.ended_on is not None:
        raise ApplicationError(ALREADY_ENDED, code=ALREADY_ENDED_CODE)
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": ENDED_IN_FUTURE})
    if ended_on < timezone.localtime(unborn.recorded_at).date():
        raise ValidationError({"ended_on": UNBORN_ENDED_BEFORE_RECORDED})
    unborn.ended_on = ended_on
    unborn.save(update_fields=["ended_on"])
    audit_record(
        actor=actor, verb=AuditVerb.UNBORN_CHILD_ENDED, target=unborn, child_id=unborn.child_id
    )
    return unborn
