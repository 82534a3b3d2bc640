"""The impact of interventions page: episodes before and after, across children."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from homesafe.insight.forms import ImpactForm
from homesafe.insight.impact import DEFAULT_WINDOW, impact_for_user
from homesafe.insight.roles import can_view_patterns
from homesafe.insight.suppression import suppressed
from homesafe.web.form_pages import form_response


@require_GET
def impact(request: HttpRequest) -> HttpResponse:
    if not can_view_patterns(request.user):
        raise PermissionDenied
    form = ImpactForm(request.GET or None)
    intervention, months = "mace", DEFAULT_WINDOW
    if form.is_bound and form.is_valid():
        intervention, months = form.cleaned_data["intervention"], form.cleaned_data["months"]
    report = impact_for_user(
        user=request.user, intervention=intervention, months=months, now=timezone.now()
    )
    context = {
        "title": "Impact of interventions",
        "active_nav": "insight",
        "choice_form": form
        if form.is_bound
        else ImpactForm(initial={"intervention": intervention, "months": months}),
        "report": report,
        "count": str if report.named else suppressed,
    }
    if form.is_bound and form.errors:
        context["form"] = form  # the layout's error summary links to the field
    return form_response(request, "insight/impact.html", context)
