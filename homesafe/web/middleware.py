"""Answers with children's data are never kept by a browser's cache or a proxy; a signed-in
session is kept going by the person's activity."""

import time

from django.conf import settings
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page for a signed-in person and every API answer
    (static files are answered before this, by WhiteNoise, and stay cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response


# A signed-in session ends SESSION_COOKIE_AGE after the person's last request. Its row is
# written again at most this often, not on every request: the end moves by at most this much
# less than "the last request plus the session's length", and every page says the true end.
SESSION_KEPT_EVERY_SECONDS = 60
SESSION_KEPT_AT = "homesafe_kept_at"


def session_keep(session) -> None:
    """Start the session's time again from now (it is saved with the response)."""
    session[SESSION_KEPT_AT] = int(time.time())


def session_seconds_left(session) -> int:
    """How long the session has before the server ends it, from when it was last kept."""
    kept_at = session.get(SESSION_KEPT_AT)
    if kept_at is None:
        return settings.SESSION_COOKIE_AGE
    age = settings.SESSION_COOKIE_AGE
    return min(age, max(0, age - (int(time.time()) - kept_at)))


class SessionActivityMiddleware:
    """A signed-in person's requests keep their session going (the 30-minute time-out counts
    from the last), writing the session's row at most once a minute: Django's
    `SESSION_SAVE_EVERY_REQUEST` wrote it on every page, image request and "Stay signed in" call
    alike. The page's time-out warning is given the seconds that are really left."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            kept_at = request.session.get(SESSION_KEPT_AT)
            if kept_at is None or time.time() - kept_at >= SESSION_KEPT_EVERY_SECONDS:
                session_keep(request.session)
        return self.get_response(request)


def session_kept_at_sign_in(sender, request, user, **kwargs) -> None:
    """`user_logged_in`'s receiver: the session saved by the sign-in starts its time now."""
    if request is not None and hasattr(request, "session"):
        session_keep(request.session)
