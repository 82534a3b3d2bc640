"""The search's pages: one form per use case, each reached from the episode's page (the
section "The search", homesafe/locate/jinja2/locate/episode_search.html) and back to it."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from homesafe.locate import forms
from homesafe.locate.choices import SightingKind
from homesafe.locate.policy import (
    can_change_sighting,
    can_plan_locate,
    can_record_action_outcome,
    can_record_safe_and_well,
    can_record_sighting,
)
from homesafe.locate.queries import (
    agencies_for_episode,
    locate_action_get_for_user_or_404,
    publicity_get_for_user_or_404,
    search_episode_for_user_or_404,
    sighting_get_for_user_or_404,
)
from homesafe.locate.services import (
    locate_action_add,
    locate_action_record_outcome,
    missing_agency_contact_record,
    publicity_record,
    publicity_withdraw,
    safe_and_well_record,
    sighting_change,
    sighting_edit_version,
    sighting_record,
    sighting_remove,
    sighting_values,
)
from homesafe.web.form_pages import action_run, form_page


def _episode_url(episode_id: int) -> str:
    return reverse("episodes:detail", args=[episode_id]) + "#search"


def _page(request, episode, *, form, save, title, heading, done, intro, submit_text):
    return form_page(
        request,
        form=form,
        save=save,
        title=f"{title}: {episode.child.full_name}",
        heading=heading,
        done=done,
        next_url=_episode_url(episode.pk),
        caption=episode.child.full_name,
        intro=intro,
        submit_text=submit_text,
        back_url=_episode_url(episode.pk),
        back_text="Back to the episode",
    )


def _data(request):
    return request.POST if request.method == "POST" else None


def _episode(request, episode_id, allowed):
    episode = search_episode_for_user_or_404(
        user=request.user, episode_id=episode_id, log_read=False
    )
    if not allowed(request.user, episode.child):
        raise PermissionDenied
    return episode


def sighting_new(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request, episode_id, can_record_sighting)
    return _page(
        request,
        episode,
        form=forms.SightingForm(_data(request)),
        save=lambda **data: sighting_record(episode=episode, actor=request.user, **data),
        title="Record a sighting or lead",
        heading="Record a sighting or lead",
        done="Sighting recorded",
        intro="Everyone who may see this episode sees the sighting, in time order.",
        submit_text="Record the sighting",
    )


def _kind(sighting) -> str:
    return "sighting" if sighting.kind == SightingKind.SIGHTING else "lead"


def _sighting(request, sighting_id):
    sighting = sighting_get_for_user_or_404(user=request.user, sighting_id=sighting_id)
    if sighting.is_removed or sighting.episode.is_voided:
        raise PermissionDenied
    if not can_change_sighting(request.user, sighting):
        raise PermissionDenied
    return sighting


def sighting_edit(request: HttpRequest, sighting_id: int) -> HttpResponse:
    """Correct a sighting or lead: the agency that recorded it, or the missing coordinator."""
    sighting = _sighting(request, sighting_id)
    initial = {**sighting_values(sighting), "version": sighting_edit_version(sighting)}
    return _page(
        request,
        sighting.episode,
        form=forms.SightingChangeForm(_data(request), initial=initial),
        save=lambda *, version, **data: sighting_change(
            sighting=sighting, actor=request.user, version=version or None, **data
        ),
        title="Change a sighting or lead",
        heading="Change a sighting or lead",
        done="Sighting changed",
        intro="The change is recorded with your name; the audit log keeps which details changed.",
        submit_text="Save the change",
    )


def sighting_delete(request: HttpRequest, sighting_id: int) -> HttpResponse:
    """Remove a sighting or lead (recorded in error): kept, with who removed it and why."""
    sighting = _sighting(request, sighting_id)
    return _page(
        request,
        sighting.episode,
        form=forms.SightingRemoveForm(_data(request)),
        save=lambda **data: sighting_remove(sighting=sighting, actor=request.user, **data),
        title="Remove a sighting or lead",
        heading=f"Remove the {_kind(sighting)} of "
        f"{timezone.localtime(sighting.seen_at):%d/%m/%Y %H:%M}",
        done="Sighting removed",
        intro="It leaves the search, the map and the child's story. It is kept, with your name, "
        'the time and the reason, under "Removed sightings and leads" on the episode.',
        submit_text="Remove the sighting",
    )


def action_new(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request, episode_id, can_plan_locate)
    return _page(
        request,
        episode,
        form=forms.LocateActionForm(
            _data(request), agencies=agencies_for_episode(user=request.user, episode=episode)
        ),
        save=lambda **data: locate_action_add(episode=episode, actor=request.user, **data),
        title="Add an action to the plan",
        heading="Add an action to the plan to find the child",
        done="Action added to the plan",
        intro="Places to check, people to contact, phone and social media checks and further "
        "attempts, each owned by one agency.",
        submit_text="Add the action",
    )


def action_outcome(request: HttpRequest, action_id: int) -> HttpResponse:
    action = locate_action_get_for_user_or_404(user=request.user, action_id=action_id)
    if not can_record_action_outcome(request.user, action):
        raise PermissionDenied
    return _page(
        request,
        action.episode,
        form=forms.ActionOutcomeForm(_data(request)),
        save=lambda **data: locate_action_record_outcome(action=action, actor=request.user, **data),
        title="Record the outcome",
        heading=f"Record the outcome: {action.description}",
        done="Action done",
        intro=f"{action.get_kind_display()}, for {action.owner_organisation.name}.",
        submit_text="Mark as done",
    )


def publicity_new(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request, episode_id, can_plan_locate)
    return _page(
        request,
        episode,
        form=forms.PublicityForm(_data(request)),
        save=lambda **data: publicity_record(episode=episode, actor=request.user, **data),
        title="Record a publicity decision",
        heading="Record a publicity decision",
        done="Publicity decision recorded",
        intro="Approved publicity is withdrawn when the child returns.",
        submit_text="Record the decision",
    )


def publicity_withdrawn(request: HttpRequest, publicity_id: int) -> HttpResponse:
    publicity = publicity_get_for_user_or_404(user=request.user, publicity_id=publicity_id)
    if request.method != "POST":
        raise PermissionDenied
    if not can_plan_locate(request.user, publicity.child):
        raise PermissionDenied
    return action_run(
        request,
        act=lambda: publicity_withdraw(publicity=publicity, actor=request.user),
        done="Publicity recorded as withdrawn",
        back_url=_episode_url(publicity.episode_id),
    )


def contact_new(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request, episode_id, can_plan_locate)
    return _page(
        request,
        episode,
        form=forms.AgencyContactForm(_data(request)),
        save=lambda **data: missing_agency_contact_record(
            episode=episode, actor=request.user, **data
        ),
        title="Record a contact",
        heading="Record contact with Missing People or the UK Missing Persons Unit",
        done="Contact recorded",
        intro="When they were contacted, and their reference.",
        submit_text="Record the contact",
    )


def safe_and_well_new(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _episode(request, episode_id, can_record_safe_and_well)
    return _page(
        request,
        episode,
        form=forms.SafeAndWellForm(_data(request)),
        save=lambda **data: safe_and_well_record(episode=episode, actor=request.user, **data),
        title="Record the Safe and Well check",
        heading="Record the police Safe and Well check",
        done="Safe and Well check recorded",
        intro="The police prevention interview on the child's return (not the return home "
        "interview).",
        submit_text="Record the check",
    )
