"""A duty's page, for a notification whose told party has no HomeSafe users: whom it tells and
their contacts from the directory, "Send" (a minimal e-mail to a secure mailbox) and "Record
that you told them another way" (homesafe.duties.sending); and the contact directory's
read-only page for missing coordinators."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from homesafe.access.choices import OrganisationType, Role
from homesafe.access.models import Organisation, OrganisationContact
from homesafe.duties.choices import MessageState
from homesafe.duties.forms import DutySendForm, DutyToldForm
from homesafe.duties.models import Duty
from homesafe.duties.queries import duty_get_for_user_or_404
from homesafe.duties.sending import (
    ALREADY_SENDING,
    SEND_FAILED,
    duty_record_told,
    duty_send,
    duty_telling_directory,
    message_render,
    notify_configured,
)
from homesafe.web.form_pages import form_save

DIRECTORY_LIMIT = 300
DIRECTORY_TYPES = (
    OrganisationType.LOCAL_AUTHORITY,
    OrganisationType.SCHOOL,
    OrganisationType.POLICE,
    OrganisationType.HEALTH,
    OrganisationType.RHI_SERVICE,
)


def send_panel(request: HttpRequest, duty: Duty, *, bound=None) -> dict:
    """The duty page's context for telling from outside HomeSafe (nothing if HomeSafe tells
    the party itself, or the duty is not an open notification). `bound` is the posted form
    that failed, shown with its errors."""
    directory = duty_telling_directory(duty)
    if directory is None:
        return {}
    subject, body = message_render(duty=duty, sender=request.user)
    context = {
        "telling": directory,
        "send_form": DutySendForm(contacts=directory.sendable),
        "told_form": DutyToldForm(),
        "preview_subject": subject,
        "preview_body": body,
        "sends_by_notify": notify_configured(),
    }
    if bound is not None and bound[0] in ("send_form", "told_form"):
        context[bound[0]] = bound[1]
    return context


def _send_forms_contacts(duty: Duty):
    return OrganisationContact.objects.filter(organisation_id=duty.told_organisation_id)


@require_POST
def duty_send_view(request: HttpRequest, duty_id: int) -> HttpResponse:
    from homesafe.duties.views import _can_work_on, _duty_page

    duty = duty_get_for_user_or_404(user=request.user, duty_id=duty_id)
    if not _can_work_on(request.user, duty):
        raise PermissionDenied
    form = DutySendForm(request.POST, contacts=list(_send_forms_contacts(duty)))
    # The service sends the e-mail between its own transactions: none around it here.
    outcome = form_save(
        form,
        lambda *, contact, token: duty_send(
            duty=duty, contact=contact, token=token, actor=request.user
        ),
        atomic=False,
    )
    if outcome.saved:
        message = outcome.result
        if message.state == MessageState.SENT:
            messages.success(request, f"Sent to {message.to_label}")
            return redirect("duties:detail", duty_id=duty.pk)
        if message.state == MessageState.SENDING:
            messages.info(request, ALREADY_SENDING)
            return redirect("duties:detail", duty_id=duty.pk)
        # Failed: the page again, naming what failed, with a new token to try again.
        form = DutySendForm(
            {"contact": str(message.contact_id or ""), "token": secrets.token_urlsafe(24)},
            contacts=list(_send_forms_contacts(duty)),
        )
        form.is_valid()
        form.add_error(None, SEND_FAILED.format(to=message.to_label, failure=message.failure))
    duty.refresh_from_db()
    return _duty_page(request, duty, bound=("send_form", form))


@require_POST
def duty_told_view(request: HttpRequest, duty_id: int) -> HttpResponse:
    from homesafe.duties.views import _duty_action

    return _duty_action(
        request,
        duty_id,
        name="told_form",
        form_factory=lambda duty, data: DutyToldForm(data),
        act=duty_record_told,
        done=lambda duty, data: "Recorded that you told them",
    )


def directory(request: HttpRequest) -> HttpResponse:
    """The contact directory, read-only, for missing coordinators: whom to reach at the
    councils, schools, police forces and services HomeSafe knows, and how."""
    if not request.user.has_role(Role.MISSING_COORDINATOR):
        raise PermissionDenied
    kind = request.GET.get("type", "")
    query = request.GET.get("q", "").strip()[:100]
    organisations = Organisation.objects.filter(is_active=True, type__in=DIRECTORY_TYPES)
    if kind in DIRECTORY_TYPES:
        organisations = organisations.filter(type=kind)
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(code__iexact=query))
    organisations = list(
        organisations.filter(contacts__isnull=False)
        .distinct()
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=OrganisationContact.objects.order_by("-takes", "role", "name"),
            )
        )
        .order_by("type", "name", "pk")[: DIRECTORY_LIMIT + 1]
    )
    return render(
        request,
        "duties/directory.html",
        {
            "title": "Contact directory",
            "organisations": organisations[:DIRECTORY_LIMIT],
            "more": len(organisations) > DIRECTORY_LIMIT,
            "kind": kind,
            "query": query,
            "types": [(t.value, t.label) for t in DIRECTORY_TYPES],
        },
    )
