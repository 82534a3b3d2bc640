"""The session's time-out (GOV.UK's timeout warning pattern, web/static/web/session-timeout.js):
a small endpoint that "Stay signed in" calls to keep the session going, and the page shown when
the time has run out."""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from homesafe.web.middleware import session_keep


def _in_words(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{seconds // 60} minutes"


@never_cache
@require_GET
def session_extend(request: HttpRequest) -> JsonResponse:
    """Keep a signed-in session going: it is saved again now, so it ends SESSION_COOKIE_AGE
    seconds from now. Says how many (a signed-out caller is sent to sign in, as for any page)."""
    session_keep(request.session)
    return JsonResponse({"timeout": settings.SESSION_COOKIE_AGE})


@never_cache
@login_not_required
@require_GET
def session_ended(request: HttpRequest) -> HttpResponse:
    """Where the page goes when the time runs out: signs out what is left of the session (the
    page acts a few seconds before the server would) and says so."""
    if request.user.is_authenticated:
        logout(request)
    return render(
        request,
        "web/signed_out.html",
        {
            "title": "You have been signed out",
            "draft_saved": request.GET.get("draft") == "saved",
            "inactivity": _in_words(settings.SESSION_COOKIE_AGE),
        },
    )
