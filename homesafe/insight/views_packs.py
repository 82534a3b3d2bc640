"""The report packs' page (ask for a pack, see each one being built, download it) and the
downloads, through the packs' access rule (homesafe.insight.packs_access) and audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from homesafe.insight.figures import Period
from homesafe.insight.models import PackStatus
from homesafe.insight.packs import period_label
from homesafe.insight.packs_access import pack_get_for_user_or_404, packs_visible_to
from homesafe.insight.packs_forms import PackRequestForm
from homesafe.insight.roles import sees_names
from homesafe.insight.services_packs import (
    FORMATS,
    report_pack_record_download,
    report_pack_request,
)
from homesafe.insight.views import insight_user
from homesafe.web.form_pages import form_response, form_save

LISTED = 50
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ASKED = "Your pack is being built. Refresh this page to see how far it has got."


def packs_page(request: HttpRequest) -> HttpResponse:
    user = insight_user(request)
    form = PackRequestForm(request.POST or None)
    if request.method == "POST":
        outcome = form_save(
            form,
            lambda *, kind, first_day: report_pack_request(
                actor=user, kind=kind, first_day=first_day
            ),
            field_map={"kind": "pack", "period": "pack"},
        )
        if outcome.saved:
            messages.success(request, ASKED)
            return redirect(reverse("insight:packs"))
    listed = list(packs_visible_to(user).select_related("requested_by")[:LISTED])
    rows = [
        {"pack": pack, "label": period_label(pack.kind, Period(pack.first_day, pack.last_day))}
        for pack in listed
    ]
    return form_response(
        request,
        "insight/packs.html",
        {
            "title": "Report packs",
            "active_nav": "insight",
            "form": form,
            "rows": rows,
            "statuses": PackStatus,
            "building": any(
                pack.status in (PackStatus.QUEUED, PackStatus.BUILDING) for pack in listed
            ),
            "suppress": not sees_names(user),
        },
    )


def pack_download(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    user = insight_user(request)
    if file_format not in FORMATS:
        raise Http404("No such file")
    pack = pack_get_for_user_or_404(user, pk)
    if pack.status != PackStatus.READY:
        raise Http404("This pack is not ready")
    body = report_pack_record_download(actor=user, pack=pack, file_format=file_format)
    response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{pack.file_name(file_format)}"'
    return response
