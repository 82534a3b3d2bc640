"""Two-factor sign-in on every way in (outside the demo, where a banner says it is off).

It is not enough that a user *has* an authenticator: the session itself must have passed the
second factor. allauth records each authentication step of a session (`password`, then `mfa`
with the authenticator's type); a session that was signed in any other way (Django's own
`login()`, e.g. `/admin/login/`) has no `mfa` record and is signed out here.
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# Never stopped: assets and the health check.
_ALWAYS_ALLOWED = ("/static/", "/healthz")
# A signed-in user who has no authenticator yet may still reach these: setting one up, signing out.
_ENROLMENT_PREFIXES = ("/account/",)
MFA_REQUIRED_CODE = "mfa_required"
MFA_REQUIRED_DETAIL = "Sign in with your password and a code from your authenticator app."


def session_passed_mfa(request: HttpRequest) -> bool:
    """Whether this session passed a second factor: allauth's TOTP (or recovery code) stage, or
    setting up the user's authenticator after signing in with the password in this session."""
    records = get_authentication_records(request, request.user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    password_at = [r["at"] for r in records if r.get("method") == "password" and "at" in r]
    if not password_at:
        return False
    enrolled = (
        Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP)
        .values_list("created_at", flat=True)
        .first()
    )
    return enrolled is not None and enrolled.timestamp() >= min(password_at)


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.HOMESAFE_MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(_ALWAYS_ALLOWED)
            and not session_passed_mfa(request)
        ):
            has_totp = Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists()
            if has_totp:
                # Signed in with the password alone although the user has a second factor:
                # this session never passed it. Sign it out and start again.
                logout(request)
                return self._refuse(request, reverse("account_login"))
            if not request.path.startswith(_ENROLMENT_PREFIXES):
                return self._refuse(request, reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, to: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": MFA_REQUIRED_CODE, "detail": MFA_REQUIRED_DETAIL}, status=403
            )
        return redirect(f"{to}?{urlencode({'next': request.get_full_path()})}")
