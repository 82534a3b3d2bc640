"""Pages for an episode's return home interview: the record as the viewer may see it, and one
form per use case (each calls one service; bad input writes nothing)."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from homesafe.concerns.queries import persons_visible_to
from homesafe.interviews import forms
from homesafe.interviews.choices import ALLOWED_TRANSITIONS, InterviewStatus
from homesafe.interviews.queries import (
    InterviewView,
    drafts_visible_to,
    interview_page_for_user_or_404,
    interview_taxonomy,
)
from homesafe.interviews.services import (
    interview_accept,
    interview_change_factors,
    interview_decline,
    interview_factors_version,
    interview_link_persons,
    interview_mark_unreachable,
    interview_offer,
    interview_record_attempt,
)
from homesafe.web.form_pages import form_page
from homesafe.web.jinja import london

CLOSED = (InterviewStatus.DECLINED, InterviewStatus.COMPLETED)


def interview_detail(request: HttpRequest, episode_id: int) -> HttpResponse:
    view = interview_page_for_user_or_404(user=request.user, episode_id=episode_id)
    interview = view.interview
    drafts = drafts_visible_to(user=request.user, interview=interview) if interview else []
    return render(
        request,
        "interviews/detail.html",
        {
            "title": f"Return home interview: {view.episode.child.full_name}",
            "view": view,
            "interview": interview,
            "episode": view.episode,
            "child": view.episode.child,
            "allowed": ALLOWED_TRANSITIONS[interview.status] if interview else set(),
            "attempts_open": interview is not None and interview.status not in CLOSED,
            "own_draft": next((d for d in drafts if d.author_id == request.user.pk), None),
            "others_drafts": [d for d in drafts if d.author_id != request.user.pk],
            "person_links": list(
                interview.person_links.select_related("person").order_by("person__name")
            )
            if interview is not None and view.content
            else [],
        },
    )


def _interview_page(
    request: HttpRequest,
    episode_id: int,
    *,
    form_factory: Callable[[InterviewView, dict | None], forms.InterviewForm],
    save: Callable,
    title: str,
    done: str,
    submit_text: str = "Save",
    needs_interview: bool = True,
) -> HttpResponse:
    """A page with one form that records part of the interview through one service."""
    # The form pages show none of the record, so only the episode read is logged.
    view = interview_page_for_user_or_404(user=request.user, episode_id=episode_id, log_read=False)
    if not view.can_record or (view.interview is None) == needs_interview:
        raise PermissionDenied
    episode = view.episode
    return form_page(
        request,
        form=form_factory(view, request.POST if request.method == "POST" else None),
        save=lambda **data: save(view=view, actor=request.user, **data),
        title=title,
        done=done,
        next_url=reverse("interviews:detail", args=[episode.pk]),
        caption=f"{episode.child.full_name}, returned {london(episode.returned_at)}"
        if episode.returned_at
        else episode.child.full_name,
        submit_text=submit_text,
        back_url=reverse("interviews:detail", args=[episode.pk]),
        back_text="Back to the return interview",
    )


def interview_offer_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    def form_factory(view, data):
        user = request.user
        return forms.OfferForm(
            data,
            initial={
                "offered_at": timezone.now().replace(second=0, microsecond=0),
                "offered_by_organisation": user.organisation_id,
                "offered_by_name": user.get_full_name(),
            },
        )

    def save(*, view, actor, **data):
        interview_offer(episode=view.episode, actor=actor, **data)

    return _interview_page(
        request,
        episode_id,
        form_factory=form_factory,
        save=save,
        title="Record the offer of a return interview",
        done="Offer recorded",
        submit_text="Save offer",
        needs_interview=False,
    )


def interview_attempt_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    def save(*, view, actor, **data):
        interview_record_attempt(interview=view.interview, actor=actor, **data)

    return _interview_page(
        request,
        episode_id,
        form_factory=lambda view, data: forms.AttemptForm(data),
        save=save,
        title="Record an attempt to contact the child",
        done="Contact attempt recorded",
        submit_text="Save attempt",
    )


def interview_accept_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    def save(*, view, actor, **data):
        interview_accept(interview=view.interview, actor=actor, **data)

    return _interview_page(
        request,
        episode_id,
        form_factory=lambda view, data: forms.AcceptForm(data),
        save=save,
        title="Record that the child accepted",
        done="Acceptance recorded",
    )


def interview_decline_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    def save(*, view, actor, **data):
        interview_decline(interview=view.interview, actor=actor, **data)

    return _interview_page(
        request,
        episode_id,
        form_factory=lambda view, data: forms.DeclineForm(data),
        save=save,
        title="Record that the child declined",
        done="Decline recorded",
    )


def interview_unreachable_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    def save(*, view, actor, **data):
        interview_mark_unreachable(interview=view.interview, actor=actor, **data)

    return _interview_page(
        request,
        episode_id,
        form_factory=lambda view, data: forms.UnreachableForm(data),
        save=save,
        title="Record that the child could not be reached",
        done="Recorded that the child could not be reached",
    )


def interview_factors_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    def save(*, view, actor, **data):
        interview_change_factors(interview=view.interview, actor=actor, **data)

    return _interview_page(
        request,
        episode_id,
        form_factory=lambda view, data: forms.FactorsForm(
            data,
            interview=view.interview,
            taxonomy=interview_taxonomy(),
            version=interview_factors_version(view.interview),
        ),
        save=save,
        title="Change the factors and exploitation indicators",
        done="Factors and indicators saved",
    )


def interview_persons_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    def form_factory(view, data):
        linked = view.interview.person_links.values("person_id")
        persons = (
            persons_visible_to(user=request.user).exclude(pk__in=linked).order_by("name", "pk")
        )
        return forms.PersonsForm(data, persons=persons)

    def save(*, view, actor, **data):
        interview_link_persons(interview=view.interview, actor=actor, **data)

    return _interview_page(
        request,
        episode_id,
        form_factory=form_factory,
        save=save,
        title="Link persons of concern named in the interview",
        done="Persons of concern linked to the child",
    )
