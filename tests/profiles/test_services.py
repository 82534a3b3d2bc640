"""The profile's services: every save is a version with what changed, photos are checked by
content and size, audit entries carry no personal data, and a save after a return closes the
pre_incident_review duty."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.profiles.models import ProfileVersion
from homesafe.profiles.services import (
    PHOTO_NOT_IMAGE,
    PHOTO_TOO_LARGE,
    PROVIDED_BY_MISSING,
    profile_save,
)
from tests.profiles.conftest import FULL, JPEG, PNG, jpeg, png


def _save(world, child, **kwargs):
    return profile_save(child=child, actor=world.users["cmo_a"], **{**FULL, **kwargs})


def test_every_save_is_a_new_version_with_the_fields_that_changed(world):
    child = world.children["a_team1"]
    first = _save(world, child)
    second = _save(world, child, hair="Dyed red", medication="None")
    third = _save(world, child, hair="Dyed red", medication="None")
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert set(first.changed_fields) >= {"height", "hair", "medication"}
    assert second.changed_fields == ["hair", "medication"]
    assert third.changed_fields == []  # a review with no change is still a version
    assert second.saved_by == world.users["cmo_a"]
    assert ProfileVersion.objects.get(child=child, number=1).hair == "Brown, shoulder length"


def test_audit_names_fields_never_values(world):
    child = world.children["a_team1"]
    _save(world, child)
    _save(world, child, associates="A man called Dee")
    entries = AuditEntry.objects.filter(verb="profile.saved", child_id=child.pk)
    assert entries.count() == 2
    dumped = json.dumps([e.payload for e in entries])
    assert "Dee" not in dumped and "Inhaler" not in dumped and "Sam Carer" not in dumped
    assert entries.order_by("-id").first().payload == {"version": 2, "changed": ["associates"]}


def test_a_jpeg_or_png_is_stored_and_carried_forward(world, media_root):
    child = world.children["a_team1"]
    first = _save(world, child, photo=jpeg("holiday.JPG"))
    assert first.photo_type == "image/jpeg"
    assert first.photo.name.startswith("profiles/") and "holiday" not in first.photo.name
    stored = media_root / first.photo.name
    assert stored.read_bytes() == JPEG
    second = _save(world, child, hair="Short")
    assert second.photo.name == first.photo.name and "photo" not in second.changed_fields
    third = _save(world, child, photo=png())
    assert third.photo_type == "image/png" and "photo" in third.changed_fields
    fourth = _save(world, child, remove_photo=True)
    assert not fourth.photo and fourth.changed_fields == ["photo"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"),
        ("photo.jpg", b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"),
        ("photo.png", PNG[:-20]),  # a real PNG cut short
        ("photo.png", JPEG.replace(b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", 1)),
    ],
)
def test_a_file_that_only_starts_like_an_image_is_refused(world, media_root, name, content):
    """Issue 12 point 9: Pillow decodes the whole photo (verify, then load) before it is kept."""
    child = world.children["a_team1"]
    with pytest.raises(ValidationError) as error:
        _save(world, child, photo=SimpleUploadedFile(name, content, "image/png"))
    assert error.value.message_dict == {"photo": [PHOTO_NOT_IMAGE]}
    assert not ProfileVersion.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_text_file_named_jpg_is_refused_and_nothing_is_written(world, media_root):
    child = world.children["a_team1"]
    fake = SimpleUploadedFile("photo.jpg", b"just some text, not a picture", "image/jpeg")
    with pytest.raises(ValidationError) as error:
        _save(world, child, photo=fake)
    assert error.value.message_dict == {"photo": [PHOTO_NOT_IMAGE]}
    assert not ProfileVersion.objects.exists()
    assert not AuditEntry.objects.filter(verb="profile.saved").exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_an_oversize_photo_is_refused(world, settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.jpg", JPEG + b"\x00" * (1024 * 1024), "image/jpeg")
    with pytest.raises(ValidationError) as error:
        _save(world, world.children["a_team1"], photo=big)
    assert error.value.message_dict == {"photo": [PHOTO_TOO_LARGE.format(size="1 MB")]}
    assert not ProfileVersion.objects.exists()


def test_who_gave_the_information_is_required(world):
    with pytest.raises(ValidationError) as error:
        _save(world, world.children["a_team1"], provided_by="  ")
    assert error.value.message_dict == {"provided_by": [PROVIDED_BY_MISSING]}
    assert not ProfileVersion.objects.exists()


def test_places_linked_are_limited_to_those_offered(world):
    from homesafe.episodes.services import location_create

    child = world.children["a_team1"]
    place = location_create(actor=world.users["cmo_a"], description="Skate park")
    other = location_create(actor=world.users["cmo_a"], description="Elsewhere")
    version = _save(world, child, locations=[place], allowed_locations=[place])
    assert list(version.locations.all()) == [place]
    assert "locations" in version.changed_fields
    with pytest.raises(ValidationError):
        _save(world, child, locations=[other], allowed_locations=[place])


def _episode(world, child, *, returned: bool):
    now = timezone.now()
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=30),
        reported_at=now - dt.timedelta(hours=29),
        reported_by="foster_carer",
        risk="medium",
        police_force=world.orgs["force_a"],
    )
    if returned:
        episode = episode_record_return(
            episode=episode,
            returned_at=now - dt.timedelta(hours=5),
            found_by="police",
            actor=world.users["cmo_a"],
        )
    return episode


def test_a_save_after_the_return_closes_the_pre_incident_review(world, looked_after):
    child = looked_after
    before = _save(world, child)  # before the episode: not a review of it
    ProfileVersion.objects.filter(pk=before.pk).update(
        saved_at=timezone.now() - dt.timedelta(days=2)
    )
    episode = _episode(world, child, returned=True)
    duty = Duty.objects.get(episode=episode, kind="pre_incident_review")
    assert duty.state == DutyState.OPEN
    _save(world, child, missing_history="Four episodes this year")
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE
