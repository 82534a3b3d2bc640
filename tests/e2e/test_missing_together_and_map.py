"""Issue 16 in the browser: two siblings missing together are one group on the missing
coordinator's screening list and one event on each story; an episode's sightings are on a map
beside the table (the map drawn by script, hidden from assistive technology). axe-core finds
no WCAG 2.2 AA violation, and the pages fit a 390 px phone."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from homesafe.locate.services import sighting_record
from homesafe.people.services_family import children_link
from tests.e2e.test_duties_journey import _sign_in
from tests.e2e.test_missing_to_plan_journey import PHONE, _fits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_siblings_are_one_event_and_sightings_are_mapped(page, live_server, world, axe):
    first, second = world.children["a_team1"], world.children["a_placed_in_b"]
    children_link(child=first, other=second, kind="sibling", actor=world.users["cmo_a"])
    episode = world.episodes["a_team1"]
    for hours, postcode in ((2, "SW1A 1AA"), (1, "SW1A 2AA")):
        sighting_record(
            episode=episode,
            actor=world.users["cmo_a"],
            seen_at=timezone.now() - dt.timedelta(hours=hours),
            source="public",
            place="Near the station",
            postcode=postcode,
        )
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, world.users["cmo_a"], axe)

    page.goto(live_server.url + reverse("daily_screening:list"))
    group = page.locator("section").filter(
        has=page.get_by_role("heading", name="2 children missing together")
    )
    expect(group.locator(".govuk-summary-card")).to_have_count(2)
    expect(group.get_by_role("button", name="Save decision")).to_have_count(2)
    axe(page, context="screening list with a group")
    _fits(page, "screening list with a group")

    for child in (first, second):
        page.goto(live_server.url + reverse("people:story", args=[child.pk]))
        expect(page.get_by_text("2 children missing together")).to_have_count(1)
        axe(page, context="story with an event")

    page.goto(live_server.url + reverse("episodes:detail", args=[episode.pk]))
    mapped = page.locator("#sightings-map")
    expect(mapped).to_be_visible()  # shown by the script
    expect(mapped.locator(".leaflet-marker-icon")).to_have_count(2)
    assert mapped.get_attribute("aria-hidden") == "true"
    table = page.get_by_role("table", name="Sightings and leads, earliest first")
    expect(table.get_by_role("row").filter(has_text="Near the station")).to_have_count(2)
    axe(page, context="episode page with the sightings' map")
    _fits(page, "episode page with the sightings' map")
