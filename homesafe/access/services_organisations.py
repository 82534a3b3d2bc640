"""Administrators' changes to the partnership: organisations, their contacts and their teams.

One use case a function, one transaction each with a typed audit entry (ids and field names,
never the values typed).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from homesafe.access.audit import audit_record, changed_fields
from homesafe.access.choices import AuditVerb, ContactTakes, OrganisationType
from homesafe.access.models import Organisation, OrganisationContact, Team, User
from homesafe.use_cases import use_case

ORGANISATION_FIELDS = ["type", "code", "name", "police_force", "local_authority", "is_active"]
FORCE_ONLY_FOR_LA = "Only a local authority has a police force area."
LOCAL_AUTHORITY_NOT_FOR_LA = "A local authority does not work with another local authority."
CODE_TAKEN = "Another organisation already has this code."


def _check_links(organisation: Organisation) -> None:
    if organisation.police_force_id and organisation.type != OrganisationType.LOCAL_AUTHORITY:
        raise ValidationError({"police_force": FORCE_ONLY_FOR_LA})
    if organisation.local_authority_id and organisation.type == OrganisationType.LOCAL_AUTHORITY:
        raise ValidationError({"local_authority": LOCAL_AUTHORITY_NOT_FOR_LA})
    if Organisation.objects.filter(code=organisation.code).exclude(pk=organisation.pk).exists():
        raise ValidationError({"code": CODE_TAKEN})


def _state(organisation: Organisation) -> dict:
    return {name: organisation.serializable_value(name) for name in ORGANISATION_FIELDS}


@use_case
def organisation_create(
    *,
    type: str,
    code: str,
    name: str,
    actor: User,
    police_force: Organisation | None = None,
    local_authority: Organisation | None = None,
) -> Organisation:
    organisation = Organisation(
        type=OrganisationType(type),
        code=code.strip(),
        name=name.strip(),
        police_force=police_force,
        local_authority=local_authority,
    )
    _check_links(organisation)
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.ORGANISATION_CREATED,
        target=organisation,
        payload={"type": organisation.type},
    )
    return organisation


@use_case
def organisation_update(*, organisation: Organisation, actor: User, **changes) -> Organisation:
    """Change any of ORGANISATION_FIELDS; the audit entry names the fields that changed."""
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"organisation_update() cannot change {sorted(unknown)}")
    before = _state(organisation)
    for name, value in changes.items():
        setattr(organisation, name, value.strip() if isinstance(value, str) else value)
    _check_links(organisation)
    organisation.full_clean()
    fields = changed_fields(before, _state(organisation))
    if fields:
        organisation.save(update_fields=fields)
        audit_record(
            actor=actor,
            verb=AuditVerb.ORGANISATION_CHANGED,
            target=organisation,
            payload={"fields": fields},
        )
    return organisation


CONTACT_FIELDS = ["name", "role", "email", "email_secure", "phone", "out_of_hours_phone", "takes"]
CONTACT_UNREACHABLE = "Enter an e-mail address or a phone number."
SECURE_NEEDS_EMAIL = 'Enter the secure mailbox\'s e-mail address, or untick "secure mailbox".'


def _check_contact(contact: OrganisationContact) -> None:
    if not (contact.email or contact.phone or contact.out_of_hours_phone):
        raise ValidationError({"email": CONTACT_UNREACHABLE})
    if contact.email_secure and not contact.email:
        raise ValidationError({"email": SECURE_NEEDS_EMAIL})
    contact.full_clean()


@use_case
def organisation_contact_add(
    *,
    organisation: Organisation,
    name: str,
    role: str,
    actor: User,
    email: str = "",
    email_secure: bool = False,
    phone: str = "",
    out_of_hours_phone: str = "",
    takes: str = ContactTakes.GENERAL,
) -> OrganisationContact:
    """Add a contact to the directory. `email_secure` says the address may receive a child's
    personal data (HomeSafe's "Send" offers only such addresses)."""
    contact = OrganisationContact(
        organisation=organisation,
        name=name.strip(),
        role=role.strip(),
        email=email.strip(),
        email_secure=email_secure,
        phone=phone.strip(),
        out_of_hours_phone=out_of_hours_phone.strip(),
        takes=ContactTakes(takes),
    )
    _check_contact(contact)
    contact.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.ORGANISATION_CONTACT_ADDED,
        target=contact,
        payload={"organisation_id": organisation.pk},
    )
    return contact


@use_case
def organisation_contact_update(
    *, contact: OrganisationContact, actor: User, **changes
) -> OrganisationContact:
    """Change any of CONTACT_FIELDS; the audit entry names the fields that changed, not their
    values."""
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"organisation_contact_update() cannot change {sorted(unknown)}")
    contact = OrganisationContact.objects.select_for_update().get(pk=contact.pk)
    before = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    for name, value in changes.items():
        setattr(contact, name, value.strip() if isinstance(value, str) else value)
    _check_contact(contact)
    fields = changed_fields(before, {name: getattr(contact, name) for name in CONTACT_FIELDS})
    if fields:
        contact.save(update_fields=fields)
        audit_record(
            actor=actor,
            verb=AuditVerb.ORGANISATION_CONTACT_CHANGED,
            target=contact,
            payload={"organisation_id": contact.organisation_id, "fields": fields},
        )
    return contact


@use_case
def organisation_contact_remove(*, contact: OrganisationContact, actor: User) -> None:
    contact_id, organisation_id = contact.pk, contact.organisation_id
    contact.delete()
    audit_record(
        actor=actor,
        verb=AuditVerb.ORGANISATION_CONTACT_REMOVED,
        target_type=OrganisationContact._meta.label_lower,
        target_id=contact_id,
        payload={"organisation_id": organisation_id},
    )


@use_case
def team_create(*, organisation: Organisation, name: str, service: str, actor: User) -> Team:
    if organisation.type != OrganisationType.LOCAL_AUTHORITY:
        raise ValidationError({"name": "Only a local authority has teams."})
    team = Team(organisation=organisation, name=name.strip(), service=service.strip())
    team.full_clean()
    team.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.TEAM_CREATED,
        target=team,
        payload={"organisation_id": organisation.pk},
    )
    return team
