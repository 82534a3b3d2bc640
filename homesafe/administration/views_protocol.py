"""The protocol settings page: one field a setting, checked as ProtocolSettings checks them; a
preview of what a change does to open duties, then save (re-planning open duties on the
worker). The settings in force download as TOML, and a TOML file uploads into the form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from homesafe.access.choices import OrganisationType
from homesafe.access.models import Organisation
from homesafe.administration.forms import ProtocolUploadForm
from homesafe.administration.protocol_form import ProtocolSettingsForm, settings_to_toml
from homesafe.administration.views import check_administrator
from homesafe.duties.models import ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.duties.queries import protocol_preview
from homesafe.duties.services import protocol_settings_save
from homesafe.protocol.settings import ProtocolSettings, ProtocolSettingsError
from homesafe.web.form_pages import form_has_errors, form_response, form_save

UPLOAD_MAX_BYTES = 50_000
UPLOAD_TOO_BIG = "The file must be smaller than 50 KB: a settings file is a few KB."
UPLOAD_NOT_TEXT = "The file must be a TOML text file (UTF-8), like the one you can download."
UPLOAD_PROBLEM = "The file's settings have a problem: {error}"


COUNCIL_PARAM = "council"


def _council(request: HttpRequest) -> Organisation | None:
    """Whose settings the page is about: a council's own (`?council=<code>`), else the
    partnership's (every council without its own)."""
    code = request.POST.get(COUNCIL_PARAM) or request.GET.get(COUNCIL_PARAM)
    if not code:
        return None
    council = Organisation.objects.filter(
        code=code, type=OrganisationType.LOCAL_AUTHORITY, is_active=True
    ).first()
    if council is None:
        raise Http404("No such council")
    return council


def _la_id(council: Organisation | None) -> int | None:
    return council.pk if council else None


def _page(request, *, form, upload_form, preview=None) -> HttpResponse:
    council = _council(request)
    version, _ = protocol_current(local_authority_id=_la_id(council))
    return form_response(
        request,
        "administration/protocol.html",
        {
            "title": "Protocol settings",
            "active_nav": "administration",
            "form": form,
            "upload_form": upload_form,
            "version": version,
            "council": council,
            "councils": list(
                Organisation.objects.filter(
                    type=OrganisationType.LOCAL_AUTHORITY, is_active=True
                ).order_by("name")
            ),
            "preview": preview,
            "history": list(
                ProtocolVersion.objects.select_related("created_by", "local_authority")[:20]
            ),
        },
        form=upload_form if form_has_errors(upload_form) else form,
    )


def protocol_settings(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    council = _council(request)
    _, settings = protocol_current(local_authority_id=_la_id(council))
    form = ProtocolSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=ProtocolSettingsForm.initial_from(settings),
    )
    preview = None
    if request.method == "POST":
        saving = request.POST.get("action") == "save"

        def save_or_preview(*, note: str, **_settings):
            if saving:
                return protocol_settings_save(
                    settings_toml=form.settings_toml(),
                    actor=request.user,
                    note=note,
                    local_authority=council,
                )
            return protocol_preview(settings_toml=form.settings_toml())

        outcome = form_save(form, save_or_preview)
        if outcome.saved and saving:
            whose = f" for {council.name}" if council else ""
            messages.success(
                request,
                f"Protocol {outcome.result.version} is in force{whose}; open duties are being "
                f"re-planned.",
            )
            target = reverse("administration:protocol")
            return redirect(f"{target}?{COUNCIL_PARAM}={council.code}" if council else target)
        if outcome.saved:
            preview = outcome.result
    return _page(request, form=form, upload_form=ProtocolUploadForm(), preview=preview)


def protocol_download(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    version, _ = protocol_current(local_authority_id=_la_id(_council(request)))
    response = HttpResponse(version.settings_toml, content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="homesafe-protocol-{version.version}.toml"'
    )
    return response


@require_POST
def protocol_upload(request: HttpRequest) -> HttpResponse:
    """Read a TOML file into the form and preview it; nothing is saved until "Save"."""
    check_administrator(request)
    upload_form = ProtocolUploadForm(request.POST, request.FILES)
    uploaded = None
    if upload_form.is_valid():
        upload = upload_form.cleaned_data["settings_file"]
        if upload.size > UPLOAD_MAX_BYTES:
            upload_form.add_error("settings_file", UPLOAD_TOO_BIG)
        else:
            try:
                uploaded = ProtocolSettings.from_toml(upload.read().decode("utf-8"))
            except UnicodeDecodeError:
                upload_form.add_error("settings_file", UPLOAD_NOT_TEXT)
            except ProtocolSettingsError as error:
                upload_form.add_error("settings_file", UPLOAD_PROBLEM.format(error=error))
    if uploaded is None:
        _, settings = protocol_current(local_authority_id=_la_id(_council(request)))
        form = ProtocolSettingsForm(initial=ProtocolSettingsForm.initial_from(settings))
        return _page(request, form=form, upload_form=upload_form)
    form = ProtocolSettingsForm(initial=ProtocolSettingsForm.initial_from(uploaded))
    messages.success(request, "The file is in the form below: check the preview, then save.")
    # The file's settings were checked as they were read; a preview that still fails is the
    # upload's error.
    outcome = form_save(
        upload_form,
        lambda: protocol_preview(settings_toml=settings_to_toml(uploaded)),
        validate=False,
    )
    return _page(
        request,
        form=form,
        upload_form=ProtocolUploadForm() if outcome.saved else upload_form,
        preview=outcome.result,
    )
