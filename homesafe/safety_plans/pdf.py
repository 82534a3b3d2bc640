"""The safety plan in force as an A4 PDF (WeasyPrint), from the print page's template.

WeasyPrint fetches nothing by itself: `StaticFetcher` serves HomeSafe's own static files (the
stylesheets) and refuses every other URL, so no network is ever touched. The file's name
carries ids only."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from homesafe.people.models import Child
from homesafe.safety_plans.models import SafetyPlanVersion

# The document's own origin: `.invalid` is reserved (RFC 2606) and can never reach a network.
BASE_URL = "https://homesafe.invalid/"
REFUSED = "Not one of HomeSafe's own files: {url}"


class StaticFetcher(URLFetcher):
    """Serves HomeSafe's static files; refuses anything else."""

    def __init__(self):
        super().__init__(allowed_protocols=())

    def fetch(self, url, headers=None):
        prefix = urljoin(BASE_URL, settings.STATIC_URL)
        if url.startswith(prefix):
            name = urlsplit(url).path[len(urlsplit(prefix).path) :]
            body = _static_file(name)
            if body is not None:
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": kind})
        raise ValueError(REFUSED.format(url=url))


def _static_file(name: str) -> bytes | None:
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    try:
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as static:
                return static.read()
    except (OSError, ValueError):
        pass
    found = finders.find(name)
    return Path(found).read_bytes() if isinstance(found, str) else None


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
