"""A test client whose `force_login` leaves the session as allauth's sign-in leaves it after the
password and the TOTP stages: RequireMfaMiddleware lets a session through only if it passed the
second factor (tests/access/test_mfa_every_way_in.py holds that a password alone is refused)."""

from __future__ import annotations

from importlib import import_module

from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from django.test import Client


class SignedInClient(Client):
    def force_login(self, user, backend=None):
        """Django's `force_login` (`Client._login`), with allauth's records of the password and
        TOTP stages written in the same save of the session: a second load and save cost four
        queries a sign-in, in hundreds of tests. `login()` with a password records neither, as
        Django's own sign-in does not."""
        if backend is None:
            backend = self._get_backend()
        user.backend = backend
        request = HttpRequest()
        if self.session:
            request.session = self.session
        else:
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        login(request, user, backend)
        record_authentication(request, user, "password")
        record_authentication(request, user, "mfa", type="totp")
        request.session.save()
        self._set_login_cookies(request)
