"""Pages for persons and places of concern, disruption and legal actions around a child: one
list page, one person page, and one form per use case (each calls one service; bad input
writes nothing)."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from homesafe.concerns import forms
from homesafe.concerns.policy import can_record_concerns
from homesafe.concerns.queries import (
    child_concerns_for_user_or_404,
    concerns_child_for_user_or_404,
    episode_for_concern_or_404,
    legal_action_for_user_or_404,
    person_get_for_user_or_404,
    persons_linkable_for_child,
    persons_linked_to_child,
)
from homesafe.concerns.services import (
    LEGAL_DECISION_FIELDS,
    disruption_record,
    legal_action_decisions_version,
    legal_action_record,
    legal_action_record_decisions,
    location_of_concern_record,
    person_of_concern_link,
    person_of_concern_record,
)
from homesafe.concerns.services_raised import episode_concern_raise
from homesafe.web.form_pages import form_page


def child_concerns(request: HttpRequest, child_id: int) -> HttpResponse:
    page = child_concerns_for_user_or_404(user=request.user, child_id=child_id)
    return render(
        request,
        "concerns/child.html",
        {"title": f"People and places of concern: {page.child.full_name}", "page": page},
    )


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_get_for_user_or_404(user=request.user, person_id=person_id)
    return render(
        request, "concerns/person.html", {"title": f"Person of concern: {person}", "person": person}
    )


def _concern_page(
    request: HttpRequest,
    child_id: int,
    *,
    form_factory: Callable,
    save: Callable,
    title: str,
    done: str,
) -> HttpResponse:
    child = concerns_child_for_user_or_404(user=request.user, child_id=child_id, log_read=False)
    if not can_record_concerns(request.user, child):
        raise PermissionDenied
    return form_page(
        request,
        form=form_factory(child, request.POST if request.method == "POST" else None),
        save=lambda **data: save(child=child, actor=request.user, **data),
        title=title,
        done=done,
        next_url=reverse("concerns:child", args=[child.pk]),
        caption=child.full_name,
        back_url=reverse("concerns:child", args=[child.pk]),
        back_text="Back to people and places of concern",
    )


def _preset(request: HttpRequest, *names: str) -> dict:
    """Initial values named in the query (a link from a duty), for the form to offer."""
    return {name: request.GET[name] for name in names if request.GET.get(name)}


def person_new(request: HttpRequest, child_id: int) -> HttpResponse:
    def save(*, child, actor, **data):
        person_of_concern_record(child=child, actor=actor, **data)

    return _concern_page(
        request,
        child_id,
        form_factory=lambda child, data: forms.PersonForm(data, child=child),
        save=save,
        title="Record a person of concern",
        done="Person of concern recorded",
    )


def person_link(request: HttpRequest, child_id: int) -> HttpResponse:
    def form_factory(child, data):
        persons = persons_linkable_for_child(user=request.user, child=child)
        return forms.PersonLinkForm(data, child=child, persons=persons)

    def save(*, child, actor, link_kind, **data):
        person_of_concern_link(child=child, actor=actor, kind=link_kind, **data)

    return _concern_page(
        request,
        child_id,
        form_factory=form_factory,
        save=save,
        title="Link a known person of concern",
        done="Person of concern linked",
    )


def location_new(request: HttpRequest, child_id: int) -> HttpResponse:
    def save(*, child, actor, link_kind, **data):
        location_of_concern_record(child=child, actor=actor, kind=link_kind, **data)

    return _concern_page(
        request,
        child_id,
        form_factory=lambda child, data: forms.LocationForm(data, child=child),
        save=save,
        title="Record a location of concern",
        done="Location of concern recorded",
    )


def disruption_new(request: HttpRequest, child_id: int) -> HttpResponse:
    def form_factory(child, data):
        return forms.DisruptionForm(
            data,
            child=child,
            persons=persons_linked_to_child(child=child),
            initial={"agency": request.user.organisation_id},
        )

    return _concern_page(
        request,
        child_id,
        form_factory=form_factory,
        save=disruption_record,
        title="Record a disruption action",
        done="Disruption action recorded",
    )


def legal_action_new(request: HttpRequest, child_id: int) -> HttpResponse:
    return _concern_page(
        request,
        child_id,
        # A duty's button ("Record the NRM referral") names the kind and the episode.
        form_factory=lambda child, data: forms.LegalActionForm(
            data, child=child, initial=_preset(request, "kind", "episode")
        ),
        save=legal_action_record,
        title="Record a recovery order, an NRM referral or a MACE referral",
        done="Legal action recorded",
    )


def legal_action_decisions(request: HttpRequest, action_id: int) -> HttpResponse:
    action = legal_action_for_user_or_404(user=request.user, action_id=action_id)
    child = action.child
    if not can_record_concerns(request.user, child):
        raise PermissionDenied
    initial = {
        name: getattr(action, name)
        for name in LEGAL_DECISION_FIELDS
        if getattr(action, name) not in (None, "")
    }
    initial["version"] = legal_action_decisions_version(action)
    form = forms.LegalDecisionForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    return form_page(
        request,
        form=form,
        save=lambda **data: legal_action_record_decisions(
            action=action, actor=request.user, **data
        ),
        title=f"Record decisions: {action.get_kind_display()}",
        done="Decisions recorded",
        next_url=reverse("concerns:child", args=[child.pk]),
        caption=child.full_name,
        back_url=reverse("concerns:child", args=[child.pk]),
        back_text="Back to people and places of concern",
    )


def episode_concern_new(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Raise an exploitation or trafficking concern about an episode, at any time."""
    episode = episode_for_concern_or_404(user=request.user, episode_id=episode_id)
    child = episode.child
    if not can_record_concerns(request.user, child):
        raise PermissionDenied
    return form_page(
        request,
        form=forms.RaiseConcernForm(request.POST if request.method == "POST" else None),
        save=lambda **data: episode_concern_raise(episode=episode, actor=request.user, **data),
        title=f"Raise a concern: {child.full_name}",
        done=lambda concern: f"{concern.get_kind_display()} concern raised",
        next_url=reverse("episodes:detail", args=[episode.pk]),
        heading="Raise an exploitation or trafficking concern",
        caption=child.full_name,
        intro="The concern is added to this missing episode and the protocol plans what "
        "it asks for from the time it arose.",
        submit_text="Raise the concern",
        back_url=reverse("episodes:detail", args=[episode.pk]),
        back_text="Back to the episode",
    )
