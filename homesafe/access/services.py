"""Writes to organisations, users and access grants."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import ROLE_ORGANISATION_TYPES, AuditVerb, Role
from homesafe.access.models import CaseAccessGrant, Organisation, Team, User, UserRole
from homesafe.access.services_users import user_deactivate  # noqa: F401 (its home since roles)
from homesafe.use_cases import use_case

ROLE_WRONG_ORGANISATION = "A {role} must belong to a {types}."


@use_case
def user_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    roles: list[str],
    actor: Actor | None,
    team: Team | None = None,
    job_title: str = "",
    password: str | None = None,
) -> User:
    for role in roles:
        allowed = ROLE_ORGANISATION_TYPES[Role(role)]
        if organisation.type not in allowed:
            raise ValidationError(
                {
                    "roles": ROLE_WRONG_ORGANISATION.format(
                        role=Role(role).label, types=" or ".join(sorted(allowed))
                    )
                }
            )
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": "The team must belong to the user's organisation."})
    user = User(
        email=User.objects.normalize_email(email),
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        team=team,
        job_title=job_title,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in roles])
    audit_record(
        actor=actor or user, verb=AuditVerb.USER_CREATED, target=user, payload={"roles": roles}
    )
    return user


@use_case
def case_access_grant(
    *, user: User, child, reason: str, starts_at: datetime, ends_at: datetime, actor: User
) -> CaseAccessGrant:
    grant = CaseAccessGrant(
        user=user,
        child=child,
        reason=reason,
        starts_at=starts_at,
        ends_at=ends_at,
        granted_by=actor,
    )
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.ACCESS_GRANTED,
        target=grant,
        child_id=child.pk,
        payload={"user_id": user.pk, "ends_at": ends_at.isoformat()},
    )
    return grant
