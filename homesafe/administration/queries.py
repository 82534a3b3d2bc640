"""Reads for the administration pages: people, organisations, keys and the audit log's ids and
verbs. None of them reads a child's record; the caller has checked can_administer."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from homesafe.access.models import AuditEntry, Organisation, OrganisationContact, User, UserRole
from homesafe.administration.models import Invitation
from homesafe.intake.models import ForceMapping, PoliceApiKey
from homesafe.interviews.models import RhiRoute

AUDIT_PAGE_SIZE = 100


def users_for_administration(*, search: str = "") -> QuerySet[User]:
    users = (
        User.objects.select_related("organisation", "team")
        .prefetch_related(Prefetch("role_grants", queryset=UserRole.objects.order_by("role")))
        .annotate(
            has_totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            )
        )
        .order_by("last_name", "first_name", "email")
    )
    for word in search.split():
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return users


def user_get_for_administration(*, user_id: int) -> User:
    return get_object_or_404(users_for_administration(), pk=user_id)


def user_invitations(*, user: User) -> list[Invitation]:
    return list(Invitation.objects.filter(user=user).order_by("-created_at")[:5])


def organisations_for_administration() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("police_force", "local_authority").order_by(
        "type", "name"
    )


def organisation_get_for_administration(*, organisation_id: int) -> Organisation:
    return get_object_or_404(
        organisations_for_administration().prefetch_related("contacts", "teams"),
        pk=organisation_id,
    )


def contact_get_for_administration(*, contact_id: int) -> OrganisationContact:
    return get_object_or_404(
        OrganisationContact.objects.select_related("organisation"), pk=contact_id
    )


def force_mapping_for_administration(*, organisation: Organisation) -> ForceMapping | None:
    return ForceMapping.objects.filter(organisation=organisation).first()


def api_keys_for_administration() -> QuerySet[PoliceApiKey]:
    """Keys by force and newest first; they are shown by prefix only (the rest is a hash)."""
    return PoliceApiKey.objects.select_related("organisation").order_by(
        "organisation__name", "-created"
    )


def api_key_get_for_administration(*, prefix: str) -> PoliceApiKey:
    return get_object_or_404(api_keys_for_administration(), prefix=prefix)


def audit_entries_for_administration(
    *, verb: str = "", actor_id: int | None = None, target_type: str = "", target_id: str = ""
) -> QuerySet[AuditEntry]:
    """The log as ids and verbs: when, who (id or client label), verb, target and child ids.
    Payloads are not shown here."""
    entries = AuditEntry.objects.only(
        "at", "actor_id", "actor_label", "verb", "target_type", "target_id", "child_id"
    ).order_by("-at", "-id")
    if verb:
        entries = entries.filter(verb=verb)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    return entries


def rhi_routes_for_administration() -> QuerySet[RhiRoute]:
    """Every authority's rules on who offers return interviews, in the order they are tried."""
    return RhiRoute.objects.select_related("local_authority", "host_authority", "provider")


def rhi_route_get_for_administration(*, route_id: int) -> RhiRoute:
    return get_object_or_404(RhiRoute.objects.select_related("local_authority"), pk=route_id)
