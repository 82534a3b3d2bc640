"""Whose children a figure counts: a local authority's (the `homesafe kpis --la` option), or
those a person may see in aggregate on the insight pages (access.policy.counted_scope: an
analyst sees no child's record, but sees the figures of their authority's children, never named,
with small counts suppressed; everyone else the figures of the children they may see). Who may
open the pages and who sees names: homesafe.insight.roles."""

from __future__ import annotations

from django.db.models import QuerySet

from homesafe.access.choices import OrganisationType
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, Team, User
from homesafe.people import queries as people_queries
from homesafe.people.models import Child

UNKNOWN_LA = "No local authority has the code {code!r} (homesafe organisations lists them)."


def local_authority_by_code(code: str) -> Organisation:
    la = Organisation.objects.filter(code=code, type=OrganisationType.LOCAL_AUTHORITY).first()
    if la is None:
        raise ApplicationError(UNKNOWN_LA.format(code=code), code="unknown_la")
    return la


def children_of_la(la: Organisation) -> QuerySet[Child]:
    """The children a local authority is responsible for."""
    return Child.objects.filter(responsible_la_id=la.pk)


def children_counted_for(user: User) -> QuerySet[Child]:
    """The children whose figures the user sees (access.policy.counted_scope): those they may
    see by name, and for an analyst their authority's children, never named."""
    return people_queries.children_counted_for(user=user)


def teams_of(user: User) -> list[tuple[int, str]]:
    """The teams of the user's organisation, for the team filter (names of teams, not of
    children)."""
    if not user.organisation_id:
        return []
    return list(
        Team.objects.filter(organisation_id=user.organisation_id)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
