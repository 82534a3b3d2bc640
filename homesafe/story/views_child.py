"""The pages of one child and one episode that read every casework app through its queries:
finding a child, the child's record, the child's story and an episode's page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from homesafe.access.policy import (
    can_change_child,
    can_create_child,
    can_record_education,
    can_record_episode,
    can_view_casework,
    can_view_education,
    can_view_safety_plan,
)
from homesafe.duties.queries import duties_for_episode
from homesafe.episodes.policy import can_correct_episode
from homesafe.episodes.queries import (
    children_missing_now,
    episode_corrections,
    episode_get_for_user_or_404,
    episodes_for_child,
)
from homesafe.episodes.services_corrections import FIELD_LABELS
from homesafe.interviews.queries import interview_view_for_user
from homesafe.locate.queries import episode_search
from homesafe.people import forms
from homesafe.people.queries import (
    adverse_experiences_for_child,
    child_get_for_user_or_404,
    child_relationships_for_user,
    children_search,
    education_concerns_for_child,
    search_match_reasons,
    unborn_children_for_child,
)
from homesafe.safety_plans.family import episodes_missing_together, family_history
from homesafe.safety_plans.queries import (
    episodes_around_plans,
    plan_reviews_of_episode,
    safety_plan_summaries,
)
from homesafe.story.child_story import child_story
from homesafe.story.episode_concerns import episode_concerns_view
from homesafe.story.episode_timeline import episode_timeline

SEARCH_LIMIT = 50


def search(request: HttpRequest) -> HttpResponse:
    form = forms.ChildSearchForm(request.GET or None)
    results = None
    reasons, missing = {}, set()
    if form.is_bound and form.is_valid():
        results = children_search(user=request.user, limit=SEARCH_LIMIT, **form.cleaned_data)
        shown = results[:SEARCH_LIMIT]
        reasons = search_match_reasons(
            children=shown,
            name=form.cleaned_data["name"],
            identifier=form.cleaned_data["identifier"],
        )
        missing = children_missing_now(child_ids=[c.pk for c in shown])
    return render(
        request,
        "story/search.html",
        {
            "title": "Find a child",
            "active_nav": "search",
            "form": form,
            "results": results[:SEARCH_LIMIT] if results is not None else None,
            "more": results is not None and len(results) > SEARCH_LIMIT,
            "reasons": reasons,
            "missing": missing,
            "can_create": can_create_child(request.user),
        },
    )


def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_get_for_user_or_404(user=request.user, child_id=child_id)
    casework = can_view_casework(request.user, child)
    context = {
        "title": child.full_name,
        "today": timezone.localdate(),
        "child": child,
        "aliases": list(child.aliases.all()),
        "episodes": list(episodes_for_child(child=child)),
        "casework": casework,
        "can_record_episode": can_record_episode(request.user, child),
        "can_change": can_change_child(request.user, child),
        "merged_into": getattr(getattr(child, "merged_into", None), "kept_child_id", None),
    }
    if casework:
        context.update(
            {
                "cohort_periods": list(child.cohort_periods.all()),
                "care_periods": list(child.care_periods.select_related("placing_la")),
                "placements": list(child.placements.all()),
                "network": list(child.network.select_related("organisation")),
                "needs": list(child.needs.all()),
                "experiences": adverse_experiences_for_child(child=child),
                "relationships": child_relationships_for_user(user=request.user, child=child),
                "unborn": unborn_children_for_child(child=child),
            }
        )
    context.update(_education_and_plan(request.user, child))
    return render(request, "story/child_detail.html", context)


def _education_and_plan(user, child) -> dict:
    """What the record and the story show of the child's education and safety plan (issue 16):
    education to those who may see it, the plan to those who may see it (None: not shown)."""
    return {
        "education": education_concerns_for_child(child=child)
        if can_view_education(user, child)
        else None,
        "can_record_education": can_record_education(user, child),
        "can_view_plan": can_view_safety_plan(user, child),
    }


def child_story_view(request: HttpRequest, child_id: int) -> HttpResponse:
    """The child's story: the pattern across episodes, interviews, places and duties."""
    child = child_get_for_user_or_404(user=request.user, child_id=child_id)
    story = child_story(user=request.user, child=child)
    casework = can_view_casework(request.user, child)
    context = {
        "title": f"{child.full_name}: the child's story",
        "child": child,
        "story": story,
        "map_tiles": settings.HOMESAFE_MAP_TILE_URL,
        # A family link is casework: those who may not see it are not told of it.
        "together": episodes_missing_together(
            user=request.user, episodes=[item.episode for item in story.episodes]
        )
        if casework
        else None,
        "experiences": adverse_experiences_for_child(child=child) if casework else None,
        "family": family_history(user=request.user, child_id=child.pk) if casework else None,
        "unborn": unborn_children_for_child(child=child) if casework else None,
        **_education_and_plan(request.user, child),
    }
    if context["can_view_plan"]:
        versions = safety_plan_summaries(child=child)
        before, after = episodes_around_plans(child=child, versions=versions)
        context["plans"] = {"versions": versions, "before": before, "after": after}
    return render(request, "story/child_story.html", context)


def episode_detail(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = episode_get_for_user_or_404(user=request.user, episode_id=episode_id)
    can_record = can_record_episode(request.user, episode.child)
    gradings = list(episode.gradings.select_related("recorded_by"))
    interview_view = interview_view_for_user(user=request.user, episode=episode)
    search = episode_search(user=request.user, episode=episode, can_plan=can_record)
    duties = duties_for_episode(episode=episode)
    plan_reviews = (
        plan_reviews_of_episode(episode=episode)
        if can_view_safety_plan(request.user, episode.child)
        else None
    )
    return render(
        request,
        "story/episode_detail.html",
        {
            "timeline": episode_timeline(
                episode=episode,
                gradings=gradings,
                search=search,
                interview_view=interview_view,
                duties=duties,
                plan_reviews=plan_reviews,
            ),
            "title": f"{episode.get_episode_type_display()} episode: {episode.child.full_name}",
            "episode": episode,
            "child": episode.child,
            "gradings": gradings,
            "can_record": can_record,
            "can_correct": can_correct_episode(request.user, episode.child),
            "interview_view": interview_view,
            "concerns": episode_concerns_view(user=request.user, episode=episode),
            "search": search,
            "map_tiles": settings.HOMESAFE_MAP_TILE_URL,
            "duties": duties,
            "corrections": episode_corrections(episode=episode),
            "field_labels": FIELD_LABELS,
            "now": timezone.now(),
            # Needs, trauma and adverse childhood experiences, for the interviewer (issue 16).
            "before_interview": {
                "needs": list(episode.child.needs.all()),
                "experiences": adverse_experiences_for_child(child=episode.child),
            }
            if can_view_casework(request.user, episode.child)
            else None,
        },
    )
