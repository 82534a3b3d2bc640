"""What the statutory returns share: which local authority a return is for."""

from __future__ import annotations

from homesafe.access.choices import OrganisationType
from homesafe.access.models import Organisation
from homesafe.insight.ssda903 import CollectionYear
from homesafe.people.facts import placing_authorities_between

LA_UNKNOWN = "No local authority has the code {code}."
NO_LA = "No local authority looked after children in {year}: nothing to return."


def local_authorities_for_return(
    *, code: str | None, year: CollectionYear
) -> list[Organisation] | None:
    """The LA with that code (None: no such LA), or without a code every LA that looked after
    children in the year, by code."""
    authorities = Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY)
    if code:
        found = authorities.filter(code=code).first()
        return None if found is None else [found]
    ids = placing_authorities_between(first_day=year.start, last_day=year.end)
    return list(authorities.filter(pk__in=ids).order_by("code"))
