"""Reads of children, always through the access gate."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from homesafe.access.audit import audit_children_shown, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import Organisation, User
from homesafe.access.policy import (
    casework_scope,
    child_scope,
    counted_scope_branches,
    counted_whole_authorities,
)
from homesafe.bulk_reads import ids_in
from homesafe.people.models import Child, ChildAlias, Placement, UnbornChild


def children_visible_to(*, user: User) -> QuerySet[Child]:
    return Child.objects.filter(child_scope(user))


def children_counted_for(*, user: User) -> QuerySet[Child]:
    """The children a user's figures count (access.policy.counted_scope): for an analyst, more
    than they may see by name. Never show these children's names to the user.

    The scope is evaluated once, here (`counted_child_ids`), and the queryset carries the ids:
    a page's figures read it in every query, and an OR of the scope's branches cannot use an
    index (3.3 s among a million children, each time)."""
    rows = _counted_children(user)
    ids = sorted(pk for pk, _ in rows)
    children = Child.objects.filter(pk__in=ids_in(ids))
    # The ids themselves, for a reader that filters another table by them (insight's figures:
    # `child_id = ANY(ids)` can use an index on child_id; a subquery on Child cannot); and
    # the authorities whose children all count, with the ids of the children outside them,
    # for a reader whose rows carry the child's authority.
    whole = counted_whole_authorities(user)
    las = set(Organisation.objects.filter(whole).values_list("pk", flat=True)) if whole else set()
    children.counted_ids = ids
    children.counted_las = sorted(las)
    children.counted_ids_outside_las = sorted(pk for pk, la in rows if la not in las)
    return children


def counted_child_ids(*, user: User) -> list[int]:
    """The ids of the children counted_scope selects."""
    return sorted(pk for pk, _ in _counted_children(user))


def _counted_children(user: User) -> list[tuple[int, int | None]]:
    """(id, responsible authority) of the children counted_scope selects, as one UNION of its
    branches (each served by its own index: the authority, the placement's host, the grant's
    user...)."""
    parts = [
        Child.objects.filter(branch).order_by().values_list("pk", "responsible_la_id")
        for branch in counted_scope_branches(user)
    ]
    if not parts:
        return []
    return list(parts[0].union(*parts[1:]).order_by())


def children_with_casework_visible_to(*, user: User) -> QuerySet[Child]:
    """The children whose casework (cohort, care, network) the user may see."""
    return Child.objects.filter(casework_scope(user))


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


def children_granted_to(*, user: User, now) -> list[Child]:
    """The children a user may see through a case-access grant in force now (an auditor's
    sampled cases), each with `grant_ends_at`, the grant ending soonest first."""
    return list(
        children_visible_to(user=user)
        .filter(
            access_grants__user=user,
            access_grants__starts_at__lte=now,
            access_grants__ends_at__gt=now,
        )
        .annotate(grant_ends_at=Max("access_grants__ends_at"))
        .order_by("grant_ends_at", "last_name", "first_name")
    )


IDENTIFIER_LABELS = {
    "la_child_id": "LA child ID",
    "nhs_number": "NHS number",
    "upn": "UPN",
    "police_person_id": "police person ID",
}


def _identifier_matches(child: Child, identifier: str) -> list[str]:
    ident = identifier.strip()
    compact = ident.replace(" ", "")
    values = {
        "la_child_id": ident.casefold(),
        "nhs_number": compact,
        "upn": compact.casefold(),
        "police_person_id": ident.casefold(),
    }
    found = []
    for field_name, wanted in values.items():
        value = getattr(child, field_name) or ""
        if value and (value if field_name == "nhs_number" else value.casefold()) == wanted:
            found.append(f"{IDENTIFIER_LABELS[field_name]} {value}")
    return found


def search_match_reasons(*, children: list[Child], name: str = "", identifier: str = "") -> dict:
    """Why each child found by `children_search` matched, in words for the results page: the
    aliases a name term matched (when the child's own name did not) and the identifier matched.

    The children are those the search returned (already through the gate); their aliases come
    in one query.
    """
    terms = [term.casefold() for term in name.split()]
    aliases: dict[int, list[str]] = {}
    if terms:
        for child_id, alias in ChildAlias.objects.filter(
            child_id__in=[c.pk for c in children]
        ).values_list("child_id", "name"):
            aliases.setdefault(child_id, []).append(alias)
    reasons: dict[int, list[str]] = {}
    for child in children:
        own_name = f"{child.first_name} {child.last_name}".casefold()
        found = []
        for term in terms:
            if term in own_name:
                continue
            found += [
                f"alias {alias}"
                for alias in aliases.get(child.pk, [])
                if term in alias.casefold() and f"alias {alias}" not in found
            ]
        if identifier.strip():
            found += _identifier_matches(child, identifier)
        reasons[child.pk] = found
    return reasons


def children_search(
    *,
    user: User,
    limit: int,
    name: str = "",
    date_of_birth: date | None = None,
    identifier: str = "",
) -> list[Child]:
    """Children the user may see matching every term given, at most `limit` + 1 (one more
    says there are more); logged as one search entry naming the terms used (not their values)
    and the children found (the first `limit`, those shown).

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
    found = list(
        children.filter(merged_into__isnull=True)
        .distinct()
        .select_related("responsible_la", "school")
        .order_by("last_name", "first_name", "pk")[: limit + 1]
    )
    audit_children_shown(
        actor=user,
        verb=AuditVerb.CHILDREN_SEARCHED,
        child_ids=[child.pk for child in found[:limit]],
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
    return found


def placement_moves_for_children(
    *, children: QuerySet[Child], moved_from: date, moved_to: date
) -> list[tuple[int, date]]:
    """(child id, date) of the placements begun between two dates (both included) by children
    the caller has put through the gate, who had been placed somewhere before: a move, not a
    first placement."""
    earlier = Placement.objects.filter(
        child=OuterRef("child"), started_on__lt=OuterRef("started_on")
    )
    return list(
        Placement.objects.filter(
            child__in=children.values("pk"), started_on__gte=moved_from, started_on__lte=moved_to
        )
        .filter(Exists(earlier))
        .values_list("child_id", "started_on")
    )


def adverse_experiences_for_child(*, child: Child) -> list:
    """The child's trauma and adverse childhood experiences, for a page that has passed the
    gate and checked the user may see casework."""
    return list(child.adverse_experiences.all())


def education_concerns_for_child(*, child: Child) -> list:
    """The child's records of missing education and absence, newest first, for a page that has
    passed the gate and checked can_view_education."""
    return list(child.education_concerns.select_related("organisation"))


def child_relationships_for_user(*, user: User, child: Child) -> list:
    """The children linked to this one (brothers and sisters, household members), each with
    `visible`: whether the user may open their record (the name is shown only then)."""
    links = list(child.relationships.select_related("other").order_by("other__last_name"))
    visible = set(
        children_visible_to(user=user)
        .filter(pk__in=[link.other_id for link in links])
        .values_list("pk", flat=True)
    )
    for link in links:
        link.visible = link.other_id in visible
    return links


def unborn_children_for_child(*, child: Child) -> list[UnbornChild]:
    """The expected babies in the child's household, current first then by due date, for a page
    that has passed the casework gate."""
    return sorted(
        UnbornChild.objects.filter(child=child), key=lambda u: (not u.is_current, u.expected_on)
    )
