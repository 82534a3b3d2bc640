import logging

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and monitoring: 200 "ok" when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.error("Health check: the database does not answer")
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "web/404.html", {"title": "Page not found"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    context = {"title": "Sorry, there is a problem with the service"}
    try:
        return render(request, "web/500.html", context, status=500)
    except DatabaseError:
        # The database is down: the page is drawn for nobody signed in (finding out who is
        # signed in, or their messages, needs the database).
        request.user = AnonymousUser()
        request._messages = []
        return render(request, "web/500.html", context, status=500)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "web/403.html", {"title": "You cannot do that"}, status=403)


def too_many_requests(request: HttpRequest, exception=None) -> HttpResponse:
    """allauth's rate limits (homesafe.urls.handler429): the service's own page, not a bare
    one. The limits count each client's address (AccountAdapter.get_client_ip)."""
    return render(request, "web/429.html", {"title": "Too many attempts"}, status=429)
