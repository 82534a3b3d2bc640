"""Pages for the pre-incident (Philomena) profile: the current version, the form that saves a
new version, the history with what changed, the one-page print and PDF for the police, and the
photo (streamed only after the access check; never public media)."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.profiles.forms import ProfileForm
from homesafe.profiles.policy import can_record_profile
from homesafe.profiles.queries import (
    profile_child_for_user_or_404,
    profile_location_choices,
    profile_open_episode,
    profile_page_for_user_or_404,
    profile_version_for_download_or_404,
    profile_version_for_user_or_404,
    profile_versions_for_user_or_404,
)
from homesafe.profiles.services import profile_edit_version, profile_save, profile_values
from homesafe.web.form_pages import form_page


def profile_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    page = profile_page_for_user_or_404(user=request.user, child_id=child_id)
    return render(
        request,
        "profiles/detail.html",
        {
            "title": f"Pre-incident profile: {page.child.full_name}",
            "page": page,
            "child": page.child,
            "version": page.current,
            "open_episode": profile_open_episode(child=page.child),
        },
    )


def profile_print(request: HttpRequest, child_id: int) -> HttpResponse:
    page = profile_page_for_user_or_404(
        user=request.user, child_id=child_id, verb=AuditVerb.PROFILE_PRINTED
    )
    return render(
        request,
        "profiles/print.html",
        {
            "title": f"Missing child profile: {page.child.full_name}",
            "child": page.child,
            "version": page.current,
            "open_episode": profile_open_episode(child=page.child),
        },
    )


def profile_pdf_download(
    request: HttpRequest, child_id: int, number: int | None = None
) -> HttpResponse:
    """The current version (or version `number`) as a one-page A4 PDF, as an attachment whose
    name carries ids only."""
    # WeasyPrint takes over a second to import and loads Pango as it does: imported here, only
    # the PDF needs it, and the rest of HomeSafe starts without it.
    from homesafe.profiles.pdf import profile_pdf, profile_pdf_filename

    version = profile_version_for_download_or_404(
        user=request.user, child_id=child_id, number=number
    )
    pdf = profile_pdf(
        version=version, open_episode=profile_open_episode(child=version.child), request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{profile_pdf_filename(version)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def profile_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    child = profile_child_for_user_or_404(user=request.user, child_id=child_id, log_read=False)
    if not can_record_profile(request.user, child):
        raise PermissionDenied
    current = child.profile_versions.prefetch_related("locations").order_by("-number").first()
    locations_offered = profile_location_choices(child=child)
    initial = profile_values(current) if current is not None else {}
    initial["version"] = profile_edit_version(current)
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        locations=locations_offered,
    )

    def save(*, locations=None, **data):
        return profile_save(
            child=child,
            actor=request.user,
            allowed_locations=locations_offered,
            locations=locations or [],
            **data,
        )

    return form_page(
        request,
        form=form,
        save=save,
        title="Update the pre-incident profile",
        done="Profile saved as a new version",
        next_url=reverse("profiles:detail", args=[child.pk]),
        template="profiles/form.html",
        caption=child.full_name,
        intro="Each save keeps the earlier versions. Saving with no change records "
        "that the profile was reviewed.",
        has_photo=bool(current and current.photo),
        back_url=reverse("profiles:detail", args=[child.pk]),
    )


def profile_history(request: HttpRequest, child_id: int) -> HttpResponse:
    child, versions = profile_versions_for_user_or_404(user=request.user, child_id=child_id)
    return render(
        request,
        "profiles/history.html",
        {"title": f"Profile history: {child.full_name}", "child": child, "versions": versions},
    )


def profile_version(request: HttpRequest, child_id: int, number: int) -> HttpResponse:
    version = profile_version_for_user_or_404(user=request.user, child_id=child_id, number=number)
    audit_record(
        actor=request.user,
        verb=AuditVerb.PROFILE_VIEWED,
        target=version,
        payload={"version": version.number},
    )
    return render(
        request,
        "profiles/version.html",
        {
            "title": f"Profile version {version.number}: {version.child.full_name}",
            "child": version.child,
            "version": version,
        },
    )


def profile_photo(request: HttpRequest, child_id: int, number: int) -> HttpResponse:
    version = profile_version_for_user_or_404(user=request.user, child_id=child_id, number=number)
    if not version.photo:
        raise Http404("No photo")
    audit_record(
        actor=request.user,
        verb=AuditVerb.PROFILE_PHOTO_VIEWED,
        target=version,
        payload={"version": version.number},
    )
    response = FileResponse(version.photo.open("rb"), content_type=version.photo_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
