"""The search's pages: wiring, refusals as GOV.UK errors, and the section on the episode page
that shows sightings in time order to everyone who may see the episode."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from homesafe.locate import services as s
from homesafe.locate.models import LocateAction, Sighting


def _parts(prefix, moment):
    local = timezone.localtime(moment)
    return {
        f"{prefix}_0": local.day,
        f"{prefix}_1": local.month,
        f"{prefix}_2": local.year,
        f"{prefix}_3": local.strftime("%H:%M"),
    }


def test_a_school_records_a_sighting_and_the_police_see_it_in_order(world, client):
    episode = world.episodes["a_team1"]
    s.sighting_record(
        episode=episode,
        actor=world.users["police_a"],
        seen_at=timezone.now() - dt.timedelta(hours=1),
        source="police",
        place="Later place",
    )
    client.force_login(world.users["school_1"])
    url = reverse("locate:sighting_new", args=[episode.pk])
    assert client.get(url).status_code == 200
    data = {
        "kind": "sighting",
        **_parts("seen_at", timezone.now() - dt.timedelta(hours=3)),
        "source": "school",
        "place": "Earlier place",
        "postcode": "",
        "note": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Sighting.objects.count() == 2
    client.force_login(world.users["police_a"])
    page = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert page.index("Earlier place") < page.index("Later place")
    assert "Record a sighting or lead" in page


def test_a_sighting_in_the_future_is_a_govuk_error(world, client):
    episode = world.episodes["a_team1"]
    client.force_login(world.users["cmo_a"])
    response = client.post(
        reverse("locate:sighting_new", args=[episode.pk]),
        {
            "kind": "lead",
            **_parts("seen_at", timezone.now() + dt.timedelta(days=1)),
            "source": "public",
        },
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not Sighting.objects.exists()


def test_an_action_is_planned_and_its_agency_records_the_outcome(world, client):
    episode = world.episodes["a_team1"]
    client.force_login(world.users["sw_1"])
    response = client.post(
        reverse("locate:action_new", args=[episode.pk]),
        {
            "kind": "place_to_check",
            "description": "Check the park",
            "owner_organisation": world.orgs["school_1"].pk,
        },
    )
    assert response.status_code == 302
    action = LocateAction.objects.get()
    client.force_login(world.users["school_1"])
    page = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert reverse("locate:action_outcome", args=[action.pk]) in page
    response = client.post(
        reverse("locate:action_outcome", args=[action.pk]), {"outcome": "Not there"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.is_done


def test_a_school_may_not_plan_the_search(world, client):
    client.force_login(world.users["school_1"])
    episode = world.episodes["a_team1"]
    assert client.get(reverse("locate:action_new", args=[episode.pk])).status_code == 403
    assert client.get(reverse("locate:publicity_new", args=[episode.pk])).status_code == 403


def test_the_childs_story_counts_the_places_seen_while_missing(world, client):
    episode = world.episodes["a_team1"]
    for hours in (1, 2):
        s.sighting_record(
            episode=episode,
            actor=world.users["police_a"],
            seen_at=timezone.now() - dt.timedelta(hours=hours),
            source="police",
            place="Skate park",
            postcode="SW1A 1AA",
        )
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("people:story", args=[episode.child_id])).content.decode()
    places = page[page.index("Seen there while missing") :]
    assert "Skate park, SW1A 1AA" in places
    row = places[places.index("Skate park") : places.index("</tr>", places.index("Skate park"))]
    assert ">2<" in row.replace(" ", "").replace("\n", "")
    assert '"count": 2' in page  # on the map too (it has coordinates)


def test_publicity_is_approved_then_withdrawn_after_the_return(world, client):
    from homesafe.episodes.services import episode_record_return
    from homesafe.locate.models import Publicity

    episode = world.episodes["a_team1"]
    client.force_login(world.users["sw_1"])
    url = reverse("locate:publicity_new", args=[episode.pk])
    refused = client.post(url, {"decision": "approved", **_parts("decided_at", timezone.now())})
    assert refused.status_code == 400
    assert s.APPROVED_BY_MISSING in refused.content.decode()
    response = client.post(
        url,
        {
            "decision": "approved",
            **_parts("decided_at", timezone.now() - dt.timedelta(hours=1)),
            "approved_by": "Insp. Grey",
            "channels": ["police_social_media", "posters"],
            "consent": "local_authority",
        },
    )
    assert response.status_code == 302
    publicity = Publicity.objects.get()
    episode_record_return(
        episode=episode, returned_at=timezone.now(), found_by="self", actor=world.users["sw_1"]
    )
    page = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert "is to be withdrawn" in page
    withdraw = reverse("locate:publicity_withdrawn", args=[publicity.pk])
    assert client.post(withdraw).status_code == 302
    publicity.refresh_from_db()
    assert publicity.withdrawn_at is not None
    page = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert "is to be withdrawn" not in page


def test_missing_people_contact_is_recorded_from_the_episode(world, client):
    episode = world.episodes["a_team1"]
    client.force_login(world.users["police_a"])
    response = client.post(
        reverse("locate:contact_new", args=[episode.pk]),
        {
            "agency": "uk_missing_persons_unit",
            **_parts("contacted_at", timezone.now() - dt.timedelta(hours=1)),
            "reference": "UKMPU-77",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert "UK Missing Persons Unit (NCA)" in page and "UKMPU-77" in page
