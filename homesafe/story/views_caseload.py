"""A return interview worker's caseload: the children referred to their service whose
interview is still to offer or to record, with the button that records it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from homesafe.access.audit import audit_children_shown
from homesafe.access.choices import AuditVerb, Role
from homesafe.story.interview_caseload import CASELOAD_LIMIT, rhi_caseload


def caseload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.RHI_WORKER):
        raise PermissionDenied
    now = timezone.now()
    rows = rhi_caseload(user=request.user, now=now)
    audit_children_shown(
        actor=request.user,
        verb=AuditVerb.RHI_CASELOAD_VIEWED,
        child_ids=[row.child.pk for row in rows],
    )
    return render(
        request,
        "story/interview_caseload.html",
        {
            "title": "Return interviews to do",
            "active_nav": "caseload",
            "rows": rows,
            "overdue": sum(1 for row in rows if row.is_overdue(now)),
            "now": now,
            "limit": CASELOAD_LIMIT,
        },
    )
