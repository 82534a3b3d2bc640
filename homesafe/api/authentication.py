"""Police systems authenticate with their force's API key: `Authorization: Api-Key <key>`."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from homesafe.access.audit import ClientActor
from homesafe.api.throttling import BadKeyThrottle
from homesafe.intake.models import PoliceApiKey

KEYWORD = "Api-Key"
KEY_INVALID = "The API key is not valid, or has been revoked or has expired."


class PoliceApiKeyAuthentication(authentication.BaseAuthentication):
    """`request.auth` is the force's PoliceApiKey; there is no user (a client, not a person)."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _, key = header.partition(" ")
        if keyword.lower() != KEYWORD.lower() or not key.strip():
            return None
        bad_keys = BadKeyThrottle()
        if bad_keys.blocked(request):
            raise exceptions.Throttled(wait=bad_keys.wait())
        try:
            api_key = PoliceApiKey.objects.get_from_key(key.strip())
        except PoliceApiKey.DoesNotExist:
            api_key = None
        if api_key is None or api_key.has_expired or not api_key.organisation.is_active:
            bad_keys.record_failure(request)
            raise exceptions.AuthenticationFailed(KEY_INVALID, code="key_invalid")
        return AnonymousUser(), api_key

    def authenticate_header(self, request) -> str:
        return KEYWORD


class IsPoliceClient(permissions.BasePermission):
    message = "Send the force's API key: Authorization: Api-Key <key>."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PoliceApiKey)


def client_actor(api_key: PoliceApiKey) -> ClientActor:
    """The audit log's name for a police system: its force's code, key name and prefix."""
    return ClientActor(f"api:{api_key.organisation.code}:{api_key.name}:{api_key.prefix}")


class PoliceApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "homesafe.api.authentication.PoliceApiKeyAuthentication"
    name = "PoliceApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "The force's key, as `Api-Key <key>`.",
        }
