"""Changing and removing a sighting or lead (issue 16): by the agency that recorded it or the
missing coordinator, audited with field names only, a stale change refused, a removal kept
with who, when and why; and the episode's sightings on a map beside the table."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from homesafe.access.audit import ClientActor
from homesafe.access.edits import StaleEdit
from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.episodes.services_corrections import episode_void
from homesafe.locate import services as s
from homesafe.locate.models import Sighting
from homesafe.locate.policy import can_change_sighting
from homesafe.locate.queries import episode_search, sighting_locations_for_child
from tests.locate.test_views import _parts


def _hours(n):
    return timezone.now() - dt.timedelta(hours=n)


def _school_sighting(world, **extra):
    return s.sighting_record(
        episode=world.episodes["a_team1"],
        actor=world.users["school_1"],
        seen_at=_hours(2),
        source="school",
        place="Outside the school gates",
        postcode="SW1A 1AA",
        note="Seen with two older boys",
        **extra,
    )


def _values(sighting, **changes):
    values = s.sighting_values(sighting)
    return {**values, **changes}


def test_the_recorder_changes_a_sighting_audited_with_field_names_only(world):
    sighting = _school_sighting(world)
    version = s.sighting_edit_version(sighting)
    old_location = sighting.location_id
    changed = s.sighting_change(
        sighting=sighting,
        actor=world.users["school_1"],
        version=version,
        **_values(sighting, note="Seen alone", place="The bus station", postcode="sw1a2aa"),
    )
    changed.refresh_from_db()
    assert changed.note == "Seen alone"
    assert changed.location_id != old_location and changed.location.postcode == "SW1A 2AA"
    assert changed.changed_by == world.users["school_1"] and changed.changed_at is not None
    entry = AuditEntry.objects.get(verb="locate.sighting_changed")
    assert entry.payload["fields"] == ["note", "place", "postcode"]
    dumped = json.dumps(entry.payload)
    assert "alone" not in dumped and "bus" not in dumped and "SW1A" not in dumped


def test_a_change_that_changes_nothing_writes_nothing(world):
    sighting = _school_sighting(world)
    s.sighting_change(sighting=sighting, actor=world.users["school_1"], **_values(sighting))
    assert not AuditEntry.objects.filter(verb="locate.sighting_changed").exists()
    assert Sighting.objects.get().changed_at is None


def test_a_change_on_an_older_version_is_refused(world):
    sighting = _school_sighting(world)
    seen = s.sighting_edit_version(sighting)
    s.sighting_change(
        sighting=sighting, actor=world.users["cmo_a"], **_values(sighting, note="By the CMO")
    )
    with pytest.raises(StaleEdit) as refused:
        s.sighting_change(
            sighting=sighting,
            actor=world.users["school_1"],
            version=seen,
            **_values(sighting, source_detail="Head of year"),
        )
    assert refused.value.fields == ["note"]
    assert Sighting.objects.get().source_detail == ""


def test_a_change_keeps_the_rules_of_recording(world):
    sighting = _school_sighting(world)
    with pytest.raises(ValidationError) as refused:
        s.sighting_change(
            sighting=sighting, actor=world.users["school_1"], **_values(sighting, seen_at=_hours(7))
        )
    assert refused.value.message_dict["seen_at"] == [s.BEFORE_LAST_SEEN]


def test_a_removal_keeps_the_sighting_with_who_and_why(world):
    sighting = _school_sighting(world)
    with pytest.raises(ValidationError) as refused:
        s.sighting_remove(sighting=sighting, actor=world.users["cmo_a"], reason=" ")
    assert refused.value.message_dict == {"reason": [s.REMOVAL_REASON_MISSING]}
    s.sighting_remove(sighting=sighting, actor=world.users["cmo_a"], reason="Another child")
    kept = Sighting.objects.get()
    assert kept.is_removed and kept.removed_by == world.users["cmo_a"]
    assert kept.removal_reason == "Another child"
    entry = AuditEntry.objects.get(verb="locate.sighting_removed")
    assert entry.payload == {"episode_id": sighting.episode_id}
    search = episode_search(user=world.users["police_a"], episode=world.episodes["a_team1"])
    assert search.sightings == [] and search.removed_sightings == [kept]
    assert search.map_points == []
    assert sighting_locations_for_child(child=world.children["a_team1"]) == []  # the story's
    with pytest.raises(ApplicationError) as again:
        s.sighting_change(sighting=kept, actor=world.users["cmo_a"], **_values(kept, note="x"))
    assert again.value.message == s.SIGHTING_REMOVED


def test_nothing_changes_on_an_episode_recorded_in_error(world):
    sighting = _school_sighting(world)
    episode_void(episode=world.episodes["a_team1"], reason="Duplicate", actor=world.users["cmo_a"])
    with pytest.raises(ApplicationError):
        s.sighting_remove(sighting=sighting, actor=world.users["cmo_a"], reason="Wrong")


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("school_1", True),  # the agency that recorded it
        ("cmo_a", True),  # the missing coordinator
        ("sw_1", False),  # the child's social worker: not the recorder, not the coordinator
        ("police_a", False),
        ("health", False),
        ("school_2", False),  # does not see the child
        ("auditor", False),
    ],
)
def test_who_may_change_a_schools_sighting(world, user, allowed):
    sighting = _school_sighting(world)
    assert can_change_sighting(world.users[user], sighting) is allowed
    search = episode_search(user=world.users[user], episode=world.episodes["a_team1"])
    assert (sighting.pk in search.sightings_changeable) is allowed  # the page agrees


def test_a_police_systems_sighting_is_changed_by_the_missing_coordinator(world):
    sighting = s.sighting_record(
        episode=world.episodes["a_team1"],
        actor=ClientActor(label="Force A system"),
        seen_at=_hours(2),
        source="police",
    )
    assert can_change_sighting(world.users["cmo_a"], sighting)
    assert not can_change_sighting(world.users["police_a"], sighting)


# --- Pages -------------------------------------------------------------------------------


def test_the_recorder_changes_and_removes_a_sighting_from_the_episode_page(world, client):
    sighting = _school_sighting(world)
    episode = world.episodes["a_team1"]
    client.force_login(world.users["school_1"])
    page = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    edit = reverse("locate:sighting_edit", args=[sighting.pk])
    remove = reverse("locate:sighting_remove", args=[sighting.pk])
    assert edit in page and remove in page
    form = client.get(edit)
    assert form.status_code == 200 and "Outside the school gates" in form.content.decode()
    data = {
        "kind": "lead",
        **_parts("seen_at", sighting.seen_at),
        "source": "school",
        "place": "Outside the school gates",
        "postcode": "SW1A 1AA",
        "place_kind": "other",
        "note": "A lead, not a sighting",
        "version": s.sighting_edit_version(sighting),
    }
    assert client.post(edit, data).status_code == 302
    assert Sighting.objects.get().kind == "lead"
    stale = client.post(edit, {**data, "note": "Mine"})  # the version is of the old values
    assert stale.status_code == 400 and "changed by someone else" in stale.content.decode()
    assert client.post(remove, {"reason": ""}).status_code == 400
    assert client.post(remove, {"reason": "Recorded against the wrong child"}).status_code == 302
    page = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert "Removed sightings and leads (1)" in page
    assert "because: Recorded against the wrong child" in page
    assert client.get(edit).status_code == 403  # removed: no more changes


def test_others_get_403_and_those_who_do_not_see_the_child_404(world, client):
    sighting = _school_sighting(world)
    edit = reverse("locate:sighting_edit", args=[sighting.pk])
    client.force_login(world.users["police_a"])
    assert client.get(edit).status_code == 403
    page = client.get(reverse("episodes:detail", args=[sighting.episode_id])).content.decode()
    assert edit not in page
    client.force_login(world.users["school_2"])
    assert client.get(edit).status_code == 404
    assert client.post(reverse("locate:sighting_remove", args=[sighting.pk])).status_code == 404


def test_the_episode_page_maps_the_sightings_beside_the_table(world, client, settings):
    _school_sighting(world)  # SW1A 1AA: on the map
    s.sighting_record(  # no postcode: in the table only
        episode=world.episodes["a_team1"],
        actor=world.users["cmo_a"],
        seen_at=_hours(1),
        source="public",
    )
    settings.HOMESAFE_MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    client.force_login(world.users["police_a"])
    page = client.get(reverse("episodes:detail", args=[world.episodes["a_team1"].pk]))
    html = page.content.decode()
    assert 'id="sightings-map"' in html and "hidden" in html.split('id="sightings-map"')[1][:200]
    assert 'data-tiles="https://tiles.example/{z}/{x}/{y}.png"' in html
    data = html.split('<script type="application/json" id="sightings-map-data">')[1]
    points = json.loads(data.split("</script>")[0])
    assert [p["number"] for p in points] == [1]
    assert points[0]["lat"] == pytest.approx(51.50, abs=0.02)
    assert "1 of 2 on the map" in html
    assert "vendor/leaflet/leaflet.js" in html and "web/story-map.js" in html


def test_an_episode_without_mapped_sightings_loads_no_map(world, client):
    client.force_login(world.users["police_a"])
    html = client.get(reverse("episodes:detail", args=[world.episodes["a_team1"].pk])).content
    assert b"sightings-map" not in html and b"leaflet.js" not in html
