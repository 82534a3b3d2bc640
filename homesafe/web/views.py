from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from homesafe.episodes.queries import episodes_open_visible_to
from homesafe.people.queries import children_visible_to


def home(request: HttpRequest) -> HttpResponse:
    """My work: the open episodes of the children I may see, longest missing first."""
    open_episodes = list(episodes_open_visible_to(user=request.user)[:50])
    my_children = (
        children_visible_to(user=request.user)
        .filter(allocated_social_worker=request.user)
        .order_by("last_name", "first_name")[:50]
    )
    return render(
        request,
        "web/home.html",
        {
            "title": "My work",
            "active_nav": "home",
            "open_episodes": open_episodes,
            "my_children": list(my_children),
        },
    )


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "web/404.html", {"title": "Page not found"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/500.html", {"title": "Sorry, there is a problem with the service"}, status=500
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "web/403.html", {"title": "You cannot do that"}, status=403)
