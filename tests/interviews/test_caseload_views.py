"""The return interview worker's caseload page ("Return interviews"): the returns of children
referred to their own service with an interview duty open, the due times, and the button that
records the offer, then the interview. Nobody else has one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import AuditVerb, OrganisationType, Role
from homesafe.access.models import AuditEntry
from homesafe.interviews.choices import RouteProvider
from homesafe.interviews.services import interview_offer
from homesafe.interviews.services_routes import rhi_route_create
from tests.factories import OrganisationFactory, UserFactory
from tests.interviews.helpers import report_and_return

CASELOAD = "interviews:caseload"


@pytest.fixture
def referred_on_return(world):
    """LA A's rule names the world's RHI service; an unallocated child comes back."""
    rhi_route_create(
        local_authority=world.orgs["la_a"],
        order=10,
        provider_kind=RouteProvider.SERVICE,
        provider=world.orgs["rhi"],
        actor=world.users["admin"],
    )
    return report_and_return(world, "a_unallocated")


def test_the_worker_sees_the_return_with_the_button_to_record_the_offer(
    world, client, referred_on_return
):
    episode = referred_on_return
    client.force_login(world.users["rhi"])
    body = client.get(reverse(CASELOAD)).content.decode()
    assert episode.child.full_name in body
    assert reverse("interviews:offer", args=[episode.pk]) in body and "Record the offer" in body
    assert f'href="{reverse(CASELOAD)}"' in body  # in the navigation
    entry = AuditEntry.objects.filter(verb=AuditVerb.RHI_CASELOAD_VIEWED).latest("id")
    assert entry.payload["children"] == [episode.child_id]

    interview_offer(
        episode=episode,
        offered_at=timezone.now() - dt.timedelta(minutes=5),
        offered_by_organisation=world.orgs["rhi"],
        offered_by_name="Robin Worker",
        offer_method="phone",
        actor=world.users["rhi"],
    )
    body = client.get(reverse(CASELOAD)).content.decode()
    assert reverse("interviews:complete", args=[episode.pk]) in body
    assert "Record the interview" in body and "Record the offer" not in body


def test_another_services_worker_does_not_see_the_referral(world, client, referred_on_return):
    other = OrganisationFactory(type=OrganisationType.RHI_SERVICE, code="R9", name="Elsewhere")
    client.force_login(UserFactory(organisation=other, roles=[Role.RHI_WORKER]))
    body = client.get(reverse(CASELOAD)).content.decode()
    assert referred_on_return.child.full_name not in body
    assert "No child referred to your service" in body


@pytest.mark.parametrize("user_key", ["cmo_a", "sw_1", "sl_a", "school_1", "admin", "analyst"])
def test_people_who_are_not_return_interview_workers_are_refused(
    world, client, referred_on_return, user_key
):
    client.force_login(world.users[user_key])
    response = client.get(reverse(CASELOAD))
    assert response.status_code == 403
    assert referred_on_return.child.full_name not in response.content.decode()


def test_the_page_reads_in_a_fixed_number_of_queries(world, client, referred_on_return):
    client.force_login(world.users["rhi"])
    client.get(reverse(CASELOAD))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(CASELOAD))
    report_and_return(world, "a_team2")  # open referral to the same service: a second row
    with CaptureQueriesContext(connection) as two:
        body = client.get(reverse(CASELOAD)).content.decode()
    assert world.children["a_team2"].full_name in body
    assert len(two) == len(one)
