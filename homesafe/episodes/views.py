from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from homesafe.access.edits import StaleEdit
from homesafe.access.errors import ApplicationError
from homesafe.access.policy import can_record_episode
from homesafe.duties.queries import duties_for_episode
from homesafe.episodes.forms import (
    EpisodeCorrectForm,
    EpisodeReportForm,
    EpisodeReturnForm,
    EpisodeVoidForm,
    RegradeForm,
)
from homesafe.episodes.policy import can_correct_episode
from homesafe.episodes.queries import episode_get_for_user_or_404
from homesafe.episodes.services import episode_regrade
from homesafe.episodes.services_corrections import (
    CORRECTABLE_FIELDS,
    episode_edit_version,
    episode_values,
    episode_void,
)
from homesafe.episodes.services_places import (
    episode_correct_with_places,
    episode_record_return_at_place,
    episode_report_at_place,
)
from homesafe.people.queries import child_get_for_user_or_404
from homesafe.web.edits import form_show_stale
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
            episode = episode_report_at_place(
                child=child,
                actor=request.user,
                last_seen_place=data["last_seen_place"],
                last_seen_postcode=data["last_seen_postcode"],
                episode_type=data["episode_type"],
                last_seen_at=data["last_seen_at"],
                reported_at=data["reported_at"],
                reported_by=data["reported_by"],
                risk=data["risk"],
                police_force=data["police_force"],
                police_reference=data["police_reference"],
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
            episode_record_return_at_place(
                episode=episode,
                actor=request.user,
                returned_at=data["returned_at"],
                found_by=data["found_by"],
                found_place=data["found_place"],
                found_postcode=data["found_postcode"],
                found_place_kind=data["found_place_kind"],
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


# --- Correcting an episode, and voiding one recorded in error ---------------------------------

CORRECT_FIELD_MAP = {"last_seen_location": "last_seen_place", "found_location": "found_place"}
POLICE_TIMES_NOTE = (
    "The police reported this episode ({reference}). Their times are the record's authority: "
    "if you correct when the child was last seen, reported or found, the police's next "
    "download or update will put their time back. Ask them to correct their record too."
)


def _episode_for_correction(request: HttpRequest, episode_id: int):
    episode = episode_get_for_user_or_404(user=request.user, episode_id=episode_id)
    if not can_correct_episode(request.user, episode.child) or episode.is_voided:
        raise PermissionDenied
    return episode


def _correction_initial(episode) -> dict:
    values = episode_values(episode)
    initial = {name: values[name] for name in CORRECTABLE_FIELDS}
    for prefix in ("last_seen", "found"):
        location = getattr(episode, f"{prefix}_location")
        initial[f"{prefix}_place"] = location.description if location else ""
        initial[f"{prefix}_postcode"] = location.postcode if location else ""
    initial["version"] = episode_edit_version(episode)
    return initial


def _places_changed(form, episode) -> dict[str, tuple[str, str]]:
    """The places whose description or postcode the person changed, as they entered them."""
    prefixes = ["last_seen", "found"] if episode.returned_at is not None else ["last_seen"]
    data = form.cleaned_data
    return {
        prefix: (data[f"{prefix}_place"], data[f"{prefix}_postcode"])
        for prefix in prefixes
        if {f"{prefix}_place", f"{prefix}_postcode"} & set(form.changed_data)
    }


def episode_correct_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode_for_correction(request, episode_id)
    form = EpisodeCorrectForm(
        request.POST or None,
        initial=_correction_initial(episode),
        returned=episode.returned_at is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            name: data[name]
            for name in form.changed_data
            if name in CORRECTABLE_FIELDS and name in data
        }
        try:
            episode_correct_with_places(
                episode=episode,
                changes=changes,
                places=_places_changed(form, episode),
                reason=data["reason"],
                actor=request.user,
                version=data["version"] or None,
            )
        except StaleEdit as error:
            form_show_stale(form, error)
        except (ValidationError, ApplicationError) as error:
            form_add_service_error(form, error, CORRECT_FIELD_MAP)
        else:
            messages.success(request, "Episode corrected")
            return redirect("episodes:detail", episode_id=episode.pk)
    return render(
        request,
        "episodes/correct.html",
        {
            "title": f"Correct {episode.child.full_name}'s episode",
            "episode": episode,
            "child": episode.child,
            "form": form,
            "police_note": POLICE_TIMES_NOTE.format(reference=episode.police_reference)
            if episode.police_reference
            else "",
        },
    )


def episode_void_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode_for_correction(request, episode_id)
    form = EpisodeVoidForm(request.POST or None, initial={"version": episode_edit_version(episode)})
    if request.method == "POST" and form.is_valid():
        try:
            episode_void(
                episode=episode,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                version=form.cleaned_data["version"] or None,
            )
        except StaleEdit as error:
            form_show_stale(form, error)
        except (ValidationError, ApplicationError) as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Episode marked as recorded in error")
            return redirect("episodes:detail", episode_id=episode.pk)
    return render(
        request,
        "episodes/void.html",
        {
            "title": f"Mark {episode.child.full_name}'s episode as recorded in error",
            "episode": episode,
            "child": episode.child,
            "form": form,
            "open_duties": duties_for_episode(episode=episode).open_count,
        },
    )
