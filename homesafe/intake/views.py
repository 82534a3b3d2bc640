"""Pages of police intake: import a download (upload, check, confirm, progress), the identity
review queue, and merging two records of the same child. Thin: parse, authorise, one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from homesafe.access.audit import audit_children_shown
from homesafe.access.choices import AuditVerb
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
from homesafe.web.form_pages import action_run, form_page, form_response, form_save


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
    if request.method == "POST":
        outcome = form_save(
            form,
            lambda *, force, file: police_import_upload(
                force=force, file_name=file.name, content=file.read(), actor=request.user
            ),
            atomic=False,  # the service reads the file outside any transaction (SQLite's lock)
        )
        if outcome.saved:
            return redirect("intake:import", import_id=outcome.result.pk)
    imports = list(imports_visible_to(user=request.user).select_related("force")[:20])
    audit_children_shown(
        actor=request.user,
        verb=AuditVerb.IMPORTS_VIEWED,
        target_type="intake.policeimport",
        child_ids=[],
        payload={"imports": [i.pk for i in imports]},
    )
    return form_response(
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
        return action_run(
            request,
            act=lambda: police_import_confirm(police_import=police_import, actor=request.user),
            done=None,  # the page shows the import running
            back_url=reverse("intake:import", args=[police_import.pk]),
        )
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

    def resolve(*, decision):
        if decision == "new":
            return identity_review_resolve(review=review, actor=request.user, create_new=True)
        child = child_get_for_user_or_404(user=request.user, child_id=int(decision), log_read=False)
        return identity_review_resolve(review=review, actor=request.user, child=child)

    return form_page(
        request,
        form=form,
        save=resolve,
        field_map={"forename": "decision", "surname": "decision"},
        title=f"Who is police report {review.police_reference} about?",
        done=lambda applied: f"Notification {review.police_reference}: {applied.outcome}",
        next_url=reverse("intake:reviews"),
        template="intake/review.html",
        review=review,
        notification=review.notification,
        back_url=reverse("intake:reviews"),
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
        outcome = form_save(
            form,
            lambda **_: child_merge(
                kept=kept, merged=merged, reason=data["reason"], actor=request.user
            ),
            field_map={"merged": "merged_child"},
        )
        if outcome.saved:
            messages.success(request, f"{merged.full_name}'s record was merged into this one")
            return redirect("people:child", child_id=kept.pk)
    return form_response(
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
