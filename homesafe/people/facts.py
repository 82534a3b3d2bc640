"""What the protocol and the duties' owners read of children's own records (homesafe.duties.facts
assembles it with the other apps' facts): plain data, a fixed number of queries for any number
of children."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from homesafe.bulk_reads import ids_in
from homesafe.people.models import CarePeriod, Child, CohortPeriod, NetworkMember, Placement


@dataclass(frozen=True, slots=True)
class NetworkEntry:
    """A current member of the child's professional network."""

    role: str  # a NetworkRole
    organisation_id: int
    user_id: int | None


@dataclass(frozen=True, slots=True)
class ChildRecord:
    """A child as the protocol and the duties' owners read them, by ids."""

    id: int
    date_of_birth: date
    responsible_la_id: int
    school_id: int | None
    social_worker_id: int | None  # the allocated social worker
    social_worker_team_id: int | None  # their team
    cohort: str | None  # the current cohort period's Cohort (None: none current)
    legal_status: str | None  # the current care period's LegalStatus
    placing_la_id: int | None  # of the current placement (None: none current)
    host_la_id: int | None
    network: tuple[NetworkEntry, ...]  # current members, in the network's order

    def network_member(self, role: str) -> NetworkEntry | None:
        return next((member for member in self.network if member.role == role), None)


def child_records(child_ids: Iterable[int]) -> dict[int, ChildRecord]:
    """The children's records by id, in five queries. Where a child has more than one current
    cohort, care period or placement, the one each model's ordering puts first counts."""
    ids = list(child_ids)
    cohorts: dict[int, str] = {}
    for child_id, cohort in CohortPeriod.objects.filter(
        child_id__in=ids_in(ids), ended_on__isnull=True
    ).values_list("child_id", "cohort"):
        cohorts.setdefault(child_id, cohort)
    legal: dict[int, str] = {}
    for child_id, status in CarePeriod.objects.filter(
        child_id__in=ids_in(ids), ended_on__isnull=True
    ).values_list("child_id", "legal_status"):
        legal.setdefault(child_id, status)
    placed: dict[int, tuple[int, int]] = {}
    for child_id, placing, host in Placement.objects.filter(
        child_id__in=ids_in(ids), ended_on__isnull=True
    ).values_list("child_id", "placing_la_id", "host_la_id"):
        placed.setdefault(child_id, (placing, host))
    network: dict[int, list[NetworkEntry]] = {}
    for child_id, role, organisation_id, user_id in NetworkMember.objects.filter(
        child_id__in=ids_in(ids), ended_on__isnull=True
    ).values_list("child_id", "role", "organisation_id", "user_id"):
        network.setdefault(child_id, []).append(NetworkEntry(role, organisation_id, user_id))
    records = {}
    for pk, born, la_id, school_id, worker_id, team_id in (
        Child.objects.filter(pk__in=ids_in(ids))
        .order_by()
        .values_list(
            "pk",
            "date_of_birth",
            "responsible_la_id",
            "school_id",
            "allocated_social_worker_id",
            "allocated_social_worker__team_id",
        )
    ):
        placing, host = placed.get(pk, (None, None))
        records[pk] = ChildRecord(
            id=pk,
            date_of_birth=born,
            responsible_la_id=la_id,
            school_id=school_id,
            social_worker_id=worker_id,
            social_worker_team_id=team_id,
            cohort=cohorts.get(pk),
            legal_status=legal.get(pk),
            placing_la_id=placing,
            host_la_id=host,
            network=tuple(network.get(pk, ())),
        )
    return records
