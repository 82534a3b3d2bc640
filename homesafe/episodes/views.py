from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from homesafe.access.errors import ApplicationError
from homesafe.access.policy import can_record_episode
from homesafe.concerns.queries import episode_concerns_view
from homesafe.episodes.forms import EpisodeReportForm, EpisodeReturnForm, RegradeForm
from homesafe.episodes.queries import episode_get_for_user_or_404
from homesafe.episodes.services import (
    episode_record_return,
    episode_regrade,
    episode_report,
    location_create,
)
from homesafe.interviews.queries import interview_view_for_user
from homesafe.people.queries import child_get_for_user_or_404
from homesafe.web.errors import form_add_service_error
from homesafe.web.jinja import london

REPORT_FIELD_MAP = {"last_seen_location": "last_seen_place"}


def episode_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_get_for_user_or_404(user=request.user, child_id=child_id)
    if not can_record_episode(request.user, child):
        raise PermissionDenied
    form = EpisodeReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                place = None
                if data["last_seen_place"] or data["last_seen_postcode"]:
                    place = location_create(
                        actor=request.user,
                        description=data["last_seen_place"],
                        postcode=data["last_seen_postcode"],
                        child_id=child.pk,
                    )
                episode = episode_report(
                    child=child,
                    actor=request.user,
                    episode_type=data["episode_type"],
                    last_seen_at=data["last_seen_at"],
                    reported_at=data["reported_at"],
                    reported_by=data["reported_by"],
                    risk=data["risk"],
                    police_force=data["police_force"],
                    police_reference=data["police_reference"],
                    last_seen_location=place,
                    circumstances=data["circumstances"],
                    description_and_clothing=data["description_and_clothing"],
                    pre_planned_indicators=data["pre_planned_indicators"],
                    exploitation_concern=data["exploitation_concern"],
                    trafficking_concern=data["trafficking_concern"],
                )
        except (ValidationError, ApplicationError) as error:
            form_add_service_error(form, error, REPORT_FIELD_MAP)
        else:
            messages.success(request, "Missing episode recorded")
            return redirect("episodes:detail", episode_id=episode.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "title": f"Report {child.full_name} missing or away",
            "heading": "Report missing or away",
            "caption": child.full_name,
            "form": form,
            "submit_text": "Save report",
            "back_url": reverse("people:child", args=[child.pk]),
            "back_text": f"Back to {child.full_name}",
        },
    )


def episode_detail(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = episode_get_for_user_or_404(user=request.user, episode_id=episode_id)
    return render(
        request,
        "episodes/detail.html",
        {
            "title": f"{episode.get_episode_type_display()} episode: {episode.child.full_name}",
            "episode": episode,
            "child": episode.child,
            "gradings": list(episode.gradings.select_related("recorded_by")),
            "can_record": can_record_episode(request.user, episode.child),
            "interview_view": interview_view_for_user(user=request.user, episode=episode),
            "concerns": episode_concerns_view(user=request.user, episode=episode),
        },
    )


def _episode_for_change(request: HttpRequest, episode_id: int):
    episode = episode_get_for_user_or_404(user=request.user, episode_id=episode_id)
    if not can_record_episode(request.user, episode.child):
        raise PermissionDenied
    return episode


def episode_return(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode_for_change(request, episode_id)
    form = EpisodeReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                place = None
                if data["found_place"] or data["found_postcode"]:
                    place = location_create(
                        actor=request.user,
                        description=data["found_place"],
                        postcode=data["found_postcode"],
                        kind=data["found_place_kind"] or "other",
                        child_id=episode.child_id,
                    )
                episode_record_return(
                    episode=episode,
                    returned_at=data["returned_at"],
                    found_by=data["found_by"],
                    actor=request.user,
                    found_location=place,
                    stayed_where=data["stayed_where"],
                    stayed_with=data["stayed_with"],
                )
        except (ValidationError, ApplicationError) as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Return recorded")
            return redirect("episodes:detail", episode_id=episode.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "title": f"Record {episode.child.full_name}'s return",
            "heading": "Record the return",
            "caption": f"{episode.child.full_name}, last seen {london(episode.last_seen_at)}",
            "form": form,
            "submit_text": "Save return",
            "back_url": reverse("episodes:detail", args=[episode.pk]),
            "back_text": "Back to the episode",
        },
    )


def episode_regrade_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode_for_change(request, episode_id)
    form = RegradeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            episode_regrade(episode=episode, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Risk grading recorded")
            return redirect("episodes:detail", episode_id=episode.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "title": "Record a new risk grading",
            "caption": episode.child.full_name,
            "form": form,
            "submit_text": "Save grading",
            "back_url": reverse("episodes:detail", args=[episode.pk]),
            "back_text": "Back to the episode",
        },
    )
