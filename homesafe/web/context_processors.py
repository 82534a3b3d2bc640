from django.conf import settings

from homesafe.access.choices import Role

# Roles that give no child's record: someone who holds only these has nobody to find.
NO_SEARCH_ROLES = frozenset({Role.ANALYST, Role.ADMINISTRATOR})


def can_find_children(user) -> bool:
    """Whether "Find a child" is in this person's navigation: any role but analyst and
    administrator (an auditor finds the children sampled for their audits)."""
    return bool(user.roles - NO_SEARCH_ROLES)


def homesafe(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "service_name": settings.HOMESAFE_SERVICE_NAME,
        "demo_mode": settings.DEMO,
        "mfa_required": settings.HOMESAFE_MFA_REQUIRED,
        "current_user": user if user is not None and user.is_authenticated else None,
        "can_find_children": can_find_children,
    }
