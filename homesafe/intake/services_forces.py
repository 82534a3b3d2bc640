"""Police forces' API keys (created, the key itself shown once and only its hash kept; listed
by prefix; revoked) and their download mappings. Each change is audited naming the force (and
a key by its prefix)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from homesafe.access.audit import audit_record, changed_fields
from homesafe.access.choices import AuditVerb, OrganisationType
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.intake.models import ForceMapping, PoliceApiKey
from homesafe.intake.notifications import STANDARD_COLUMNS
from homesafe.use_cases import use_case

NOT_A_FORCE = "Choose a police force: only police systems send events with a key."
ALREADY_REVOKED = "This key is already revoked."


@use_case
def police_api_key_create(
    *, organisation: Organisation, name: str, actor: User
) -> tuple[PoliceApiKey, str]:
    """A new key for the force; returns the stored key and the key itself (never stored)."""
    if organisation.type != OrganisationType.POLICE:
        raise ValidationError({"organisation": NOT_A_FORCE})
    api_key = PoliceApiKey(organisation=organisation, name=name.strip())
    key = PoliceApiKey.objects.assign_key(api_key)
    api_key.full_clean(exclude=["id", "prefix", "hashed_key"])
    api_key.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.API_KEY_CREATED,
        target_type=PoliceApiKey._meta.label_lower,
        target_id=api_key.prefix,  # the key's id holds its hash: the prefix names it
        payload={"organisation_id": organisation.pk, "prefix": api_key.prefix},
    )
    return api_key, key


@use_case
def police_api_key_revoke(*, api_key: PoliceApiKey, actor: User) -> PoliceApiKey:
    """Police systems using the key are refused from now on (this cannot be undone)."""
    if api_key.revoked:
        raise ApplicationError(ALREADY_REVOKED, code="already_revoked")
    api_key.revoked = True
    api_key.save(update_fields=["revoked"])
    audit_record(
        actor=actor,
        verb=AuditVerb.API_KEY_REVOKED,
        target_type=PoliceApiKey._meta.label_lower,
        target_id=api_key.prefix,
        payload={"organisation_id": api_key.organisation_id, "prefix": api_key.prefix},
    )
    return api_key


MAPPING_NOT_AN_OBJECT = (
    'Write an object of the force\'s column to ours, e.g. {"URN": "police_reference"}.'
)
MAPPING_UNKNOWN_COLUMN = "{name!r} is not one of HomeSafe's columns: {known}."
CODES_NOT_AN_OBJECT = (
    'Write an object of our column to the force\'s codes and ours, e.g. {"risk": {"H": "high"}}.'
)
NOT_A_LOCAL_AUTHORITY = "Choose a local authority."


def _check_mapping(columns, codes) -> None:
    known = ", ".join(STANDARD_COLUMNS)
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in columns.items()
    ):
        raise ValidationError({"columns": MAPPING_NOT_AN_OBJECT})
    for ours in columns.values():
        if ours not in STANDARD_COLUMNS:
            raise ValidationError(
                {"columns": MAPPING_UNKNOWN_COLUMN.format(name=ours, known=known)}
            )
    if not isinstance(codes, dict) or not all(
        isinstance(table, dict) and all(isinstance(v, str) for v in table.values())
        for table in codes.values()
    ):
        raise ValidationError({"codes": CODES_NOT_AN_OBJECT})
    for ours in codes:
        if ours not in STANDARD_COLUMNS:
            raise ValidationError({"codes": MAPPING_UNKNOWN_COLUMN.format(name=ours, known=known)})


@use_case
def force_mapping_save(
    *,
    organisation: Organisation,
    columns: dict,
    codes: dict,
    actor: User,
    default_local_authority: Organisation | None = None,
) -> ForceMapping:
    """How the force's downloads map onto HomeSafe's columns and codes (docs/intake.md)."""
    if organisation.type != OrganisationType.POLICE:
        raise ValidationError({"organisation": NOT_A_FORCE})
    _check_mapping(columns, codes)
    if (
        default_local_authority is not None
        and default_local_authority.type != OrganisationType.LOCAL_AUTHORITY
    ):
        raise ValidationError({"default_local_authority": NOT_A_LOCAL_AUTHORITY})
    mapping = ForceMapping.objects.filter(organisation=organisation).first() or ForceMapping(
        organisation=organisation
    )
    before = {
        "columns": mapping.columns,
        "codes": mapping.codes,
        "default_local_authority": mapping.default_local_authority_id,
    }
    mapping.columns, mapping.codes = columns, codes
    mapping.default_local_authority = default_local_authority
    mapping.full_clean()
    mapping.save()
    after = {
        "columns": columns,
        "codes": codes,
        "default_local_authority": mapping.default_local_authority_id,
    }
    audit_record(
        actor=actor,
        verb=AuditVerb.FORCE_MAPPING_CHANGED,
        target=mapping,
        payload={"organisation_id": organisation.pk, "fields": changed_fields(before, after)},
    )
    return mapping
