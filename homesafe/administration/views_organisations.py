"""Administration of the partnership: organisations, their contacts and teams, and police
forces' API keys (a new key is shown once, on the page that creates it; then only its prefix)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from homesafe.access.choices import OrganisationType
from homesafe.access.services_organisations import (
    organisation_contact_add,
    organisation_contact_remove,
    organisation_contact_update,
    organisation_create,
    organisation_update,
    team_create,
)
from homesafe.administration import forms
from homesafe.administration.queries import (
    api_key_get_for_administration,
    api_keys_for_administration,
    contact_get_for_administration,
    force_mapping_for_administration,
    organisation_get_for_administration,
    organisations_for_administration,
)
from homesafe.administration.views import admin_form_page, check_administrator, confirm_page
from homesafe.intake.services_forces import (
    force_mapping_save,
    police_api_key_create,
    police_api_key_revoke,
)
from homesafe.web.form_pages import form_response, form_save

BACK_TO_ORGANISATIONS = "Back to organisations"


def organisation_list(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    return render(
        request,
        "administration/organisations.html",
        {
            "title": "Organisations",
            "active_nav": "administration",
            "organisations": list(organisations_for_administration()),
        },
    )


def organisation_add(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    form = forms.OrganisationForm(request.POST if request.method == "POST" else None)
    return admin_form_page(
        request,
        form=form,
        save=lambda **data: organisation_create(actor=request.user, **data),
        title="Add an organisation",
        done="Organisation added",
        back_url=reverse("administration:organisations"),
        back_text=BACK_TO_ORGANISATIONS,
    )


def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    check_administrator(request)
    organisation = organisation_get_for_administration(organisation_id=organisation_id)
    return render(
        request,
        "administration/organisation.html",
        {
            "title": organisation.name,
            "active_nav": "administration",
            "organisation": organisation,
            "contacts": list(organisation.contacts.all()),
            "teams": list(organisation.teams.all()),
        },
    )


def organisation_change(request: HttpRequest, organisation_id: int) -> HttpResponse:
    check_administrator(request)
    organisation = organisation_get_for_administration(organisation_id=organisation_id)
    form = forms.OrganisationChangeForm(
        request.POST if request.method == "POST" else None,
        initial={
            "type": organisation.type,
            "name": organisation.name,
            "code": organisation.code,
            "police_force": organisation.police_force_id,
            "local_authority": organisation.local_authority_id,
            "is_active": organisation.is_active,
        },
    )
    back = reverse("administration:organisation", args=[organisation.pk])
    return admin_form_page(
        request,
        form=form,
        save=lambda **data: organisation_update(
            organisation=organisation, actor=request.user, **data
        ),
        title="Change organisation",
        caption=organisation.name,
        done="Organisation changed",
        back_url=back,
        back_text=f"Back to {organisation.name}",
    )


def contact_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    check_administrator(request)
    organisation = organisation_get_for_administration(organisation_id=organisation_id)
    form = forms.ContactForm(request.POST if request.method == "POST" else None)
    return admin_form_page(
        request,
        form=form,
        save=lambda **data: organisation_contact_add(
            organisation=organisation, actor=request.user, **data
        ),
        title="Add a contact",
        caption=organisation.name,
        done="Contact added",
        back_url=reverse("administration:organisation", args=[organisation.pk]),
        back_text=f"Back to {organisation.name}",
    )


def contact_change(request: HttpRequest, contact_id: int) -> HttpResponse:
    check_administrator(request)
    contact = contact_get_for_administration(contact_id=contact_id)
    form = forms.ContactForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(contact, name) for name in forms.ContactForm.base_fields},
    )
    organisation = contact.organisation
    return admin_form_page(
        request,
        form=form,
        save=lambda **data: organisation_contact_update(
            contact=contact, actor=request.user, **data
        ),
        title="Change a contact",
        caption=organisation.name,
        done="Contact changed",
        back_url=reverse("administration:organisation", args=[organisation.pk]),
        back_text=f"Back to {organisation.name}",
    )


def contact_remove(request: HttpRequest, contact_id: int) -> HttpResponse:
    check_administrator(request)
    contact = contact_get_for_administration(contact_id=contact_id)
    return confirm_page(
        request,
        act=lambda: organisation_contact_remove(contact=contact, actor=request.user),
        title=f"Remove {contact.name} from {contact.organisation.name}'s contacts",
        warning="Partners will no longer see this contact.",
        button="Remove the contact",
        done="Contact removed",
        back_url=reverse("administration:organisation", args=[contact.organisation_id]),
    )


def team_add(request: HttpRequest, organisation_id: int) -> HttpResponse:
    check_administrator(request)
    organisation = organisation_get_for_administration(organisation_id=organisation_id)
    form = forms.TeamAddForm(request.POST if request.method == "POST" else None)
    return admin_form_page(
        request,
        form=form,
        save=lambda **data: team_create(organisation=organisation, actor=request.user, **data),
        title="Add a team",
        caption=organisation.name,
        done="Team added",
        back_url=reverse("administration:organisation", args=[organisation.pk]),
        back_text=f"Back to {organisation.name}",
    )


def force_mapping_change(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """A police force's download mapping (docs/intake.md)."""
    check_administrator(request)
    organisation = organisation_get_for_administration(organisation_id=organisation_id)
    if organisation.type != OrganisationType.POLICE:
        raise Http404
    mapping = force_mapping_for_administration(organisation=organisation)
    form = forms.ForceMappingForm(
        request.POST if request.method == "POST" else None,
        initial={
            "columns": mapping.columns if mapping else {},
            "codes": mapping.codes if mapping else {},
            "default_local_authority": mapping.default_local_authority_id if mapping else None,
        },
    )
    return admin_form_page(
        request,
        form=form,
        save=lambda **data: force_mapping_save(
            organisation=organisation, actor=request.user, **data
        ),
        title="Change the download mapping",
        caption=organisation.name,
        intro="How this force's daily download maps onto HomeSafe's columns and codes.",
        done="Download mapping saved",
        back_url=reverse("administration:organisation", args=[organisation.pk]),
        back_text=f"Back to {organisation.name}",
    )


# -- police forces' API keys -------------------------------------------------------------


def api_key_list(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    return render(
        request,
        "administration/api_keys.html",
        {
            "title": "Police API keys",
            "active_nav": "administration",
            "keys": list(api_keys_for_administration()),
        },
    )


@never_cache
def api_key_add(request: HttpRequest) -> HttpResponse:
    """The key is in this POST's answer and nowhere else: it is not stored, and the answer
    is not cached."""
    check_administrator(request)
    form = forms.ApiKeyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = form_save(form, lambda **data: police_api_key_create(actor=request.user, **data))
        if saved.saved:
            api_key, key = saved.result
            return render(
                request,
                "administration/api_key_created.html",
                {
                    "title": "Copy the new key now",
                    "active_nav": "administration",
                    "api_key": api_key,
                    "key": key,
                },
            )
    return form_response(
        request,
        "web/form_page.html",
        {
            "title": "Create a police API key",
            "active_nav": "administration",
            "form": form,
            "intro": "The key is shown once, on the next page: copy it into the force's "
            "system then. HomeSafe keeps only a hash of it.",
            "back_url": reverse("administration:api_keys"),
            "back_text": "Back to police API keys",
            "submit_text": "Create the key",
        },
    )


def api_key_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    check_administrator(request)
    api_key = api_key_get_for_administration(prefix=prefix)
    return confirm_page(
        request,
        act=lambda: police_api_key_revoke(api_key=api_key, actor=request.user),
        title=f"Revoke the key {api_key.prefix} of {api_key.organisation.name}",
        warning="The force's system that uses this key can no longer send or read anything. "
        "This cannot be undone: give the force a new key.",
        button="Revoke the key",
        done=f"Key {api_key.prefix} revoked",
        back_url=reverse("administration:api_keys"),
    )
