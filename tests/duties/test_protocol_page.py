"""The protocol settings page: administrators only; a preview shows what changes (counts and
kinds, no child's data); bad settings name the key and save nothing; saving re-plans."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_record_return


@pytest.fixture
def returned(world):
    protocol_current()
    episode = world.episodes["a_team1"]
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(hours=1),
        found_by="self",
        actor=world.users["cmo_a"],
    )
    return episode


@pytest.mark.parametrize("user_key", ["cmo_a", "sl_a", "police_a", "analyst"])
def test_only_administrators(world, client, user_key):
    client.force_login(world.users[user_key])
    assert client.get(reverse("duties:protocol")).status_code == 403


def test_preview_shows_changes_and_counts_without_saving(world, client, returned):
    client.force_login(world.users["admin"])
    version, _ = protocol_current()
    text = version.settings_toml.replace("rhi_offer_hours = 72", "rhi_offer_hours = 24")
    response = client.post(reverse("duties:protocol"), {"settings_toml": text, "action": "preview"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "rhi_offer_hours" in body and "Preview of protocol" in body
    assert "1 of those children, 1 open duties would get a new due time" in body
    assert returned.child.first_name not in body  # counts and kinds only
    assert ProtocolVersion.objects.count() == 1


def test_bad_settings_name_the_key_and_save_nothing(world, client):
    client.force_login(world.users["admin"])
    version, _ = protocol_current()
    for bad, key in [("rhi_offer_hours = 100000", "rhi_offer_hours"), ("colour = 1", "colour")]:
        response = client.post(
            reverse("duties:protocol"),
            {"settings_toml": version.settings_toml + "\n" + bad, "action": "save"},
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in body and key in body
        assert 'href="#id_settings_toml"' in body
    assert ProtocolVersion.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # the real worker closes its database connection
def test_saving_makes_a_new_version_and_replans_open_duties(
    world, client, returned, django_capture_on_commit_callbacks
):
    client.force_login(world.users["admin"])
    version, _ = protocol_current()
    text = version.settings_toml.replace("rhi_offer_hours = 72", "rhi_offer_hours = 24")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("duties:protocol"),
            {"settings_toml": text, "note": "Seed 004: 24 hours", "action": "save"},
        )
    assert response.status_code == 302
    new = ProtocolVersion.objects.latest()
    assert new.note == "Seed 004: 24 hours" and new.created_by == world.users["admin"]
    # the re-plan was queued for the worker; run the queue as `homesafe db_worker --batch` would
    from django.core.management import call_command

    call_command("db_worker", batch=True, verbosity=0)
    rhi = Duty.objects.get(episode=returned, kind="rhi_offer")
    returned.refresh_from_db()
    assert rhi.protocol_version == new.version
    assert rhi.due_at == returned.returned_at + dt.timedelta(hours=24)
