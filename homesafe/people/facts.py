"""What the protocol and the duties' owners read of children's own records (homesafe.duties.facts
assembles it with the other apps' facts): plain data, a fixed number of queries for any number
of children."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from homesafe.bulk_reads import ids_in, rows_for_ids
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
    for child_id, cohort in rows_for_ids(
        lambda ids: CohortPeriod.objects.filter(
            child_id__in=ids, ended_on__isnull=True
        ).values_list("child_id", "cohort"),
        ids,
    ):
        cohorts.setdefault(child_id, cohort)
    legal: dict[int, str] = {}
    for child_id, status in rows_for_ids(
        lambda ids: CarePeriod.objects.filter(child_id__in=ids, ended_on__isnull=True).values_list(
            "child_id", "legal_status"
        ),
        ids,
    ):
        legal.setdefault(child_id, status)
    placed: dict[int, tuple[int, int]] = {}
    for child_id, placing, host in rows_for_ids(
        lambda ids: Placement.objects.filter(child_id__in=ids, ended_on__isnull=True).values_list(
            "child_id", "placing_la_id", "host_la_id"
        ),
        ids,
    ):
        placed.setdefault(child_id, (placing, host))
    network: dict[int, list[NetworkEntry]] = {}
    for child_id, role, organisation_id, user_id in rows_for_ids(
        lambda ids: NetworkMember.objects.filter(
            child_id__in=ids, ended_on__isnull=True
        ).values_list("child_id", "role", "organisation_id", "user_id"),
        ids,
    ):
        network.setdefault(child_id, []).append(NetworkEntry(role, organisation_id, user_id))
    records = {}
    for pk, born, la_id, school_id, worker_id, team_id in rows_for_ids(
        lambda ids: (
            Child.objects.filter(pk__in=ids)
            .order_by()
            .values_list(
                "pk",
                "date_of_birth",
                "responsible_la_id",
                "school_id",
                "allocated_social_worker_id",
                "allocated_social_worker__team_id",
            )
        ),
        ids,
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


# --- Statutory returns (homesafe.insight's SSDA903 export) ----------------------------------


@dataclass(frozen=True, slots=True)
class CareSpell:
    """A care period or a placement as the returns read it: what, from when, to when."""

    kind: str  # the care period's LegalStatus or the placement's PlacementType
    started_on: date
    ended_on: date | None
    postcode: str = ""  # placements only
    host_la_id: int | None = None  # placements only


@dataclass(frozen=True, slots=True)
class LookedAfterChild:
    """A child looked after by one local authority, with their care periods (of that LA) and
    placements, oldest first: what the SSDA903 Header and Episodes tables are built from."""

    id: int
    la_child_id: str
    date_of_birth: date
    sex: str  # a Sex
    ethnicity: str  # an Ethnicity
    upn: str
    care_periods: tuple[CareSpell, ...]
    placements: tuple[CareSpell, ...]


def children_looked_after_between(
    *, placing_la_id: int, first_day: date, last_day: date
) -> list[LookedAfterChild]:
    """The children with a care period of that local authority overlapping the days given
    (both included), in three queries, ordered by id."""
    periods: dict[int, list[CareSpell]] = {}
    for child_id, status, started, ended in (
        CarePeriod.objects.filter(placing_la_id=placing_la_id)
        .filter(started_on__lte=last_day)
        .exclude(ended_on__lt=first_day)
        .order_by("child_id", "started_on", "id")
        .values_list("child_id", "legal_status", "started_on", "ended_on")
    ):
        periods.setdefault(child_id, []).append(CareSpell(status, started, ended))
    placements: dict[int, list[CareSpell]] = {}
    for child_id, kind, started, ended, postcode, host in (
        Placement.objects.filter(child_id__in=ids_in(periods))
        .order_by("child_id", "started_on", "id")
        .values_list(
            "child_id", "placement_type", "started_on", "ended_on", "postcode", "host_la_id"
        )
    ):
        placements.setdefault(child_id, []).append(CareSpell(kind, started, ended, postcode, host))
    return [
        LookedAfterChild(
            id=pk,
            la_child_id=la_child_id,
            date_of_birth=born,
            sex=sex,
            ethnicity=ethnicity,
            upn=upn,
            care_periods=tuple(periods[pk]),
            placements=tuple(placements.get(pk, ())),
        )
        for pk, la_child_id, born, sex, ethnicity, upn in Child.objects.filter(
            pk__in=ids_in(periods)
        )
        .order_by("pk")
        .values_list("pk", "la_child_id", "date_of_birth", "sex", "ethnicity", "upn")
    ]


def placing_authorities_between(*, first_day: date, last_day: date) -> set[int]:
    """The local authorities (ids) with a care period overlapping the days given."""
    return set(
        CarePeriod.objects.filter(started_on__lte=last_day)
        .exclude(ended_on__lt=first_day)
        .values_list("placing_la_id", flat=True)
        .distinct()
    )


def children_of_authority(*, la_id: int) -> dict[int, str]:
    """The children a local authority is responsible for: id -> its own child ID ("" if none)."""
    return dict(
        Child.objects.filter(responsible_la_id=la_id)
        .order_by("pk")
        .values_list("pk", "la_child_id")
    )
