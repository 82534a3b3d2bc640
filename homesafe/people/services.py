"""Writes to children's records: one function per use case, in a transaction, audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record, changed_fields
from homesafe.access.choices import AuditVerb, OrganisationType
from homesafe.access.edits import edit_check, edit_version
from homesafe.access.models import Organisation, User
from homesafe.people.choices import (
    Cohort,
    LegalStatus,
    NeedKind,
    NeedStatus,
    NetworkRole,
    PlacementType,
)
from homesafe.people.models import (
    CarePeriod,
    Child,
    ChildAlias,
    ChildNeed,
    CohortPeriod,
    NetworkMember,
    Placement,
)
from homesafe.people.validators import normalise_postcode
from homesafe.use_cases import facts_changed, use_case

CHILD_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "religion",
    "first_language",
    "la_child_id",
    "nhs_number",
    "upn",
    "police_person_id",
    "school",
    "allocated_social_worker",
)


def _check_organisation_type(field: str, organisation: Organisation | None, kind: str) -> None:
    if organisation is not None and organisation.type != kind:
        raise ValidationError({field: f"Choose a {OrganisationType(kind).label.lower()}."})


@use_case
def child_create(
    *,
    responsible_la: Organisation,
    actor: Actor,
    aliases: list[str] | None = None,
    cohort: str = Cohort.NOT_KNOWN,
    cohort_started_on: date | None = None,
    **fields,
) -> Child:
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"child_create() got unexpected fields {sorted(unknown)}")
    _check_organisation_type("responsible_la", responsible_la, OrganisationType.LOCAL_AUTHORITY)
    _check_organisation_type("school", fields.get("school"), OrganisationType.SCHOOL)
    child = Child(responsible_la=responsible_la, **fields)
    child.nhs_number = child.nhs_number.replace(" ", "")
    child.upn = child.upn.upper()
    child.full_clean()
    child.save()
    for name in aliases or []:
        if name.strip():
            ChildAlias.objects.create(child=child, name=name.strip())
    CohortPeriod.objects.create(
        child=child,
        cohort=cohort,
        started_on=cohort_started_on or timezone.localdate(child.created_at),
    )
    audit_record(actor=actor, verb=AuditVerb.CHILD_CREATED, target=child)
    return child


def child_details(child: Child) -> dict:
    """The child's details as a person changes them: what a version of them is made of."""
    details = model_to_dict(child, fields=CHILD_FIELDS)
    details["aliases"] = sorted(child.aliases.values_list("name", flat=True))
    return details


def child_details_version(child: Child) -> str:
    """The version a form or an API client sends back with its change (edit_check)."""
    return edit_version(child_details(child))


@use_case
def child_update(
    *,
    child: Child,
    actor: Actor,
    aliases: list[str] | None = None,
    version: str | None = None,
    **fields,
) -> Child:
    """Change the child's details; with `aliases`, the other names become exactly that list.

    With `version` (what the person saw, child_details_version), a save made after someone
    else's is refused with StaleEdit naming the fields they changed; without, it is not checked
    (internal writes, such as a police person ID learnt from a report).
    """
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"child_update() got unexpected fields {sorted(unknown)}")
    _check_organisation_type("school", fields.get("school"), OrganisationType.SCHOOL)
    Child.objects.select_for_update().filter(pk=child.pk).first()  # one change at a time
    child.refresh_from_db()
    current = child_details(child)
    edit_check(version=version, current=current)
    before = {name: current[name] for name in CHILD_FIELDS}
    for name, value in fields.items():
        setattr(child, name, value)
    child.full_clean()
    child.save()
    changed = changed_fields(before, model_to_dict(child, fields=CHILD_FIELDS))
    if aliases is not None:
        wanted = {a.strip() for a in aliases if a.strip()}
        current_aliases = set(current["aliases"])
        if wanted != current_aliases:
            child.aliases.filter(name__in=current_aliases - wanted).delete()
            ChildAlias.objects.bulk_create(
                [ChildAlias(child=child, name=name) for name in sorted(wanted - current_aliases)]
            )
            changed.append("aliases")
    if changed:
        audit_record(
            actor=actor, verb=AuditVerb.CHILD_UPDATED, target=child, payload={"fields": changed}
        )
        facts_changed(child_id=child.pk)
    return child


@use_case
def child_add_alias(*, child: Child, name: str, actor: Actor) -> ChildAlias:
    alias = ChildAlias(child=child, name=name.strip())
    alias.full_clean()
    alias.save()
    audit_record(actor=actor, verb=AuditVerb.ALIAS_ADDED, target=alias)
    return alias


@use_case
def cohort_record(
    *, child: Child, cohort: str, started_on: date, actor: Actor, uasc: bool = False
) -> CohortPeriod:
    """Start a new cohort period, ending the current one the day before (history kept)."""
    current = child.cohort_periods.filter(ended_on__isnull=True).first()
    if current is not None:
        if started_on <= current.started_on:
            raise ValidationError(
                {"started_on": "The new cohort must start after the current one started."}
            )
        current.ended_on = date.fromordinal(started_on.toordinal() - 1)
        current.save(update_fields=["ended_on"])
    period = CohortPeriod(child=child, cohort=Cohort(cohort), started_on=started_on, uasc=uasc)
    period.full_clean()
    period.save()
    audit_record(
        actor=actor, verb=AuditVerb.COHORT_RECORDED, target=period, payload={"cohort": cohort}
    )
    facts_changed(child_id=child.pk)
    return period


@use_case
def care_period_start(
    *, child: Child, legal_status: str, placing_la: Organisation, started_on: date, actor: Actor
) -> CarePeriod:
    if child.care_periods.filter(ended_on__isnull=True).exists():
        raise ValidationError({"started_on": "The child already has a current care period."})
    period = CarePeriod(
        child=child,
        legal_status=LegalStatus(legal_status),
        placing_la=placing_la,
        started_on=started_on,
    )
    period.full_clean()
    period.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.CARE_PERIOD_RECORDED,
        target=period,
        payload={"legal_status": legal_status},
    )
    facts_changed(child_id=child.pk)
    return period


@use_case
def care_period_end(*, child: Child, ended_on: date, actor: Actor) -> CarePeriod:
    """End the child's current care period (the child leaves care)."""
    period = child.care_periods.filter(ended_on__isnull=True).first()
    if period is None:
        raise ValidationError({"ended_on": "The child has no current care period to end."})
    period.ended_on = ended_on
    period.full_clean()
    period.save(update_fields=["ended_on"])
    audit_record(actor=actor, verb=AuditVerb.CARE_PERIOD_ENDED, target=period)
    facts_changed(child_id=child.pk)
    return period


@use_case
def placement_record(
    *,
    child: Child,
    placement_type: str,
    placing_la: Organisation,
    host_la: Organisation,
    started_on: date,
    actor: Actor,
    postcode: str = "",
    provider: str = "",
) -> Placement:
    """Record where the child now lives, ending the current placement the day before."""
    _check_organisation_type("placing_la", placing_la, OrganisationType.LOCAL_AUTHORITY)
    _check_organisation_type("host_la", host_la, OrganisationType.LOCAL_AUTHORITY)
    current = child.placements.filter(ended_on__isnull=True).first()
    if current is not None:
        if started_on <= current.started_on:
            raise ValidationError(
                {"started_on": "The new placement must start after the current one started."}
            )
        current.ended_on = date.fromordinal(started_on.toordinal() - 1)
        current.save(update_fields=["ended_on"])
    placement = Placement(
        child=child,
        placement_type=PlacementType(placement_type),
        placing_la=placing_la,
        host_la=host_la,
        started_on=started_on,
        postcode=normalise_postcode(postcode),
        provider=provider,
    )
    placement.full_clean()
    placement.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.PLACEMENT_RECORDED,
        target=placement,
        payload={"placement_type": placement_type, "out_of_area": placement.out_of_area},
    )
    facts_changed(child_id=child.pk)
    return placement


@use_case
def child_need_add(
    *, child: Child, kind: str, description: str, status: str, actor: Actor
) -> ChildNeed:
    need = ChildNeed(
        child=child, kind=NeedKind(kind), description=description.strip(), status=NeedStatus(status)
    )
    need.full_clean()
    need.save()
    audit_record(actor=actor, verb=AuditVerb.NEED_RECORDED, target=need, payload={"kind": kind})
    return need


@use_case
def network_member_add(
    *,
    child: Child,
    organisation: Organisation,
    role: str,
    actor: Actor,
    contact_name: str = "",
    contact_email: str = "",
    started_on: date | None = None,
    user: User | None = None,
) -> NetworkMember:
    """Add an organisation or professional to the child's network; `user` names the
    professional as a HomeSafe user (the child's IRO, say), whom HomeSafe then tells itself."""
    member = NetworkMember(
        child=child,
        organisation=organisation,
        role=NetworkRole(role),
        contact_name=contact_name,
        contact_email=contact_email,
        user=user,
    )
    if started_on:
        member.started_on = started_on
    member.full_clean()
    member.save()
    payload = {"organisation_id": organisation.pk, "role": role}
    if user is not None:
        payload["user_id"] = user.pk
    audit_record(
        actor=actor,
        verb=AuditVerb.NETWORK_MEMBER_ADDED,
        target=member,
        payload=payload,
    )
    facts_changed(child_id=child.pk)
    return member


@use_case
def network_member_end(*, member: NetworkMember, ended_on: date, actor: Actor) -> NetworkMember:
    member.ended_on = ended_on
    member.full_clean()
    member.save(update_fields=["ended_on"])
    audit_record(actor=actor, verb=AuditVerb.NETWORK_MEMBER_ENDED, target=member)
    facts_changed(child_id=member.child_id)
    return member
