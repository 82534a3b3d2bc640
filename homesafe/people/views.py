from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from homesafe.access.edits import StaleEdit, edit_version
from homesafe.access.policy import (
    can_change_child,
    can_create_child,
)
from homesafe.people import forms
from homesafe.people.models import Child
from homesafe.people.queries import (
    child_get_for_user_or_404,
)
from homesafe.people.services import (
    care_period_start,
    child_create,
    child_details,
    child_need_add,
    child_update,
    cohort_record,
    network_member_add,
    placement_record,
)
from homesafe.web.edits import form_show_stale
from homesafe.web.errors import form_add_service_error


def child_new(request: HttpRequest) -> HttpResponse:
    if not can_create_child(request.user):
        raise PermissionDenied
    la = request.user.organisation
    form = forms.ChildForm(request.POST or None, local_authority=la)
    if request.method == "POST" and form.is_valid():
        try:
            child = child_create(responsible_la=la, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            return redirect("people:child", child_id=child.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "title": "Add a child",
            "intro": f"Search first: a child should have one record. The child will belong to {la}.",
            "form": form,
            "active_nav": "search",
            "submit_text": "Add child",
            "back_url": reverse("people:search"),
            "back_text": "Back to Find a child",
        },
    )


def _change_page(
    request: HttpRequest,
    child_id: int,
    *,
    form_factory: Callable,
    save: Callable,
    title: str,
    done: str,
) -> HttpResponse:
    """A page with one form that changes a child's record through one service."""
    child = child_get_for_user_or_404(user=request.user, child_id=child_id)
    if not can_change_child(request.user, child):
        raise PermissionDenied
    form = form_factory(child, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(child=child, actor=request.user, **form.cleaned_data)
        except StaleEdit as error:
            form_show_stale(form, error)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("people:child", child_id=child.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "title": title,
            "caption": child.full_name,
            "form": form,
            "back_url": reverse("people:child", args=[child.pk]),
            "back_text": f"Back to {child.full_name}",
        },
    )


def _details_form(child: Child, data):
    initial = child_details(child)
    initial["version"] = edit_version(initial)
    return forms.ChildChangeForm(data, initial=initial, local_authority=child.responsible_la)


def child_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    return _change_page(
        request,
        child_id,
        form_factory=_details_form,
        save=child_update,
        title="Change the child's details",
        done="Details saved",
    )


def cohort_new(request: HttpRequest, child_id: int) -> HttpResponse:
    return _change_page(
        request,
        child_id,
        form_factory=lambda c, d: forms.CohortForm(d),
        save=cohort_record,
        title="Record a change of social care status",
        done="Social care status recorded",
    )


def care_new(request: HttpRequest, child_id: int) -> HttpResponse:
    def save(*, child, actor, **data):
        care_period_start(child=child, actor=actor, placing_la=child.responsible_la, **data)

    return _change_page(
        request,
        child_id,
        form_factory=lambda c, d: forms.CareStartForm(d),
        save=save,
        title="Record that the child is looked after",
        done="Care period recorded",
    )


def placement_new(request: HttpRequest, child_id: int) -> HttpResponse:
    def save(*, child, actor, **data):
        placement_record(child=child, actor=actor, placing_la=child.responsible_la, **data)

    return _change_page(
        request,
        child_id,
        form_factory=lambda c, d: forms.PlacementForm(d),
        save=save,
        title="Record where the child lives",
        done="Placement recorded",
    )


def network_new(request: HttpRequest, child_id: int) -> HttpResponse:
    def save(*, child, actor, started_on, **data):
        network_member_add(child=child, actor=actor, started_on=started_on, **data)

    return _change_page(
        request,
        child_id,
        form_factory=lambda c, d: forms.NetworkMemberForm(d),
        save=save,
        title="Add to the professional network",
        done="Network updated",
    )


def need_new(request: HttpRequest, child_id: int) -> HttpResponse:
    return _change_page(
        request,
        child_id,
        form_factory=lambda c, d: forms.NeedForm(d),
        save=child_need_add,
        title="Record a disability or neurodiversity",
        done="Need recorded",
    )
