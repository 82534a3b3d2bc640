"""The profile pages: who sees them (casework roles and the police; 403 for a school that sees
the child, 404 for another LA), the photo only through the access check, uploads checked with real files, bad
input writes nothing, and the pages make a bounded number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homesafe.access.models import AuditEntry
from homesafe.interviews.services import interview_complete, interview_offer
from homesafe.profiles.models import ProfileVersion
from homesafe.profiles.services import (
    PHOTO_NOT_IMAGE,
    profile_current,
    profile_edit_version,
    profile_save,
)
from homesafe.web.edits import STALE_FIELD
from tests.interviews.helpers import content, report_and_return
from tests.profiles.conftest import FULL, JPEG, jpeg


@pytest.fixture
def profile(world):
    return profile_save(
        child=world.children["a_team1"], actor=world.users["sw_1"], photo=jpeg(), **FULL
    )


def _get(client, user, name, child, *args):
    client.force_login(user)
    return client.get(reverse(f"profiles:{name}", args=[child.pk, *args]))


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("cmo_a", 200),
        ("sw_1", 200),
        ("sw_1b", 200),
        ("health", 200),
        ("police_a", 200),  # the profile exists to be given to the police
        ("school_1", 403),  # sees the child, not the profile
        ("cmo_b", 404),  # another LA
        ("police_b", 404),
        ("analyst", 404),
    ],
)
def test_who_sees_the_profile_print_and_photo(world, client, profile, user, status):
    child = world.children["a_team1"]
    assert _get(client, world.users[user], "detail", child).status_code == status
    assert _get(client, world.users[user], "print", child).status_code == status
    photo = _get(client, world.users[user], "photo", child, 1)
    assert photo.status_code == status
    if status == 200:
        assert photo["Content-Type"] == "image/jpeg"
        assert b"".join(photo.streaming_content) == JPEG


def test_the_police_see_the_profile_but_not_the_interviews_confidential_text(world, client):
    episode = report_and_return(world)
    child = episode.child
    interview = interview_offer(
        episode=episode,
        offered_at=episode.returned_at,
        offered_by_organisation=world.orgs["rhi"],
        offered_by_name="Robin",
        offer_method="phone",
        actor=world.users["rhi"],
    )
    interview_complete(interview=interview, actor=world.users["rhi"], **content(world))
    profile_save(child=child, actor=world.users["sw_2"], **FULL)
    page = _get(client, world.users["police_a"], "detail", child)
    assert page.status_code == 200 and "Scar on left hand" in page.text
    rhi = client.get(reverse("interviews:detail", args=[episode.pk]))
    assert rhi.status_code == 200
    assert "I just wanted to see my mates" not in rhi.text


def test_photos_are_not_public_media(world, client, profile):
    client.force_login(world.users["cmo_a"])
    assert client.get(f"/media/{profile.photo.name}").status_code == 404


@pytest.mark.parametrize("user", ["police_a", "health", "sw_1b", "school_1"])
def test_only_those_who_may_change_the_child_record_it(world, client, user):
    child = world.children["a_team1"]
    client.force_login(world.users[user])
    response = client.get(reverse("profiles:edit", args=[child.pk]))
    assert response.status_code in (403, 404)


def _form(child=None, **overrides):
    """The profile form's data; for a page, with the version of the child's profile it shows."""
    version = (
        {} if child is None else {"version": profile_edit_version(profile_current(child=child))}
    )
    return {**FULL, **version, **overrides}


def test_recording_through_the_page_with_a_real_photo(world, client, media_root):
    child = world.children["a_team1"]
    client.force_login(world.users["sw_1"])
    response = client.post(
        reverse("profiles:edit", args=[child.pk]), _form(child, photo=jpeg("me.jpeg"))
    )
    assert response.status_code == 302
    version = ProfileVersion.objects.get(child=child)
    assert (media_root / version.photo.name).read_bytes() == JPEG
    history = client.get(reverse("profiles:history", args=[child.pk]))
    assert "Version 1" in history.text


def _writes():
    return (
        ProfileVersion.objects.count(),
        AuditEntry.objects.filter(verb="profile.saved").count(),
    )


def test_a_renamed_text_file_is_refused_on_the_page_and_nothing_is_written(
    world, client, media_root
):
    child = world.children["a_team1"]
    client.force_login(world.users["sw_1"])
    fake = SimpleUploadedFile("photo.jpg", b"hello, I am text", content_type="image/jpeg")
    response = client.post(reverse("profiles:edit", args=[child.pk]), _form(child, photo=fake))
    assert response.status_code == 400
    assert "There is a problem" in response.text and PHOTO_NOT_IMAGE in response.text
    assert 'href="#id_photo"' in response.text
    assert _writes() == (0, 0)
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_an_oversize_photo_is_refused_on_the_page(world, client, settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 1024 * 1024
    child = world.children["a_team1"]
    client.force_login(world.users["sw_1"])
    big = SimpleUploadedFile("big.png", JPEG + b"\x00" * (2 * 1024 * 1024), "image/png")
    response = client.post(reverse("profiles:edit", args=[child.pk]), _form(child, photo=big))
    assert response.status_code == 400 and "smaller than 1 MB" in response.text
    assert _writes() == (0, 0)


def test_missing_carer_name_names_the_field(world, client):
    child = world.children["a_team1"]
    client.force_login(world.users["sw_1"])
    response = client.post(reverse("profiles:edit", args=[child.pk]), _form(child, provided_by=""))
    assert response.status_code == 400
    assert 'href="#id_provided_by"' in response.text
    assert _writes() == (0, 0)


def test_the_pages_make_a_bounded_number_of_queries(world, client):
    child = world.children["a_team1"]
    for n in range(3):
        profile_save(child=child, actor=world.users["sw_1"], **_form(hair=f"Style {n}"))
    client.force_login(world.users["cmo_a"])
    counts = {}
    for name in ("detail", "print", "history"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(f"profiles:{name}", args=[child.pk])).status_code == 200
        counts[name] = len(captured)
    for n in range(3, 10):
        profile_save(child=child, actor=world.users["sw_1"], **_form(hair=f"Style {n}"))
    for name in ("detail", "print", "history"):
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse(f"profiles:{name}", args=[child.pk]))
        assert len(captured) == counts[name], name
        assert counts[name] <= 20


def test_a_profile_saved_meanwhile_is_not_reverted(world, client):
    """Issue 12 point 6 on the profile: a save made on the version both people opened is
    refused naming what the first person changed; nothing of theirs is reverted."""
    child = world.children["a_team1"]
    profile_save(child=child, actor=world.users["sw_1"], **_form(hair="Short"))
    seen = _form(child)
    profile_save(child=child, actor=world.users["cmo_a"], **_form(child, hair="Dyed red"))
    client.force_login(world.users["sw_1"])
    response = client.post(reverse("profiles:edit", args=[child.pk]), {**seen, "eyes": "Green"})
    assert response.status_code == 400 and "There is a problem" in response.text
    assert STALE_FIELD.format(label="Hair") in response.text
    assert 'href="#id_hair"' in response.text
    assert profile_current(child=child).hair == "Dyed red"
    assert ProfileVersion.objects.filter(child=child).count() == 2
