"""Pages that record the child's family links, missing education or absence, and trauma or
adverse childhood experiences (issue 16): one form each, one service each."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from homesafe.access.policy import can_change_child, can_record_education, casework_scope
from homesafe.people import forms_family
from homesafe.people.models import Child, EducationConcern, UnbornChild
from homesafe.people.queries import child_get_for_user_or_404
from homesafe.people.services_family import (
    adverse_experience_record,
    children_link,
    education_concern_end,
    education_concern_record,
    unborn_child_end,
    unborn_child_record,
)
from homesafe.web.form_pages import form_page


def _child(request: HttpRequest, child_id: int, *, may) -> Child:
    """The child, through the gate, if the user `may` record this about them; else 403."""
    child = child_get_for_user_or_404(user=request.user, child_id=child_id)
    if not may(request.user, child):
        raise PermissionDenied
    return child


def _page(request, child, *, form, save, title, done):
    back = reverse("people:child", args=[child.pk])
    return form_page(
        request,
        form=form,
        save=save,
        title=title,
        done=done,
        next_url=back,
        caption=child.full_name,
        back_url=back,
        back_text=f"Back to {child.full_name}",
    )


def child_link_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _child(request, child_id, may=can_change_child)
    # The other child: one whose casework the user sees and may change too.
    form = forms_family.ChildLinkForm(
        request.POST or None,
        candidates=Child.objects.filter(casework_scope(request.user)).exclude(pk=child.pk),
        may_change=lambda other: can_change_child(request.user, other),
    )
    return _page(
        request,
        child,
        form=form,
        save=lambda other, kind: children_link(
            child=child, other=other, kind=kind, actor=request.user
        ),
        title="Link a brother, sister or household member",
        done="Children linked",
    )


def education_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _child(request, child_id, may=can_record_education)
    return _page(
        request,
        child,
        form=forms_family.EducationConcernForm(request.POST or None),
        save=lambda **data: education_concern_record(child=child, actor=request.user, **data),
        title="Record missing education or absence",
        done="Education record saved",
    )


def education_end(request: HttpRequest, child_id: int, concern_id: int) -> HttpResponse:
    child = _child(request, child_id, may=can_record_education)
    concern = get_object_or_404(EducationConcern, pk=concern_id, child=child)
    return _page(
        request,
        child,
        form=forms_family.EducationConcernEndForm(request.POST or None),
        save=lambda ended_on: education_concern_end(
            concern=concern, ended_on=ended_on, actor=request.user
        ),
        title=f"End the record: {concern.get_kind_display()}",
        done="Education record ended",
    )


def experience_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _child(request, child_id, may=can_change_child)
    return _page(
        request,
        child,
        form=forms_family.AdverseExperienceForm(request.POST or None),
        save=lambda **data: adverse_experience_record(child=child, actor=request.user, **data),
        title="Record a trauma or adverse childhood experience",
        done="Experience recorded",
    )


def unborn_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _child(request, child_id, may=can_change_child)
    return _page(
        request,
        child,
        form=forms_family.UnbornChildForm(request.POST or None),
        save=lambda **data: unborn_child_record(child=child, actor=request.user, **data),
        title="Record an unborn child in the household",
        done="Unborn child recorded",
    )


def unborn_end(request: HttpRequest, child_id: int, unborn_id: int) -> HttpResponse:
    child = _child(request, child_id, may=can_change_child)
    unborn = get_object_or_404(UnbornChild, pk=unborn_id, child=child)
    return _page(
        request,
        child,
        form=forms_family.UnbornChildEndForm(request.POST or None),
        save=lambda ended_on: unborn_child_end(
            unborn=unborn, ended_on=ended_on, actor=request.user
        ),
        title="The baby was born or is no longer expected",
        done="Unborn child's record ended",
    )
