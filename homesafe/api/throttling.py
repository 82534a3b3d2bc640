"""How often the API answers one client: per API key, per signed-in person, and a slowdown
for bad API keys from one address (so guessing keys gets nowhere fast).

Rates are REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] ("client", "bad_key"), read when used so
that a change of settings takes effect; a rate of None turns that throttle off. Counts live in
Django's cache (per process unless a shared cache is configured: docs/deployment.md).
A refused request is a 429 with the API's JSON error (`code` "throttled") and Retry-After.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from homesafe.access.client_ip import client_ip


class _RateFromSettings(SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        return client_ip(request)


class ClientRateThrottle(_RateFromSettings):
    """Requests per API key (a police system), per person, or else per address."""

    scope = "client"

    def get_cache_key(self, request, view) -> str:
        prefix = getattr(request.auth, "prefix", None)
        if prefix:
            ident = f"key:{prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class BadKeyThrottle(_RateFromSettings):
    """Bad API keys from one address: counted when refused, checked before a key is looked up."""

    scope = "bad_key"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def blocked(self, request) -> bool:
        """True while this address has sent too many bad keys (nothing is counted)."""
        if self.rate is None:
            return False
        self._load(request)
        return len(self.history) >= self.num_requests

    def record_failure(self, request) -> None:
        if self.rate is None:
            return
        self._load(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
