"""Police forces' API keys: created (the key itself is shown once, only its hash is kept),
listed by prefix, revoked. Each change is audited naming the force and the key's prefix."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb, OrganisationType
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.intake.models import PoliceApiKey

NOT_A_FORCE = "Choose a police force: only police systems send events with a key."
ALREADY_REVOKED = "This key is already revoked."


@transaction.atomic
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


@transaction.atomic
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
