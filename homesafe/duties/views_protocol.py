"""The protocol settings page: administrators preview a change, then save it (re-planning
open duties on the worker)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from homesafe.access.choices import Role
from homesafe.duties.models import ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.duties.queries import protocol_preview
from homesafe.duties.services import protocol_settings_save
from homesafe.web.errors import form_add_service_error
from homesafe.web.forms import GovukForm


class ProtocolSettingsForm(GovukForm):
    required_messages = {"settings_toml": "Enter the protocol settings"}
    settings_toml = forms.CharField(
        label="Settings",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"}),
        help_text="TOML, one setting a line. docs/protocol.md explains each setting and its source.",
        max_length=50_000,
    )
    note = forms.CharField(label="What changed and why (optional)", required=False, max_length=300)


def protocol_settings(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied
    version, _ = protocol_current()
    form = ProtocolSettingsForm(
        request.POST or None, initial={"settings_toml": version.settings_toml}
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        text, note = form.cleaned_data["settings_toml"], form.cleaned_data["note"]
        try:
            if request.POST.get("action") == "save":
                saved = protocol_settings_save(settings_toml=text, actor=request.user, note=note)
                messages.success(
                    request,
                    f"Protocol {saved.version} is in force; open duties are being re-planned.",
                )
                return redirect("duties:protocol")
            preview = protocol_preview(settings_toml=text)
        except ValidationError as error:
            form_add_service_error(form, error)
    return render(
        request,
        "duties/protocol.html",
        {
            "title": "Protocol settings",
            "active_nav": "protocol",
            "form": form,
            "version": version,
            "preview": preview,
            "history": list(ProtocolVersion.objects.select_related("created_by")[:20]),
        },
    )
