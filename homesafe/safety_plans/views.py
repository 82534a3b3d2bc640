"""Pages for the child's safety plan: the plan in force with its versions and the episodes
before and after each, the form that saves a new version (the first plan, or a review with the
child after a return), an old version, and the print page (a print stylesheet)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from homesafe.access.choices import AuditVerb
from homesafe.access.policy import can_record_safety_plan, can_view_casework
from homesafe.people.queries import adverse_experiences_for_child
from homesafe.safety_plans.forms import SafetyPlanForm
from homesafe.safety_plans.models import ASSESSMENT_FIELDS, PLAN_TEXT_FIELDS
from homesafe.safety_plans.queries import (
    review_episode_choices,
    safety_plan_child_for_user_or_404,
    safety_plan_page_for_user_or_404,
    safety_plan_version_for_user_or_404,
)
from homesafe.safety_plans.services import recorded_indicators, safety_plan_save
from homesafe.web.form_pages import form_page

# What a review starts from: the version in force, as a person changes it.
PLAN_FIELDS_INITIAL = (
    *ASSESSMENT_FIELDS,
    *PLAN_TEXT_FIELDS,
    "made_with_child",
    "advocacy_offered",
)


def safety_plan_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    page = safety_plan_page_for_user_or_404(user=request.user, child_id=child_id)
    return render(
        request,
        "safety_plans/detail.html",
        {
            "title": f"Safety plan: {page.child.full_name}",
            "page": page,
            "child": page.child,
            "version": page.current,
            "experiences": adverse_experiences_for_child(child=page.child)
            if can_view_casework(request.user, page.child)
            else None,
        },
    )


def safety_plan_print(request: HttpRequest, child_id: int) -> HttpResponse:
    page = safety_plan_page_for_user_or_404(
        user=request.user, child_id=child_id, verb=AuditVerb.SAFETY_PLAN_PRINTED
    )
    return render(
        request,
        "safety_plans/print.html",
        {
            "title": f"Safety plan: {page.child.full_name}",
            "child": page.child,
            "version": page.current,
        },
    )


def safety_plan_pdf_download(request: HttpRequest, child_id: int) -> HttpResponse:
    """The plan in force as an A4 PDF, as an attachment whose name carries ids only."""
    # WeasyPrint takes a second to import and loads Pango: imported only for the PDF.
    from homesafe.safety_plans.pdf import safety_plan_pdf, safety_plan_pdf_filename

    page = safety_plan_page_for_user_or_404(
        user=request.user, child_id=child_id, verb=AuditVerb.SAFETY_PLAN_PDF_DOWNLOADED
    )
    if page.current is None:
        raise Http404("No safety plan")
    pdf = safety_plan_pdf(child=page.child, version=page.current, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = safety_plan_pdf_filename(page.current)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def safety_plan_version(request: HttpRequest, child_id: int, number: int) -> HttpResponse:
    version = safety_plan_version_for_user_or_404(
        user=request.user, child_id=child_id, number=number
    )
    return render(
        request,
        "safety_plans/version.html",
        {
            "title": f"Safety plan version {version.number}: {version.child.full_name}",
            "child": version.child,
            "version": version,
        },
    )


def safety_plan_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    child = safety_plan_child_for_user_or_404(user=request.user, child_id=child_id, log_read=False)
    if not can_record_safety_plan(request.user, child):
        raise PermissionDenied
    current = child.safety_plan_versions.order_by("-number").first()
    episodes = review_episode_choices(child=child)
    recorded = recorded_indicators(child=child)
    initial: dict = (
        {name: getattr(current, name) for name in PLAN_FIELDS_INITIAL} if current else {}
    )
    initial["indicators"] = sorted(set(initial.get("indicators", [])) | recorded)
    latest_return = episodes.first()
    if current and latest_return and latest_return.returned_at > current.saved_at:
        initial["review_of"] = latest_return.pk
    form = SafetyPlanForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        review_episodes=episodes,
        recorded=recorded,
    )

    def save(**data):
        return safety_plan_save(child=child, actor=request.user, **data)

    reviewing = current is not None
    return form_page(
        request,
        form=form,
        save=save,
        title="Review the safety plan" if reviewing else "Make a safety plan",
        done=lambda saved: f"Safety plan saved as version {saved.number}",
        next_url=reverse("safety_plans:detail", args=[child.pk]),
        template="safety_plans/form.html",
        caption=child.full_name,
        intro="Work through the plan with the child and their parents or carers. Each save "
        "keeps the earlier versions.",
        back_url=reverse("safety_plans:detail", args=[child.pk]),
        submit_text="Save a new version",
        experiences=adverse_experiences_for_child(child=child),
    )
