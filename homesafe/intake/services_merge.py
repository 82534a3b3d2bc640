"""Merging two records of the same child: everything of the duplicate moves to the kept one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import User
from homesafe.duties.services import duties_replan_children
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.models import ChildMerge, IdentityCandidate, IdentityReview
from homesafe.people.models import Child, ChildAlias

MERGE_SAME = "Choose two different records."
MERGE_ALREADY = "One of these records has already been merged."


@transaction.atomic
def child_merge(*, kept: Child, merged: Child, reason: str, actor: User) -> ChildMerge:
    """Move everything of `merged` to `kept`; the merged record stays, marked, for the audit log."""
    from homesafe.access.models import CaseAccessGrant
    from homesafe.people.models import (
        CarePeriod,
        ChildNeed,
        CohortPeriod,
        NetworkMember,
        Placement,
    )

    if kept.pk == merged.pk:
        raise ValidationError({"merged": MERGE_SAME})
    Child.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk]).count()
    if ChildMerge.objects.filter(merged_child_id__in=[kept.pk, merged.pk]).exists():
        raise ApplicationError(MERGE_ALREADY, code="already_merged")
    moved = {
        "episodes": MissingEpisode.objects.filter(child=merged).update(child=kept),
        "needs": ChildNeed.objects.filter(child=merged).update(child=kept),
        "network": NetworkMember.objects.filter(child=merged).update(child=kept),
        "access_grants": CaseAccessGrant.objects.filter(child=merged).update(child=kept),
    }
    # Periods with "one open" rules: closed ones always move; an open one moves if kept has none.
    for name, model in (
        ("cohort_periods", CohortPeriod),
        ("care_periods", CarePeriod),
        ("placements", Placement),
    ):
        count = model.objects.filter(child=merged, ended_on__isnull=False).update(child=kept)
        if not model.objects.filter(child=kept, ended_on__isnull=True).exists():
            count += model.objects.filter(child=merged).update(child=kept)
        moved[name] = count
    kept_names = set(kept.aliases.values_list("name", flat=True))
    names = [*merged.aliases.values_list("name", flat=True), merged.full_name]
    new_aliases = [n for n in dict.fromkeys(names) if n not in kept_names and n != kept.full_name]
    ChildAlias.objects.bulk_create([ChildAlias(child=kept, name=n) for n in new_aliases])
    moved["aliases"] = len(new_aliases)
    moved["identity_reviews"] = IdentityReview.objects.filter(child=merged).update(child=kept)
    IdentityCandidate.objects.filter(child=merged).delete()
    identifiers = {}
    for name in ("la_child_id", "nhs_number", "upn", "police_person_id"):
        if getattr(merged, name) and not getattr(kept, name):
            identifiers[name] = getattr(merged, name)
    if identifiers:
        # Unique identifiers leave the merged record first, then join the kept one.
        Child.objects.filter(pk=merged.pk).update(**dict.fromkeys(identifiers, ""))
        Child.objects.filter(pk=kept.pk).update(**identifiers)
    record = ChildMerge.objects.create(
        merged_child=merged, kept_child=kept, reason=reason[:300], moved=moved, merged_by=actor
    )
    for child, role in ((kept, "kept"), (merged, "merged")):
        audit_record(
            actor=actor,
            verb=AuditVerb.CHILDREN_MERGED,
            target=child,
            payload={
                "role": role,
                "kept_child_id": kept.pk,
                "merged_child_id": merged.pk,
                "moved": moved,
                "identifiers": sorted(identifiers),
            },
        )
    duties_replan_children(child_ids=[kept.pk, merged.pk])
    return record
