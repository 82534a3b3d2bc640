"""The profile as a one-page PDF for the police: a real PDF, one A4 page however long the
profile (shortened entries say "continued in HomeSafe"), the child's name and photo on it, the
same access check and an audit entry as the print page, ids only in the file name, a specific
version when asked, and a missing photo handled. WeasyPrint fetches nothing from the network."""

import io
import logging
import re
import zlib
from dataclasses import dataclass

import pytest
import time_machine
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse
from PIL import Image
from weasyprint import Document

from homesafe.access.models import AuditEntry
from homesafe.episodes.models import Location
from homesafe.profiles.models import ProfileVersion
from homesafe.profiles.pdf import (
    BASE_URL,
    COLUMN_CHARACTERS,
    CONTINUED,
    Entry,
    ProfileResourceFetcher,
    condense,
    in_two_columns,
    profile_pdf_document,
)
from homesafe.profiles.queries import profile_open_episode
from homesafe.profiles.services import profile_save
from tests.clock import NOW
from tests.profiles.conftest import FULL
from tests.signin import SignedInClient
from tests.world import World, build_world


def real_jpeg(name="photo.jpg", size=(600, 800)) -> SimpleUploadedFile:
    """A real photo-sized JPEG (WeasyPrint decodes it, unlike the conftest's header-only one)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 90, 60)).save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


PARAGRAPH = (
    "Spends evenings with a group of older young people near the retail park and the canal "
    "towpath; has been seen getting into a silver hatchback driven by an adult male known as "
    "'Deano'. Carers believe she is given cannabis and money for top-ups. "
)
# A realistic full profile, long in every entry: several lines and far more than fits a page.
LONG = {
    "provided_by": "Sam and Alex Carer (foster carers, Oak Lane Fostering)",
    "height": "163 cm (5 ft 4 in)",
    "build": "Slim, athletic",
    "hair": "Brown, shoulder length, often tied back; sometimes dyed red at the ends",
    "eyes": "Green",
    "distinguishing_marks": (
        "Scar on left hand (3 cm, from a fall in 2022). Pierced ears, two studs each side. "
        "Small tattoo of a star on the right wrist, usually covered by a hair band. " * 4
    ),
    "associates": "\n".join(
        f"{name}: {PARAGRAPH}"
        for name in ("Kayleigh (15)", "Jordan (17)", "'Deano' (adult)", "Mo (16)", "Tia (14)")
    ),
    "places_frequented": "\n".join(
        f"{place}: {PARAGRAPH}"
        for place in ("Skate park, Victoria Road", "Bus station", "Canal towpath", "McDonald's")
    ),
    "vulnerabilities": (PARAGRAPH * 6),
    "medication": "Salbutamol inhaler (asthma), must carry it. Sertraline 50 mg each morning; "
    "missing doses for more than two days causes withdrawal symptoms. " * 5,
    "phones": "\n".join(f"07700 900{n:03d} (pay as you go, changed often)" for n in range(15)),
    "social_media": "\n".join(f"Snapchat: skater_kid_{n}; Instagram: @sk8r.{n}" for n in range(12)),
    "transport": "Buses (route 7 and 15), trains to the city centre without a ticket, lifts from "
    "older associates in cars. " * 6,
    "missing_history": "\n".join(
        f"Episode {n}: missing overnight, found by police at a flat in the city centre; "
        "interview declined; strategy meeting held." + " Notes. " * 10
        for n in range(1, 15)
    ),
}
CHILD_NAME_PARTS = ("first_name", "last_name")


def _page_texts(document) -> str:
    texts = []

    def walk(box):
        if getattr(box, "text", None):
            texts.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(texts)


def _page_images(document) -> list:
    images = []

    def walk(box):
        if getattr(box, "replacement", None) is not None:
            images.append(box.replacement)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return images


def _long_profile(world) -> ProfileVersion:
    """Child a_team1, missing now, with the long profile and a photo."""
    child = world.children["a_team1"]
    episode = world.episodes["a_team1"]
    episode.description_and_clothing = "Black puffer jacket, grey joggers, white trainers. " * 20
    episode.last_seen_location = Location.objects.create(
        description="Bus station", address="Station Road"
    )
    episode.save()
    return profile_save(child=child, actor=world.users["sw_1"], photo=real_jpeg(), **LONG)


def _download(client, user, child, number=None):
    client.force_login(user)
    if number is None:
        return client.get(reverse("profiles:pdf", args=[child.pk]))
    return client.get(reverse("profiles:version_pdf", args=[child.pk, number]))


@dataclass
class LongDownload:
    """The long profile downloaded once by Force A's coordinator, and laid out once."""

    world: World
    version_pk: int
    response: HttpResponse
    downloads: list  # the audit entries the download made, as dicts
    photo_viewed: bool  # whether the download also audited a read of the photo
    document: Document  # profile_pdf_document() of the same version


@pytest.fixture(scope="module")
def long_download(django_db_setup, django_db_blocker, _world_snapshot, tmp_path_factory):
    """Laying the long profile out takes WeasyPrint seconds (it tries smaller scales until the
    page fits), so the tests of what that PDF holds share one download and one layout, made
    once per module on the world's rows in a transaction that is then rolled back."""
    media = tmp_path_factory.mktemp("profile_pdf_media")
    rolled_back = transaction.atomic()
    rolled_back._from_testcase = True  # as a test's own: the use cases' durable blocks nest in it
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=True),
        override_settings(MEDIA_ROOT=media),
        rolled_back,
    ):
        try:
            with transaction.atomic():
                world = _world_snapshot.restore()
        except IntegrityError:  # rows left by a browser test's fixture: build it afresh
            world = build_world()
        child = world.children["a_team1"]
        version = _long_profile(world)
        response = _download(SignedInClient(), world.users["police_a"], child)
        downloads = list(
            AuditEntry.objects.filter(verb="profile.pdf_downloaded").values(
                "actor_id", "target_type", "target_id", "child_id", "payload"
            )
        )
        photo_viewed = AuditEntry.objects.filter(verb="profile.photo_viewed").exists()
        document = profile_pdf_document(
            version=version, open_episode=profile_open_episode(child=child)
        )
        transaction.set_rollback(True)
    for cache in caches.all(initialized_only=True):
        cache.clear()
    return LongDownload(world, version.pk, response, downloads, photo_viewed, document)


def test_the_pdf_is_a_real_one_page_pdf_with_the_name_and_photo(long_download):
    child = long_download.world.children["a_team1"]
    response = long_download.response
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    document = long_download.document
    assert len(document.pages) == 1
    page = document.pages[0]
    assert (round(page.width * 25.4 / 96), round(page.height * 25.4 / 96)) == (210, 297)  # A4
    text = _page_texts(document)
    assert child.first_name in text and child.last_name in text
    assert "Black puffer jacket" in text  # part 2: the child is missing now
    assert CONTINUED in text  # the long entries were shortened, and say so
    (photo,) = _page_images(document)
    assert (photo.width, photo.height) == (600, 800)


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream decompressed: its objects, readable."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.DOTALL):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue  # an image's data, not an object stream
    return b"\n".join(parts)


def test_the_served_pdf_has_one_page_and_embeds_the_photo(long_download):
    objects = _pdf_objects(long_download.response.content)
    # The page tree holds one page; the photo is an image XObject of the photo's size.
    (count,) = re.findall(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", objects, flags=re.DOTALL)
    assert count == b"1"
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", objects)) == 1
    assert re.search(rb"/Subtype\s*/Image", objects)


def test_headers_name_ids_not_the_child_and_forbid_caching(long_download):
    child = long_download.world.children["a_team1"]
    response = long_download.response
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="profile-{child.pk}-v1.pdf"'
    assert child.first_name not in disposition and child.last_name not in disposition
    assert "no-store" in response["Cache-Control"]
    assert child.last_name.encode() not in response.content  # not even in the PDF's title


def test_a_specific_version_is_rendered_when_asked(world, client):
    child = world.children["a_team1"]
    profile_save(child=child, actor=world.users["sw_1"], **{**FULL, "hair": "Brown plaits"})
    profile_save(child=child, actor=world.users["sw_1"], **{**FULL, "hair": "Shaved, dyed blue"})
    first = _download(client, world.users["cmo_a"], child, number=1)
    assert first.status_code == 200
    assert first["Content-Disposition"].endswith(f'filename="profile-{child.pk}-v1.pdf"')
    current = _download(client, world.users["cmo_a"], child)
    assert current["Content-Disposition"].endswith(f'filename="profile-{child.pk}-v2.pdf"')
    versions = {v.number: v for v in ProfileVersion.objects.filter(child=child)}
    assert "Brown plaits" in _page_texts(
        profile_pdf_document(version=versions[1], open_episode=None)
    )
    assert "dyed blue" in _page_texts(profile_pdf_document(version=versions[2], open_episode=None))
    assert _download(client, world.users["cmo_a"], child, number=3).status_code == 404


def test_no_profile_recorded_is_a_404(world, client):
    assert _download(client, world.users["cmo_a"], world.children["a_team1"]).status_code == 404


# Every user of the world: who sees the profile (the casework roles of LA A who see child
# a_team1, and Force A's coordinator) gets the PDF; a user who sees the child but not its
# profile a 403; everyone else a 404 (as if the child did not exist), as for the print page; a deactivated account is not signed in at all.
ACCESS = {
    "cmo_a": 200,
    "cmo_b": 404,
    "sw_1": 200,
    "sw_1b": 200,
    "sw_2": 404,  # another team
    "sw_3": 404,  # another service
    "tm_1": 200,
    "sm_cic": 200,
    "sl_a": 200,
    "police_a": 200,
    "police_b": 404,
    "rhi": 404,
    "school_1": 403,  # sees the child, not the profile
    "school_2": 404,
    "health": 200,
    "analyst": 404,
    "auditor": 404,
    "admin": 404,
    "inactive_cmo": 302,  # cannot sign in: sent to the sign-in page
}


def test_the_access_table_names_every_user_of_the_world(world):
    assert set(ACCESS) == set(world.users)


@pytest.mark.parametrize(("user", "status"), ACCESS.items())
def test_who_may_download_the_pdf(world, client, user, status):
    child = world.children["a_team1"]
    version = profile_save(child=child, actor=world.users["sw_1"], **FULL)
    before = AuditEntry.objects.filter(verb="profile.pdf_downloaded").count()
    client.force_login(world.users[user])
    pdf = client.get(reverse("profiles:pdf", args=[child.pk]))
    assert pdf.status_code == status
    assert client.get(reverse("profiles:version_pdf", args=[child.pk, 1])).status_code == status
    # The same gate as the print page.
    assert client.get(reverse("profiles:print", args=[child.pk])).status_code == status
    downloads = AuditEntry.objects.filter(verb="profile.pdf_downloaded")
    if status == 200:
        assert pdf.content.startswith(b"%PDF")
        entry = downloads.order_by("pk").first()
        assert downloads.count() == before + 2
        assert entry.actor == world.users[user]
        assert (entry.target_type, entry.target_id) == ("profiles.profileversion", str(version.pk))
        assert entry.child_id == child.pk and entry.payload == {"version": 1}
    else:
        assert downloads.count() == before


def test_the_download_is_audited_with_ids_only(long_download):
    world = long_download.world
    child = world.children["a_team1"]
    (entry,) = long_download.downloads
    assert entry["payload"] == {"version": 1}
    assert entry["actor_id"] == world.users["police_a"].pk
    assert (entry["target_type"], entry["target_id"]) == (
        "profiles.profileversion",
        str(long_download.version_pk),
    )
    assert entry["child_id"] == child.pk
    assert child.last_name not in str(entry["payload"])
    # Reading the photo for the PDF is part of the download, not a second audited read.
    assert not long_download.photo_viewed


def test_no_photo_recorded(world, client):
    child = world.children["a_team1"]
    version = profile_save(child=child, actor=world.users["sw_1"], **FULL)
    assert _download(client, world.users["cmo_a"], child).status_code == 200
    document = profile_pdf_document(version=version, open_episode=None)
    assert _page_images(document) == []
    assert "No photo recorded" in _page_texts(document)


def test_a_photo_missing_from_storage_still_gives_the_page(world, client, media_root, caplog):
    child = world.children["a_team1"]
    version = profile_save(child=child, actor=world.users["sw_1"], photo=real_jpeg(), **FULL)
    (media_root / version.photo.name).unlink()
    with caplog.at_level(logging.WARNING):
        response = _download(client, world.users["cmo_a"], child)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    document = profile_pdf_document(version=version, open_episode=None)
    assert len(document.pages) == 1 and _page_images(document) == []
    assert "Photo not available" in _page_texts(document)
    assert child.last_name not in caplog.text


def test_a_short_profile_is_not_shortened(world):
    child = world.children["a_team1"]
    version = profile_save(child=child, actor=world.users["sw_1"], photo=real_jpeg(), **FULL)
    document = profile_pdf_document(version=version, open_episode=None)
    text = _page_texts(document)
    assert len(document.pages) == 1
    assert CONTINUED not in text
    for value in FULL.values():
        assert value.split()[0] in text


def test_the_fetcher_serves_our_files_and_refuses_everything_else(world):
    child = world.children["a_team1"]
    version = profile_save(child=child, actor=world.users["sw_1"], photo=real_jpeg(), **FULL)
    photo_url = f"{BASE_URL}children/{child.pk}/profile/versions/1/photo"
    fetcher = ProfileResourceFetcher(photo_url=photo_url, version=version)
    photo = fetcher(photo_url)
    assert photo.content_type == "image/jpeg" and photo.read()[:2] == b"\xff\xd8"
    css = fetcher(f"{BASE_URL}static/profiles/pdf.css")
    assert css.content_type == "text/css" and b"@page" in css.read()
    for url in (
        "https://example.com/tracker.png",
        "http://127.0.0.1:8000/admin/",
        "file:///etc/passwd",
        f"{BASE_URL}static/../settings.py",
        f"{BASE_URL}static//etc/passwd",
        f"{BASE_URL}media/{version.photo.name}",
        f"{BASE_URL}children/{child.pk}/profile/versions/2/photo",
        "data:text/plain,hello",
    ):
        with pytest.raises(ValueError, match="Not one of HomeSafe's own files"):
            fetcher(url)


def test_no_network_is_touched_even_for_an_external_image(world, monkeypatch):
    """Text cannot inject markup (it is escaped), and the fetcher would refuse it anyway."""
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("WeasyPrint tried the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    child = world.children["a_team1"]
    version = profile_save(
        child=child,
        actor=world.users["sw_1"],
        **{**FULL, "associates": '<img src="https://example.com/x.png"> Kayleigh'},
    )
    document = profile_pdf_document(version=version, open_episode=None)
    assert '<img src="https://example.com/x.png"> Kayleigh' in _page_texts(document)
    assert _page_images(document) == []


@pytest.mark.parametrize(
    ("text", "limit", "lines", "expected"),
    [
        ("Short", 100, 3, ("Short", False)),
        ("one two three four five", 12, 3, ("one two …", True)),
        ("a\nb\nc\nd", 100, 2, ("a\nb …", True)),
        ("  spaced   out  \n\n\n next ", 100, 5, ("spaced out\nnext", False)),
        ("x" * 50, 20, 3, ("x" * 20 + " …", True)),
        ("", 10, 1, ("", False)),
    ],
)
def test_condense(text, limit, lines, expected):
    assert condense(text, limit=limit, max_lines=lines) == expected


def _entries(*lengths: int) -> list[Entry]:
    return [Entry(f"Entry {i}", "x" * length) for i, length in enumerate(lengths)]


@pytest.mark.parametrize(
    ("lengths", "first_column"),
    [
        # lines a column takes: 2 for each entry's heading and margin, then its wrapped text
        ((COLUMN_CHARACTERS,) * 8, 4),  # eight alike: four and four
        ((COLUMN_CHARACTERS * 30, 1, 1, 1, 1, 1, 1, 1), 1),  # one long entry alone on the left
        ((1, 1, 1, 1, 1, 1, 1, COLUMN_CHARACTERS * 30), 7),  # and alone on the right
        ((1, 1, 1), 2),  # a tie (6 against 3, or 3 against 6): the first column the taller
        ((), 0),
    ],
)
def test_the_entries_are_shared_between_two_columns_in_order(lengths, first_column):
    entries = _entries(*lengths)
    left, right = in_two_columns(entries)
    assert [*left, *right] == entries  # in order, none lost
    assert len(left) == first_column


def test_the_columns_come_out_about_the_same_height_on_the_page(long_download):
    # The long profile's two columns of entries, as WeasyPrint laid them out: within about two
    # lines of each other (at 9.5 pt, 1.3 line height: about 17 pt), as CSS balancing left them.
    heights = []
    for box in _boxes(long_download.document.pages[0]._page_box):
        if "hs-pdf-column" in (box.element.get("class", "") if box.element is not None else ""):
            heights.append(box.height)
    assert len(heights) == 2
    assert abs(heights[0] - heights[1]) < 2 * 17


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def test_the_profile_page_links_the_pdf(world, client):
    child = world.children["a_team1"]
    profile_save(child=child, actor=world.users["sw_1"], **FULL)
    client.force_login(world.users["police_a"])
    page = client.get(reverse("profiles:detail", args=[child.pk]))
    assert reverse("profiles:pdf", args=[child.pk]) in page.text
    version = client.get(reverse("profiles:version", args=[child.pk, 1]))
    assert reverse("profiles:version_pdf", args=[child.pk, 1]) in version.text


def test_should_nothing_fit_only_the_first_page_is_kept(world, monkeypatch, caplog):
    monkeypatch.setattr("homesafe.profiles.pdf.SCALES", (1.0,))
    child = world.children["a_team1"]
    version = profile_save(child=child, actor=world.users["sw_1"], **LONG)
    with caplog.at_level(logging.WARNING, logger="homesafe.profiles.pdf"):
        document = profile_pdf_document(version=version, open_episode=None)
    assert len(document.pages) == 1
    assert f"Profile version {version.pk} did not fit one page" in caplog.text
    assert child.last_name not in caplog.text
