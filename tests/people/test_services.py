import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from homesafe.access.choices import AuditVerb
from homesafe.access.choices import OrganisationType as OT
from homesafe.access.models import AuditEntry
from homesafe.people.choices import Cohort, PlacementType
from homesafe.people.models import Child
from homesafe.people.services import (
    child_create,
    child_update,
    cohort_record,
    placement_record,
)
from tests.factories import OrganisationFactory


@pytest.fixture
def la(db):
    return OrganisationFactory(code="901")


@pytest.fixture
def actor(world):
    return world.users["cmo_a"]


def test_child_create_writes_child_cohort_aliases_and_audit(world, actor):
    la = world.orgs["la_a"]
    child = child_create(
        responsible_la=la,
        actor=actor,
        first_name="Ria",
        last_name="Stone",
        date_of_birth=dt.date(2012, 2, 29),
        aliases=["Ri", " "],
        cohort=Cohort.CHILD_IN_NEED,
        nhs_number="943 476 5919",
    )
    assert child.nhs_number == "9434765919"
    assert [a.name for a in child.aliases.all()] == ["Ri"]
    assert child.cohort_periods.get().cohort == Cohort.CHILD_IN_NEED
    assert AuditEntry.objects.filter(
        verb=AuditVerb.CHILD_CREATED, child_id=child.pk, actor=actor
    ).exists()


def test_child_create_refuses_a_school_as_responsible_la(world, actor):
    with pytest.raises(ValidationError) as error:
        child_create(
            responsible_la=world.orgs["school_1"],
            actor=actor,
            first_name="A",
            last_name="B",
            date_of_birth=dt.date(2012, 1, 1),
        )
    assert "responsible_la" in error.value.error_dict


def test_duplicate_nhs_number_is_refused_with_a_message(world, actor):
    la = world.orgs["la_a"]
    child_create(
        responsible_la=la,
        actor=actor,
        first_name="A",
        last_name="B",
        date_of_birth=dt.date(2012, 1, 1),
        nhs_number="9434765919",
    )
    count = Child.objects.count()
    with pytest.raises(ValidationError, match="Another child has this NHS number"):
        child_create(
            responsible_la=la,
            actor=actor,
            first_name="C",
            last_name="D",
            date_of_birth=dt.date(2012, 1, 1),
            nhs_number="9434765919",
        )
    assert Child.objects.count() == count


def test_child_update_audits_the_changed_field_names_only(world, actor):
    child = world.children["a_team1"]
    child_update(child=child, actor=actor, first_language="Polish")
    entry = AuditEntry.objects.filter(verb=AuditVerb.CHILD_UPDATED).latest("id")
    assert entry.payload == {"fields": ["first_language"]}
    assert "Polish" not in str(entry.payload)


def test_cohort_history_is_kept(world, actor):
    child = world.children["a_unallocated"]
    cohort_record(
        child=child, cohort=Cohort.CHILD_IN_NEED, started_on=dt.date(2025, 1, 1), actor=actor
    )
    cohort_record(
        child=child, cohort=Cohort.LOOKED_AFTER, started_on=dt.date(2025, 6, 1), actor=actor
    )
    periods = list(child.cohort_periods.order_by("started_on"))
    assert [p.cohort for p in periods] == [Cohort.CHILD_IN_NEED, Cohort.LOOKED_AFTER]
    assert periods[0].ended_on == dt.date(2025, 5, 31) and periods[1].ended_on is None
    with pytest.raises(ValidationError):
        cohort_record(
            child=child, cohort=Cohort.CARE_LEAVER, started_on=dt.date(2025, 6, 1), actor=actor
        )


def test_placement_out_of_area_is_derived(world, actor):
    child = world.children["a_unallocated"]
    la_a, la_b = world.orgs["la_a"], world.orgs["la_b"]
    home = placement_record(
        child=child,
        placement_type=PlacementType.FOSTER,
        placing_la=la_a,
        host_la=la_a,
        started_on=dt.date(2025, 1, 1),
        postcode="ng15dt",
        actor=actor,
    )
    assert home.out_of_area is False and home.postcode == "NG1 5DT"
    away = placement_record(
        child=child,
        placement_type=PlacementType.RESIDENTIAL,
        placing_la=la_a,
        host_la=la_b,
        started_on=dt.date(2025, 3, 1),
        actor=actor,
    )
    home.refresh_from_db()
    assert away.out_of_area is True
    assert home.ended_on == dt.date(2025, 2, 28)


def test_placement_host_must_be_a_local_authority(world, actor):
    police = OrganisationFactory(type=OT.POLICE, code="PX")
    with pytest.raises(ValidationError) as error:
        placement_record(
            child=world.children["a_unallocated"],
            placement_type=PlacementType.FOSTER,
            placing_la=world.orgs["la_a"],
            host_la=police,
            started_on=dt.date(2025, 1, 1),
            actor=actor,
        )
    assert "host_la" in error.value.error_dict


def test_care_period_start_and_end(world, actor):
    from homesafe.people.services import care_period_end, care_period_start

    child = world.children["a_unallocated"]
    with pytest.raises(ValidationError):
        care_period_end(child=child, ended_on=dt.date(2025, 1, 1), actor=actor)
    care_period_start(
        child=child,
        legal_status="care_order",
        placing_la=world.orgs["la_a"],
        started_on=dt.date(2024, 1, 1),
        actor=actor,
    )
    with pytest.raises(ValidationError):
        care_period_start(
            child=child,
            legal_status="s20",
            placing_la=world.orgs["la_a"],
            started_on=dt.date(2024, 6, 1),
            actor=actor,
        )
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        care_period_end(child=child, ended_on=dt.date(2023, 1, 1), actor=actor)
    period = care_period_end(child=child, ended_on=dt.date(2025, 1, 1), actor=actor)
    assert period.ended_on == dt.date(2025, 1, 1)
    assert AuditEntry.objects.filter(verb=AuditVerb.CARE_PERIOD_ENDED, child_id=child.pk).exists()
