"""Reads of intake: the identity review queue and imports, for the people allowed to see them."""

from __future__ import annotations

import csv
import io

from django.db.models import Q, QuerySet
from django.http import Http404

from homesafe.access.choices import OrganisationType, Role
from homesafe.access.models import Organisation, User
from homesafe.access.policy import _active
from homesafe.intake.choices import ReviewStatus
from homesafe.intake.models import IdentityCandidate, IdentityReview, PoliceImport
from homesafe.people.queries import children_visible_to


def can_review_identity(user: User) -> bool:
    """The missing coordinator of a local authority decides who a notification is about."""
    return (
        _active(user)
        and user.organisation.is_local_authority
        and user.has_role(Role.MISSING_COORDINATOR)
    )


def can_import(user: User) -> bool:
    """A missing coordinator, or a police coordinator for their own force, imports downloads."""
    return can_review_identity(user) or (
        _active(user)
        and user.organisation.type == OrganisationType.POLICE
        and user.has_role(Role.POLICE_COORDINATOR)
    )


def import_forces_for(user: User) -> QuerySet[Organisation]:
    if not can_import(user):
        return Organisation.objects.none()
    if user.organisation.type == OrganisationType.POLICE:
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.filter(type=OrganisationType.POLICE, is_active=True).order_by(
        "name"
    )


def reviews_visible_to(*, user: User) -> QuerySet[IdentityReview]:
    """Open reviews for the coordinator's force area, or with a candidate of their authority."""
    if not can_review_identity(user):
        return IdentityReview.objects.none()
    org = user.organisation
    mine = Q(force_id=org.police_force_id) if org.police_force_id else Q(pk__in=[])
    with_my_child = Q(
        pk__in=IdentityCandidate.objects.filter(child__responsible_la_id=org.pk).values("review_id")
    )
    return IdentityReview.objects.filter(mine | with_my_child)


def review_get_for_user_or_404(*, user: User, review_id: int) -> IdentityReview:
    review = (
        reviews_visible_to(user=user)
        .filter(pk=review_id, status=ReviewStatus.OPEN)
        .select_related("force")
        .first()
    )
    if review is None:
        raise Http404("No review found")
    return review


def review_candidates_for_user(*, user: User, review: IdentityReview) -> list[IdentityCandidate]:
    """The candidates the coordinator may see (others are not shown, not even their names)."""
    visible = children_visible_to(user=user).values("pk")
    return list(
        review.candidates.filter(child_id__in=visible).select_related("child__responsible_la")
    )


def imports_visible_to(*, user: User) -> QuerySet[PoliceImport]:
    if not can_import(user):
        return PoliceImport.objects.none()
    return PoliceImport.objects.filter(organisation_id=user.organisation_id)


def import_get_for_user_or_404(*, user: User, import_id: int) -> PoliceImport:
    found = imports_visible_to(user=user).select_related("force").filter(pk=import_id).first()
    if found is None:
        raise Http404("No import found")
    return found


def import_report_child_ids(*, police_import: PoliceImport, report: str) -> list[int]:
    """The children a report of the import is about: those with an episode under one of its
    police references, for the import's force (for the audit entry of whoever reads it)."""
    from homesafe.episodes.models import MissingEpisode
    from homesafe.intake.matching import rows_where_in

    references = {row.get("police_reference", "") for row in csv.DictReader(io.StringIO(report))}
    references.discard("")
    if not references:
        return []
    rows = rows_where_in(
        MissingEpisode,
        ["child_id"],
        "police_reference",
        sorted(references),
        police_force_id=police_import.force_id,
    )
    return sorted({child_id for (child_id,) in rows})
