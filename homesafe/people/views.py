from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from homesafe.access.policy import (
    can_change_child,
    can_create_child,
    can_record_episode,
    can_view_casework,
)
from homesafe.episodes.queries import episodes_for_child
from homesafe.people.forms import ChildForm, ChildSearchForm
from homesafe.people.queries import child_get_for_user_or_404, children_search
from homesafe.people.services import child_create
from homesafe.web.errors import form_add_service_error

SEARCH_LIMIT = 50


def search(request: HttpRequest) -> HttpResponse:
    form = ChildSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = list(children_search(user=request.user, **form.cleaned_data)[: SEARCH_LIMIT + 1])
    return render(
        request,
        "people/search.html",
        {
            "title": "Find a child",
            "active_nav": "search",
            "form": form,
            "results": results[:SEARCH_LIMIT] if results is not None else None,
            "more": results is not None and len(results) > SEARCH_LIMIT,
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
    }
    if casework:
        context.update(
            {
                "cohort_periods": list(child.cohort_periods.all()),
                "care_periods": list(child.care_periods.select_related("placing_la")),
                "placements": list(child.placements.all()),
                "network": list(child.network.select_related("organisation")),
                "needs": list(child.needs.all()),
            }
        )
    return render(request, "people/child_detail.html", context)


def child_new(request: HttpRequest) -> HttpResponse:
    if not can_create_child(request.user):
        raise PermissionDenied
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        aliases = [a.strip() for a in data.pop("aliases").split(";") if a.strip()]
        try:
            with transaction.atomic():
                child = child_create(
                    responsible_la=request.user.organisation,
                    actor=request.user,
                    aliases=aliases,
                    **data,
                )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            return redirect("people:child", child_id=child.pk)
    return render(
        request,
        "people/child_form.html",
        {"title": "Add a child", "form": form, "active_nav": "search"},
    )
