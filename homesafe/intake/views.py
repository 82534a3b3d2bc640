"""Pages of police intake: import a download (upload, check, confirm, progress), the identity
review queue, and merging two records of the same child. Thin: parse, authorise, one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from homesafe.access.audit import audit_children_shown
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.policy import can_change_child
from homesafe.intake.choices import ImportStatus
from homesafe.intake.forms import ChildMergeForm, PoliceImportForm, ReviewDecisionForm
from homesafe.intake.queries import (
    can_import,
    can_review_identity,
    import_forces_for,
    import_get_for_user_or_404,
    import_report_child_ids,
    imports_visible_to,
    review_candidates_for_user,
    review_get_for_user_or_404,
    reviews_visible_to,
)
from homesafe.intake.services import identity_review_resolve
from homesafe.intake.services_imports import police_import_confirm, police_import_upload
from homesafe.intake.services_merge import child_merge
from homesafe.people.queries import child_get_for_user_or_404
from homesafe.web.errors import form_add_service_error


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def import_list(request: HttpRequest) -> HttpResponse:
    _require(can_import(request.user))
    forces = import_forces_for(request.user)
    form = PoliceImportForm(
        request.POST or None,
        request.FILES or None,
        forces=forces,
        initial={"force": request.user.organisation.police_force_id},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:  # the service reads the file outside any transaction (SQLite's write lock)
            police_import = police_import_upload(
                force=form.cleaned_data["force"],
                file_name=upload.name,
                content=upload.read(),
                actor=request.user,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            return redirect("intake:import", import_id=police_import.pk)
    imports = list(imports_visible_to(user=request.user).select_related("force")[:20])
    audit_children_shown(
        actor=request.user,
        verb=AuditVerb.IMPORTS_VIEWED,
        target_type="intake.policeimport",
        child_ids=[],
        payload={"imports": [i.pk for i in imports]},
    )
    return render(
        request,
        "intake/imports.html",
        {
            "title": "Import a police download",
            "form": form,
            "imports": imports,
            "active_nav": "intake",
        },
    )


def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    _require(can_import(request.user))
    police_import = import_get_for_user_or_404(user=request.user, import_id=import_id)
    if request.method == "POST":
        try:
            police_import = police_import_confirm(police_import=police_import, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("intake:import", import_id=police_import.pk)
    context = {
        "title": f"Import of {police_import.file_name}",
        "police_import": police_import,
        "running": police_import.status in (ImportStatus.PREVIEWING, ImportStatus.IMPORTING),
        "statuses": ImportStatus,
    }
    if request.htmx:  # the progress, polled while it runs: counts only, no child
        return render(request, "intake/import_status.html", context)
    audit_children_shown(
        actor=request.user,
        verb=AuditVerb.IMPORT_VIEWED,
        target_type="intake.policeimport",
        target_id=police_import.pk,
        child_ids=[],
    )
    return render(request, "intake/import.html", context)


def import_report(request: HttpRequest, import_id: int, which: str) -> HttpResponse:
    _require(can_import(request.user))
    police_import = import_get_for_user_or_404(user=request.user, import_id=import_id)
    text = police_import.report if which == "import" else police_import.preview_report
    audit_children_shown(
        actor=request.user,
        verb=AuditVerb.IMPORT_VIEWED,
        target_type="intake.policeimport",
        target_id=police_import.pk,
        child_ids=import_report_child_ids(police_import=police_import, report=text),
        payload={"report": which},
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="import-{police_import.pk}-{which}.csv"'
    )
    return response


def review_list(request: HttpRequest) -> HttpResponse:
    _require(can_review_identity(request.user))
    reviews = list(
        reviews_visible_to(user=request.user)
        .filter(status="open")
        .select_related("force")
        .order_by("created_at")[:200]
    )
    audit_children_shown(
        actor=request.user,
        verb=AuditVerb.IDENTITY_REVIEWS_VIEWED,
        target_type="intake.identityreview",
        child_ids=[],  # notifications not yet matched: the police's words, no child's record
        payload={"reviews": [review.pk for review in reviews]},
    )
    return render(
        request,
        "intake/reviews.html",
        {"title": "Notifications to match", "reviews": reviews, "active_nav": "intake"},
    )


def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    _require(can_review_identity(request.user))
    review = review_get_for_user_or_404(user=request.user, review_id=review_id)
    candidates = review_candidates_for_user(user=request.user, review=review)
    if request.method != "POST":
        audit_children_shown(
            actor=request.user,
            verb=AuditVerb.IDENTITY_REVIEW_VIEWED,
            target_type="intake.identityreview",
            target_id=review.pk,
            child_ids=[candidate.child_id for candidate in candidates],
        )
    form = ReviewDecisionForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if decision == "new":
                applied = identity_review_resolve(
                    review=review, actor=request.user, create_new=True
                )
            else:
                child = child_get_for_user_or_404(
                    user=request.user, child_id=int(decision), log_read=False
                )
                applied = identity_review_resolve(review=review, actor=request.user, child=child)
        except (ValidationError, ApplicationError) as error:
            form_add_service_error(
                form, error, field_map={"forename": "decision", "surname": "decision"}
            )
        else:
            messages.success(request, f"Notification {review.police_reference}: {applied.outcome}")
            return redirect("intake:reviews")
    return render(
        request,
        "intake/review.html",
        {
            "title": f"Who is police report {review.police_reference} about?",
            "review": review,
            "notification": review.notification,
            "form": form,
            "back_url": reverse("intake:reviews"),
        },
    )


def merge(request: HttpRequest) -> HttpResponse:
    _require(can_review_identity(request.user))
    form = ChildMergeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kept = child_get_for_user_or_404(user=request.user, child_id=data["kept_child"])
        merged = child_get_for_user_or_404(user=request.user, child_id=data["merged_child"])
        if not (can_change_child(request.user, kept) and can_change_child(request.user, merged)):
            raise PermissionDenied
        try:
            child_merge(kept=kept, merged=merged, reason=data["reason"], actor=request.user)
        except (ValidationError, ApplicationError) as error:
            form_add_service_error(form, error, field_map={"merged": "merged_child"})
        else:
            messages.success(request, f"{merged.full_name}'s record was merged into this one")
            return redirect("people:child", child_id=kept.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "title": "Merge two records of the same child",
            "intro": "Everything on the duplicate record moves to the record you keep. "
            "The duplicate stays, marked as merged, because the audit log refers to it.",
            "form": form,
            "submit_text": "Merge the records",
        },
    )
