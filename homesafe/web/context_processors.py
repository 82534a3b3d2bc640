from django.conf import settings


def homesafe(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "service_name": settings.HOMESAFE_SERVICE_NAME,
        "demo_mode": settings.DEMO,
        "mfa_required": settings.HOMESAFE_MFA_REQUIRED,
        "current_user": user if user is not None and user.is_authenticated else None,
    }
