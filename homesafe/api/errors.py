"""The API's answers when something fails outside a view's own checks: always JSON with a
stable `code`, never the HTML error page, so a police system can tell "try again later"
(the database is down: 503, `database_unavailable`) from a fault (500, `server_error`).

DRF views hand their exceptions to api_exception_handler (homesafe.api.views, set for every
view in REST_FRAMEWORK); anything raised elsewhere (a middleware, the session, a view outside
DRF) reaches Django's handler500, which is server_error here: JSON under /api/, the GOV.UK
page everywhere else.
"""

from __future__ import annotations

import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse

from homesafe.web.views import server_error as page_server_error

API_PREFIX = "/api/"
DATABASE_UNAVAILABLE = "The service cannot reach its database. Try again in a minute."
SERVER_ERROR = "Something went wrong on our side. Try again later; if it goes on, tell us."
RETRY_AFTER_SECONDS = 60


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
