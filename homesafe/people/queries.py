"""Reads of children, always through the access gate."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.access.policy import child_scope
from homesafe.people.models import Child, Placement


def children_visible_to(*, user: User) -> QuerySet[Child]:
    return Child.objects.filter(child_scope(user))


def child_get_for_user_or_404(*, user: User, child_id: int, log_read: bool = True) -> Child:
    """The child, if the user may see it; otherwise 404, exactly as if it did not exist."""
    child = (
        children_visible_to(user=user)
        .select_related("responsible_la", "school", "allocated_social_worker__team")
        .prefetch_related(
            Prefetch(
                "placements", queryset=Placement.objects.select_related("host_la", "placing_la")
            )
        )
        .filter(pk=child_id)
        .first()
    )
    if child is None:
        raise Http404("No child found")
    if log_read:
        audit_record(actor=user, verb=AuditVerb.CHILD_VIEWED, target=child)
    return child


def children_search(
    *, user: User, name: str = "", date_of_birth: date | None = None, identifier: str = ""
) -> QuerySet[Child]:
    """Children the user may see matching every term given; logged as one search entry.

    Name terms match first names, last names and aliases; an identifier matches the LA
    child id, NHS number, UPN or police person id exactly.
    """
    children = children_visible_to(user=user)
    for term in name.split():
        children = children.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(aliases__name__icontains=term)
        )
    if date_of_birth:
        children = children.filter(date_of_birth=date_of_birth)
    if identifier:
        ident = identifier.strip()
        compact = ident.replace(" ", "")
        children = children.filter(
            Q(la_child_id__iexact=ident)
            | Q(nhs_number=compact)
            | Q(upn__iexact=compact)
            | Q(police_person_id__iexact=ident)
        )
    # A record merged into another (the same child) is kept for the log but no longer found.
    children = (
        children.filter(merged_into__isnull=True)
        .distinct()
        .select_related("responsible_la", "school")
    )
    audit_record(
        actor=user,
        verb=AuditVerb.CHILDREN_SEARCHED,
        target_type="people.child",
        payload={
            "terms": [
                k
                for k, v in (
                    ("name", name),
                    ("date_of_birth", date_of_birth),
                    ("identifier", identifier),
                )
                if v
            ],
        },
    )
    return children
