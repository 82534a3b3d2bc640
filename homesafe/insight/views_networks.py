"""The networks page: children linked through shared persons and places of concern."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from homesafe.insight.forms import NetworksPeriodForm
from homesafe.insight.networks import DEFAULT_MONTHS, networks_for_user
from homesafe.insight.roles import can_view_patterns
from homesafe.insight.suppression import suppressed
from homesafe.web.form_pages import form_response


@require_GET
def networks(request: HttpRequest) -> HttpResponse:
    if not can_view_patterns(request.user):
        raise PermissionDenied
    form = NetworksPeriodForm(request.GET or None)
    months = DEFAULT_MONTHS
    if form.is_bound and form.is_valid():
        months = form.cleaned_data["months"]
    report = networks_for_user(user=request.user, months=months, now=timezone.now())
    context = {
        "title": "Networks of children",
        "active_nav": "insight",
        "period_form": form if form.is_bound else NetworksPeriodForm(initial={"months": months}),
        "report": report,
        "count": (lambda n: str(n)) if report.named else suppressed,
    }
    if form.is_bound and form.errors:
        context["form"] = form  # the layout's error summary links to the field
    return form_response(request, "insight/networks.html", context)
