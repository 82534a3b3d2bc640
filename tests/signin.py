"""A test client whose `force_login` leaves the session as allauth's sign-in leaves it after the
password and the TOTP stages: RequireMfaMiddleware lets a session through only if it passed the
second factor (tests/access/test_mfa_every_way_in.py holds that a password alone is refused)."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from django.http import HttpRequest
from django.test import Client


def session_record_mfa(client: Client, user) -> None:
    """Record in the client's session that `user` passed the password and the TOTP stages."""
    request = HttpRequest()
    request.session = client.session
    request.user = user
    record_authentication(request, user, "password")
    record_authentication(request, user, "mfa", type="totp")
    request.session.save()


class SignedInClient(Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        session_record_mfa(self, user)
