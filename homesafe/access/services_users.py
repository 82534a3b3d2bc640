"""Administrators' changes to people: roles, team, active or not, two-factor sign-in.

Each is one use case in one transaction with its typed audit entry naming the actor and the
user (ids only). Creating and deactivating users is in services.py; inviting them in
homesafe.administration.services.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError

from homesafe.access.audit import audit_record
from homesafe.access.choices import ROLE_ORGANISATION_TYPES, AuditVerb, OrganisationType, Role
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Team, User, UserRole
from homesafe.use_cases import use_case

ROLE_ALREADY_HELD = "{name} already has the role {role}."
ROLE_NOT_HELD = "{name} does not have the role {role}."
ROLE_WRONG_ORGANISATION = "A {role} must belong to a {types}, not a {organisation_type}."
OWN_ADMINISTRATOR_ROLE = "You cannot remove your own administrator role: ask another administrator."
OWN_ACCOUNT = "You cannot deactivate your own account: ask another administrator."
ALREADY_ACTIVE = "This user is already active."
ALREADY_INACTIVE = "This user is already deactivated."
TEAM_WRONG_ORGANISATION = "Choose a team of the user's own organisation."
NO_AUTHENTICATOR = "This user has not set up two-factor sign-in, so there is nothing to reset."


def _organisation_types(types: set[str]) -> str:
    return " or ".join(sorted(OrganisationType(t).label.lower() for t in types))


@use_case
def user_role_grant(*, user: User, role: str, actor: User) -> UserRole:
    role = Role(role)
    allowed = ROLE_ORGANISATION_TYPES[role]
    organisation_type = user.organisation.type if user.organisation_id else ""
    if organisation_type not in allowed:
        raise ValidationError(
            {
                "role": ROLE_WRONG_ORGANISATION.format(
                    role=role.label.lower(),
                    types=_organisation_types(allowed),
                    organisation_type=OrganisationType(organisation_type).label.lower()
                    if organisation_type
                    else "person with no organisation",
                )
            }
        )
    if UserRole.objects.filter(user=user, role=role).exists():
        raise ValidationError({"role": ROLE_ALREADY_HELD.format(name=user, role=role.label)})
    grant = UserRole.objects.create(user=user, role=role)
    audit_record(
        actor=actor,
        verb=AuditVerb.USER_ROLE_GRANTED,
        target=user,
        payload={"role": str(role), "user_id": user.pk},
    )
    return grant


@use_case
def user_role_remove(*, user: User, role: str, actor: User) -> None:
    role = Role(role)
    if role == Role.ADMINISTRATOR and user.pk == actor.pk:
        raise ApplicationError(OWN_ADMINISTRATOR_ROLE, code="own_administrator_role")
    deleted, _ = UserRole.objects.filter(user=user, role=role).delete()
    if not deleted:
        raise ValidationError({"role": ROLE_NOT_HELD.format(name=user, role=role.label)})
    audit_record(
        actor=actor,
        verb=AuditVerb.USER_ROLE_REMOVED,
        target=user,
        payload={"role": str(role), "user_id": user.pk},
    )


@use_case
def user_team_set(*, user: User, team: Team | None, actor: User) -> User:
    """Put the user in a team of their organisation, or in none."""
    if team is not None and team.organisation_id != user.organisation_id:
        raise ValidationError({"team": TEAM_WRONG_ORGANISATION})
    before = user.team_id
    user.team = team
    user.save(update_fields=["team"])
    audit_record(
        actor=actor,
        verb=AuditVerb.USER_TEAM_CHANGED,
        target=user,
        payload={"from_team_id": before, "to_team_id": team.pk if team else None},
    )
    return user


@use_case
def user_deactivate(*, user: User, actor: User) -> User:
    """Users are never deleted (the audit log names them); they are deactivated and can no
    longer sign in."""
    if user.pk == actor.pk:
        raise ApplicationError(OWN_ACCOUNT, code="own_account")
    if not user.is_active:
        raise ApplicationError(ALREADY_INACTIVE, code="already_inactive")
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, verb=AuditVerb.USER_DEACTIVATED, target=user)
    return user


@use_case
def user_reactivate(*, user: User, actor: User) -> User:
    if user.is_active:
        raise ApplicationError(ALREADY_ACTIVE, code="already_active")
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, verb=AuditVerb.USER_REACTIVATED, target=user)
    return user


@use_case
def user_mfa_reset(*, user: User, actor: User) -> int:
    """Remove the user's authenticators (TOTP and recovery codes): they set up a new one the
    next time they sign in. Returns how many were removed."""
    authenticators = Authenticator.objects.filter(user=user)
    kinds = sorted(authenticators.values_list("type", flat=True))
    if not kinds:
        raise ApplicationError(NO_AUTHENTICATOR, code="no_authenticator")
    authenticators.delete()
    audit_record(
        actor=actor,
        verb=AuditVerb.USER_MFA_RESET,
        target=user,
        payload={"removed": kinds},
    )
    return len(kinds)
