"""Hot spots: places and H3 areas where children were last seen and found, ranked with their
trend, and when children went missing; named for those who may see the children, suppressed
for the analyst, audited."""

import datetime as dt
from zoneinfo import ZoneInfo

import h3
import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.services import location_create
from homesafe.insight.hotspots import H3_RESOLUTION, hotspots_for_user
from tests.factories import EpisodeFactory

LONDON = ZoneInfo("Europe/London")
FIVE = ("a_team1", "a_team2", "a_team3", "a_unallocated", "a_placed_in_b")


def _saturday_night(now: dt.datetime) -> dt.datetime:
    """23:30 London time on the last Saturday at least 20 days before now."""
    day = (now - dt.timedelta(days=20)).astimezone(LONDON).date()
    day -= dt.timedelta(days=(day.weekday() - 5) % 7)
    return dt.datetime(day.year, day.month, day.day, 23, 30, tzinfo=LONDON)


@pytest.fixture
def places(world):
    """Five LA A children last seen at the bus station (recorded as two location records) on
    a Saturday night; a_team1 found once at a flat; a_team1 last seen at the bus station once in
    the period before."""
    MissingEpisode.objects.all().delete()
    cmo = world.users["cmo_a"]
    now = timezone.now()
    station = [
        location_create(actor=cmo, description="Bus station", address="Station St", postcode=pc)
        for pc in ("NG1 1AA", "NG1 1AA")
    ]
    flat = location_create(actor=cmo, description="Flat", address="2 Long Row", postcode="NG1 6AB")
    seen = _saturday_night(now)
    for i, key in enumerate(FIVE):
        EpisodeFactory(
            child=world.children[key],
            last_seen_at=seen,
            reported_at=seen + dt.timedelta(hours=2),
            last_seen_location=station[i % 2],
            found_location=flat if key == "a_team1" else None,
        )
    earlier = now - dt.timedelta(days=500)
    EpisodeFactory(
        child=world.children["a_team1"],
        last_seen_at=earlier,
        reported_at=earlier,
        last_seen_location=station[0],
    )
    return world


def test_places_are_ranked_with_their_trend(places):
    report = hotspots_for_user(user=places.users["cmo_a"], months=12, now=timezone.now())
    assert report.named and report.episodes == 5
    station, flat = report.places
    assert station.label == "Bus station, Station St, NG1 1AA"
    assert (station.last_seen, station.found, station.children) == (5, 0, 5)
    assert (station.previous, station.trend) == (1, "up")
    assert (flat.last_seen, flat.found, flat.children, flat.trend) == (0, 1, 1, "new")


def test_areas_are_h3_cells_with_their_children(places):
    report = hotspots_for_user(user=places.users["cmo_a"], months=12, now=timezone.now())
    cells = {c.cell: c for c in report.cells}
    station_cell = h3.latlng_to_cell(52.955053, -1.14103, H3_RESOLUTION)
    assert cells[station_cell].last_seen == 5 and cells[station_cell].children == 5
    assert sum(c.found for c in report.cells) == 1
    assert len(cells[station_cell].boundary) == 6
    assert cells[station_cell].label == "Around Bus station, Station St, NG1 1AA"
    analyst = hotspots_for_user(user=places.users["analyst"], months=12, now=timezone.now())
    assert [c.label for c in analyst.cells] == ["Postcode sector NG1 1"]


def test_when_children_went_missing_is_counted_in_london_time(places):
    report = hotspots_for_user(user=places.users["cmo_a"], months=12, now=timezone.now())
    grid = dict(report.when)
    assert grid["Night (22:00 to 06:00)"][5] == 5  # Saturday
    assert sum(sum(row) for _, row in report.when) == 5


def test_the_period_before_is_left_out_of_the_counts(places):
    report = hotspots_for_user(user=places.users["cmo_a"], months=24, now=timezone.now())
    assert report.episodes == 6 and report.places[0].last_seen == 6


def test_the_analyst_sees_only_places_with_five_children_and_suppressed_counts(places, client):
    report = hotspots_for_user(user=places.users["analyst"], months=12, now=timezone.now())
    assert not report.named
    assert [p.label for p in report.places] == ["Bus station, Station St, NG1 1AA"]
    assert report.places_left_out == 1  # the flat: one child
    assert all(c.children >= 5 for c in report.cells)
    client.force_login(places.users["analyst"])
    page = client.get(reverse("insight:hotspots")).text
    assert "2 Long Row" not in page and "&lt;5" in page
    for child in places.children.values():
        assert child.full_name not in page


def test_viewing_hot_spots_is_audited(places):
    hotspots_for_user(user=places.users["police_a"], months=6, now=timezone.now())
    entry = AuditEntry.objects.filter(verb=AuditVerb.HOTSPOTS_VIEWED).get()
    assert entry.actor_id == places.users["police_a"].pk
    assert entry.payload == {"months": 6, "episodes": 5, "named": True}


@pytest.mark.parametrize(
    ("user", "status"),
    [("cmo_a", 200), ("sm_cic", 200), ("analyst", 200), ("sw_1", 403), ("school_1", 403)],
)
def test_who_may_open_hot_spots(places, client, user, status):
    client.force_login(places.users[user])
    response = client.get(reverse("insight:hotspots"))
    assert response.status_code == status
    if status == 200:
        assert 'id="hotspots-when"' in response.text


def test_the_coordinator_sees_the_map_data_and_every_place(places, client):
    client.force_login(places.users["cmo_a"])
    page = client.get(reverse("insight:hotspots"), {"months": "12"}).text
    assert 'id="hotspots-map-data"' in page and "2 Long Row" in page
    assert client.get(reverse("insight:hotspots"), {"months": "5"}).status_code == 400
