"""The administration pages of who offers return interviews (RhiRoute): administrators only,
each change through one service and audited, errors on the field that caused them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from homesafe.access.choices import AuditVerb, OrganisationType
from homesafe.access.models import AuditEntry
from homesafe.interviews.choices import RouteAllocated, RouteProvider
from homesafe.interviews.models import RhiRoute
from homesafe.interviews.services_routes import (
    ORDER_TAKEN,
    PROVIDER_NOT_SERVICE,
    PROVIDER_REQUIRED,
    rhi_route_create,
)


@pytest.fixture
def route(world):
    return rhi_route_create(
        local_authority=world.orgs["la_a"],
        order=10,
        provider_kind=RouteProvider.SERVICE,
        provider=world.orgs["rhi"],
        allocated=RouteAllocated.NO,
        actor=world.users["admin"],
    )


def _pages(route) -> list[str]:
    return [
        reverse("administration:rhi_routes"),
        reverse("administration:rhi_route_add"),
        reverse("administration:rhi_route_change", args=[route.pk]),
        reverse("administration:rhi_route_remove", args=[route.pk]),
    ]


def _form(world, **overrides) -> dict:
    return {
        "local_authority": world.orgs["la_a"].pk,
        "order": "20",
        "cohort": "",
        "allocated": RouteAllocated.YES,
        "host_authority": "",
        "provider_kind": RouteProvider.SOCIAL_WORKER,
        "provider": "",
        **overrides,
    }


@pytest.mark.parametrize(
    "user_key", ["cmo_a", "sw_1", "sl_a", "rhi", "police_a", "school_1", "analyst", "auditor"]
)
def test_everyone_but_administrators_is_refused(world, client, route, user_key):
    client.force_login(world.users[user_key])
    statuses = {url: client.get(url).status_code for url in _pages(route)}
    statuses |= {url: client.post(url, _form(world)).status_code for url in _pages(route)}
    assert set(statuses.values()) == {403}, statuses
    assert list(RhiRoute.objects.all()) == [route]  # nothing added, changed or removed
    route.refresh_from_db()
    assert route.order == 10


def test_every_page_renders_for_an_administrator(world, client, route):
    client.force_login(world.users["admin"])
    for url in _pages(route):
        assert client.get(url).status_code == 200, url
    body = client.get(reverse("administration:rhi_routes")).content.decode()
    assert world.orgs["rhi"].name in body and "LA A" in body
    assert (
        reverse("administration:rhi_routes")
        in client.get(reverse("administration:index")).content.decode()
    )


def test_adding_changing_and_removing_a_rule_through_the_pages(world, client, route):
    client.force_login(world.users["admin"])
    response = client.post(reverse("administration:rhi_route_add"), _form(world))
    assert response.status_code == 302
    added = RhiRoute.objects.get(order=20)
    assert added.by_social_worker and added.provider is None
    assert added.allocated == RouteAllocated.YES

    response = client.post(
        reverse("administration:rhi_route_change", args=[added.pk]),
        _form(world, order="5", cohort="looked_after"),
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.order, added.cohort) == (5, "looked_after")

    response = client.post(reverse("administration:rhi_route_remove", args=[added.pk]))
    assert response.status_code == 302
    assert list(RhiRoute.objects.all()) == [route]
    verbs = list(
        AuditEntry.objects.filter(target_type="interviews.rhiroute", target_id=str(added.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        AuditVerb.RHI_ROUTE_ADDED,
        AuditVerb.RHI_ROUTE_CHANGED,
        AuditVerb.RHI_ROUTE_REMOVED,
    ]
    changed = AuditEntry.objects.get(verb=AuditVerb.RHI_ROUTE_CHANGED)
    assert changed.payload["fields"] == ["cohort", "order"]


def _errors(response) -> str:
    body = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in body
    return body


def test_missing_answers_are_named_on_their_fields(world, client):
    client.force_login(world.users["admin"])
    body = _errors(client.post(reverse("administration:rhi_route_add"), {}))
    for field in ["local_authority", "order", "allocated", "provider_kind"]:
        assert f'href="#id_{field}"' in body, field
    assert "Choose who offers the interview" in body
    assert not RhiRoute.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"provider_kind": RouteProvider.SERVICE}, "provider", PROVIDER_REQUIRED),
        ({"order": "10"}, "order", ORDER_TAKEN.format(order=10)),
        ({"order": "ten"}, "order", "Enter the rule&#39;s order as a whole number"),
    ],
)
def test_a_rule_the_service_refuses_names_the_field(
    world, client, route, overrides, field, message
):
    client.force_login(world.users["admin"])
    body = _errors(client.post(reverse("administration:rhi_route_add"), _form(world, **overrides)))
    assert f'href="#id_{field}"' in body and message in body
    assert RhiRoute.objects.count() == 1


def test_a_provider_must_be_a_return_interview_service(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        rhi_route_create(
            local_authority=world.orgs["la_a"],
            order=30,
            provider_kind=RouteProvider.SERVICE,
            provider=world.orgs["health"],
            actor=world.users["admin"],
        )
    assert error.value.message_dict == {"provider": [PROVIDER_NOT_SERVICE]}
    assert world.orgs["health"].type == OrganisationType.HEALTH
