"""Administration of who offers return interviews: each responsible authority's rules
(RhiRoute), tried in order, the first that matches a child winning. Administrators only; each
change is one service (homesafe.interviews.services_routes), audited."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from homesafe.administration.forms_rhi_routes import RhiRouteForm
from homesafe.administration.queries import (
    rhi_route_get_for_administration,
    rhi_routes_for_administration,
)
from homesafe.administration.views import admin_form_page, check_administrator, confirm_page
from homesafe.interviews.services_routes import (
    rhi_route_create,
    rhi_route_remove,
    rhi_route_update,
)

BACK = "Back to return interview routes"


def rhi_route_list(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    routes = rhi_routes_for_administration()
    return render(
        request,
        "administration/rhi_routes.html",
        {
            "title": "Who offers return interviews",
            "active_nav": "administration",
            "authorities": [
                (la, list(rules)) for la, rules in groupby(routes, key=lambda r: r.local_authority)
            ],
        },
    )


def rhi_route_add(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    form = RhiRouteForm(request.POST if request.method == "POST" else None)
    return admin_form_page(
        request,
        form=form,
        save=lambda **data: rhi_route_create(actor=request.user, **data),
        title="Add a return interview route",
        done="Rule added",
        back_url=reverse("administration:rhi_routes"),
        back_text=BACK,
    )


def rhi_route_change(request: HttpRequest, route_id: int) -> HttpResponse:
    check_administrator(request)
    route = rhi_route_get_for_administration(route_id=route_id)
    form = RhiRouteForm(
        request.POST if request.method == "POST" else None,
        initial={
            "local_authority": route.local_authority_id,
            "order": route.order,
            "cohort": route.cohort,
            "allocated": route.allocated,
            "host_authority": route.host_authority_id,
            "provider_kind": route.provider_kind,
            "provider": route.provider_id,
        },
    )
    return admin_form_page(
        request,
        form=form,
        save=lambda **data: rhi_route_update(route=route, actor=request.user, **data),
        title="Change a return interview route",
        caption=f"{route.local_authority.name}, rule {route.order}",
        done="Rule changed",
        back_url=reverse("administration:rhi_routes"),
        back_text=BACK,
    )


def rhi_route_remove_view(request: HttpRequest, route_id: int) -> HttpResponse:
    check_administrator(request)
    route = rhi_route_get_for_administration(route_id=route_id)
    return confirm_page(
        request,
        act=lambda: rhi_route_remove(route=route, actor=request.user),
        title=f"Remove rule {route.order} of {route.local_authority.name}",
        warning="Children this rule covered go to the next rule that matches them, or to the "
        "missing coordinator's list of duties that need an owner. Referrals already made stay.",
        button="Remove the rule",
        done="Rule removed",
        back_url=reverse("administration:rhi_routes"),
    )
