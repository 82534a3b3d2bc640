from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

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
from homesafe.web.form_pages import form_page
from homesafe.web.jinja import london

REPORT_FIELD_MAP = {"last_seen_location": "last_seen_place"}


def episode_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_get_for_user_or_404(user=request.user, child_id=child_id)
    if not can_record_episode(request.user, child):
        raise PermissionDenied
    return form_page(
        request,
        form=EpisodeReportForm(request.POST or None),
        save=lambda **data: episode_report_at_place(child=child, actor=request.user, **data),
        field_map=REPORT_FIELD_MAP,
        title=f"Report {child.full_name} missing or away",
        done="Missing episode recorded",
        next_url=lambda episode: reverse("episodes:detail", args=[episode.pk]),
        heading="Report missing or away",
        caption=child.full_name,
        submit_text="Save report",
        back_url=reverse("people:child", args=[child.pk]),
        back_text=f"Back to {child.full_name}",
    )


def _episode_for_change(request: HttpRequest, episode_id: int):
    episode = episode_get_for_user_or_404(user=request.user, episode_id=episode_id)
    if not can_record_episode(request.user, episode.child):
        raise PermissionDenied
    return episode


def episode_return(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode_for_change(request, episode_id)
    return form_page(
        request,
        form=EpisodeReturnForm(request.POST or None),
        save=lambda **data: episode_record_return_at_place(
            episode=episode, actor=request.user, **data
        ),
        title=f"Record {episode.child.full_name}'s return",
        done="Return recorded",
        next_url=reverse("episodes:detail", args=[episode.pk]),
        heading="Record the return",
        caption=f"{episode.child.full_name}, last seen {london(episode.last_seen_at)}",
        submit_text="Save return",
        back_url=reverse("episodes:detail", args=[episode.pk]),
        back_text="Back to the episode",
    )


def episode_regrade_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode_for_change(request, episode_id)
    return form_page(
        request,
        form=RegradeForm(request.POST or None),
        save=lambda **data: episode_regrade(episode=episode, actor=request.user, **data),
        title="Record a new risk grading",
        done="Risk grading recorded",
        next_url=reverse("episodes:detail", args=[episode.pk]),
        caption=episode.child.full_name,
        submit_text="Save grading",
        back_url=reverse("episodes:detail", args=[episode.pk]),
        back_text="Back to the episode",
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

    def correct(*, reason, version, **data):
        changes = {
            name: data[name]
            for name in form.changed_data
            if name in CORRECTABLE_FIELDS and name in data
        }
        return episode_correct_with_places(
            episode=episode,
            changes=changes,
            places=_places_changed(form, episode),
            reason=reason,
            actor=request.user,
            version=version or None,
        )

    return form_page(
        request,
        form=form,
        save=correct,
        field_map=CORRECT_FIELD_MAP,
        title=f"Correct {episode.child.full_name}'s episode",
        done="Episode corrected",
        next_url=reverse("episodes:detail", args=[episode.pk]),
        template="episodes/correct.html",
        episode=episode,
        child=episode.child,
        police_note=POLICE_TIMES_NOTE.format(reference=episode.police_reference)
        if episode.police_reference
        else "",
    )


def episode_void_view(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode_for_correction(request, episode_id)
    form = EpisodeVoidForm(request.POST or None, initial={"version": episode_edit_version(episode)})
    return form_page(
        request,
        form=form,
        save=lambda *, reason, version: episode_void(
            episode=episode, reason=reason, actor=request.user, version=version or None
        ),
        title=f"Mark {episode.child.full_name}'s episode as recorded in error",
        done="Episode marked as recorded in error",
        next_url=reverse("episodes:detail", args=[episode.pk]),
        template="episodes/void.html",
        episode=episode,
        child=episode.child,
        open_duties=duties_for_episode(episode=episode).open_count,
    )
