"""The safety plan in force as an A4 PDF (WeasyPrint), from the print page's template.

WeasyPrint fetches nothing by itself: `web.pdf_fetch.StaticFetcher` serves HomeSafe's own static
files (the stylesheets) and refuses every other URL, so no network is ever touched. The file's name
carries ids only."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import HTML

from homesafe.people.models import Child
from homesafe.safety_plans.models import SafetyPlanVersion
from homesafe.web.pdf_fetch import BASE_URL, StaticFetcher


def safety_plan_pdf(
    *, child: Child, version: SafetyPlanVersion, request: HttpRequest | None = None
) -> bytes:
    html = render_to_string(
        "safety_plans/print.html",
        {"title": f"Safety plan: {child.full_name}", "child": child, "version": version},
        request=request,
    )
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFetcher()).write_pdf()


def safety_plan_pdf_filename(version: SafetyPlanVersion) -> str:
    """Ids only: never the child's name (downloads folders, e-mail subjects)."""
    return f"safety-plan-{version.child_id}-v{version.number}.pdf"
