"""The API's errors: always JSON with a stable `code`, never the HTML error page.

One exception handler for every DRF view (`api_exception_handler`, REST_FRAMEWORK's
EXCEPTION_HANDLER) turns what a view or a service raised into the answer:

- a service's `ValidationError` (a field problem) and a serializer's: **400**
  `{"code": "invalid", "detail", "errors": {field: [reason]}}` (a problem with no field is
  under `non_field_errors`);
- a service's `ApplicationError` (a rule broken): `{"code": error.code, "detail": message}`
  with the status `SERVICE_ERROR_STATUS` gives its code, **400** for a code not there;
  `stale_edit` also names the fields changed meanwhile (`changed`) and carries the current
  version as the ETag header;
- Django's Http404 and PermissionDenied: 404 `not_found`, 403 `permission_denied`; DRF's own
  errors keep their codes (`not_authenticated`, `throttled`, ...);
- the database unreachable: 503 `database_unavailable` with Retry-After, so a police system can
  tell "try again later" from a fault.

API views therefore never catch a service's errors themselves (tests/web/test_architecture.py).
Anything raised outside DRF (a middleware, the session) reaches Django's handler500, which is
`server_error` here: JSON under /api/ (500 `server_error`), the GOV.UK page everywhere else.
"""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from homesafe.access.edits import StaleEdit
from homesafe.access.errors import ApplicationError
from homesafe.web.views import server_error as page_server_error

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
DATABASE_UNAVAILABLE = "The service cannot reach its database. Try again in a minute."
SERVER_ERROR = "Something went wrong on our side. Try again later; if it goes on, tell us."
RETRY_AFTER_SECONDS = 60
INVALID = "The request is not valid."

# The status of each rule's code (ApplicationError.code) the API answers with; a code not
# here is a 400. The one table: add a code here when a rule deserves another status.
SERVICE_ERROR_STATUS: dict[str, int] = {
    "not_allowed": status.HTTP_403_FORBIDDEN,  # you see it, but it is not yours to change
    "stale_edit": status.HTTP_412_PRECONDITION_FAILED,  # changed since your read
    # The record's state refuses the change (docs/api.md names each):
    "episode_voided": status.HTTP_409_CONFLICT,
    "action_completed": status.HTTP_409_CONFLICT,
    "no_such_notification": status.HTTP_409_CONFLICT,
    "not_sendable": status.HTTP_409_CONFLICT,
    "already_sending": status.HTTP_409_CONFLICT,
    "invalid_transition": status.HTTP_409_CONFLICT,
    # The search for a missing child (homesafe.locate):
    "action_done": status.HTTP_409_CONFLICT,
    "publicity_not_live": status.HTTP_409_CONFLICT,
    "safe_and_well_recorded": status.HTTP_409_CONFLICT,
    "client_key_used": status.HTTP_409_CONFLICT,  # an API client's key names another record
}


def database_unavailable() -> JsonResponse:
    response = JsonResponse(
        {"code": "database_unavailable", "detail": DATABASE_UNAVAILABLE}, status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: called while the unhandled exception is being handled."""
    if not request.path.startswith(API_PREFIX):
        return page_server_error(request)
    if isinstance(sys.exception(), DatabaseError):
        return database_unavailable()
    return JsonResponse({"code": "server_error", "detail": SERVER_ERROR}, status=500)


def etag(version: str) -> str:
    return f'"{version}"'


def _validation_errors(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"non_field_errors": error.messages}


def service_error_response(error: DjangoValidationError | ApplicationError) -> Response:
    """A service's error as the API answers it (see the module's docstring)."""
    if isinstance(error, DjangoValidationError):
        return Response(
            {"code": "invalid", "detail": INVALID, "errors": _validation_errors(error)},
            status=status.HTTP_400_BAD_REQUEST,
        )
    body = {"code": error.code, "detail": error.message}
    if isinstance(error, StaleEdit):
        body["changed"] = error.fields
    response = Response(body, status=SERVICE_ERROR_STATUS.get(error.code, 400))
    if isinstance(error, StaleEdit):
        response["ETag"] = etag(error.version)
    return response


def api_exception_handler(exc, context):
    """REST_FRAMEWORK's EXCEPTION_HANDLER: every error as {"code", "detail", ...}."""
    if isinstance(exc, DjangoValidationError | ApplicationError):
        set_rollback()
        return service_error_response(exc)
    response = exception_handler(exc, context)
    if response is None:
        if isinstance(exc, DatabaseError):
            logger.error("API request failed: database unavailable", exc_info=exc)
            return database_unavailable()
        return None
    if isinstance(response.data, dict) and "code" in response.data:
        return response
    if isinstance(exc, serializers.ValidationError):
        response.data = {"code": "invalid", "detail": INVALID, "errors": response.data}
    elif isinstance(exc, Http404 | DjangoPermissionDenied):  # Django's, turned into DRF's
        code = "not_found" if isinstance(exc, Http404) else "permission_denied"
        response.data = {"code": code, "detail": str(response.data["detail"])}
    else:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(getattr(exc, "detail", exc)),
        }
    return response
