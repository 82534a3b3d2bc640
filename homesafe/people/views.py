from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from homesafe.access.edits import edit_version
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
from homesafe.web.form_pages import form_page


def child_new(request: HttpRequest) -> HttpResponse:
    if not can_create_child(request.user):
        raise PermissionDenied
    la = request.user.organisation
    return form_page(
        request,
        form=forms.ChildForm(request.POST or None, local_authority=la),
        save=lambda **data: child_create(responsible_la=la, actor=request.user, **data),
        title="Add a child",
        done=None,  # the child's page is the confirmation
        next_url=lambda child: reverse("people:child", args=[child.pk]),
        intro=f"Search first: a child should have one record. The child will belong to {la}.",
        active_nav="search",
        submit_text="Add child",
        back_url=reverse("people:search"),
        back_text="Back to Find a child",
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
    return form_page(
        request,
        form=form_factory(child, request.POST or None),
        save=lambda **data: save(child=child, actor=request.user, **data),
        title=title,
        done=done,
        next_url=reverse("people:child", args=[child.pk]),
        caption=child.full_name,
        back_url=reverse("people:child", args=[child.pk]),
        back_text=f"Back to {child.full_name}",
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
