"""Reads of exploitation screenings, always through the access gate: a screening is seen only
with its child (homesafe.people.queries), and only by those who see the child's casework."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.people.models import Child
from homesafe.people.queries import child_get_for_user_or_404, children_visible_to
from homesafe.screening.models import ExploitationScreening
from homesafe.screening.policy import can_view_screenings


def screenings_for_child(*, child: Child) -> QuerySet[ExploitationScreening]:
    """The child's screenings, newest first; the caller has passed the child gate."""
    return ExploitationScreening.objects.filter(child=child).select_related(
        "completed_by", "completed_by_organisation"
    )


def screening_child_for_user(*, user: User, child_id: int) -> Child:
    """The child whose screenings the user may see: 404 if the child is not theirs to see, 403
    if they see the child but not its casework (police, schools)."""
    child = child_get_for_user_or_404(user=user, child_id=child_id, log_read=False)
    if not can_view_screenings(user, child):
        raise PermissionDenied
    return child


def screenings_list_for_user(*, user: User, child_id: int) -> tuple[Child, list]:
    child = screening_child_for_user(user=user, child_id=child_id)
    audit_record(actor=user, verb=AuditVerb.SCREENINGS_VIEWED, target=child)
    return child, list(screenings_for_child(child=child))


def screening_get_for_user(*, user: User, screening_id: int, log_read: bool = True):
    """The screening, if the user may see its child's casework (404 / 403 as above)."""
    screening = (
        ExploitationScreening.objects.filter(
            pk=screening_id, child__in=children_visible_to(user=user)
        )
        .select_related("child", "completed_by", "completed_by_organisation")
        .first()
    )
    if screening is None:
        raise Http404("No screening found")
    if not can_view_screenings(user, screening.child):
        raise PermissionDenied
    if log_read:
        audit_record(actor=user, verb=AuditVerb.SCREENING_VIEWED, target=screening)
    return screening
