"""The hot spots page: where and when children went missing and were found, across children."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from homesafe.insight.forms import HotspotsPeriodForm
from homesafe.insight.hotspots import WEEKDAYS, hotspots_for_user
from homesafe.insight.networks import DEFAULT_MONTHS
from homesafe.insight.roles import can_view_patterns
from homesafe.insight.suppression import suppressed
from homesafe.web.form_pages import form_response


@require_GET
def hotspots(request: HttpRequest) -> HttpResponse:
    if not can_view_patterns(request.user):
        raise PermissionDenied
    form = HotspotsPeriodForm(request.GET or None)
    months = DEFAULT_MONTHS
    if form.is_bound and form.is_valid():
        months = form.cleaned_data["months"]
    report = hotspots_for_user(user=request.user, months=months, now=timezone.now())
    count = str if report.named else suppressed
    context = {
        "title": "Hot spots",
        "active_nav": "insight",
        "period_form": form if form.is_bound else HotspotsPeriodForm(initial={"months": months}),
        "report": report,
        "count": count,
        "weekdays": WEEKDAYS,
        "map_tiles": settings.HOMESAFE_MAP_TILE_URL,
        # Hexagons for the map: outlines and the count shown by the shading.
        "map_cells": [
            {"boundary": c.boundary, "count": c.last_seen + c.found} for c in report.cells
        ],
    }
    if form.is_bound and form.errors:
        context["form"] = form  # the layout's error summary links to the field
    return form_response(request, "insight/hotspots.html", context)
