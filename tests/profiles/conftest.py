import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from homesafe.duties.models import ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.people.services import cohort_record


def _image(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (120, 90, 60)).save(buffer, format=image_format)
    return buffer.getvalue()


# Small real images (Pillow decodes every photo before it is kept).
PNG = _image("PNG")
JPEG = _image("JPEG")


def jpeg(name="photo.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def looked_after(world):
    """Child a_team1 (sw_1, school 1, health in the network) is looked after; duties planned."""
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=30))
    child = world.children["a_team1"]
    child.episodes.all().delete()
    cohort_record(
        child=child,
        cohort="looked_after",
        started_on=timezone.localdate() - dt.timedelta(days=100),
        actor=world.users["cmo_a"],
    )
    return child


FULL = {
    "provided_by": "Sam Carer (foster carer)",
    "height": "163 cm",
    "build": "Slim",
    "hair": "Brown, shoulder length",
    "eyes": "Green",
    "distinguishing_marks": "Scar on left hand",
    "associates": "Older friends at the skate park",
    "places_frequented": "Skate park; the bus station",
    "vulnerabilities": "Trusting of older people",
    "medication": "Inhaler",
    "phones": "07700 900123",
    "social_media": "Snapchat: skater_kid",
    "transport": "Buses, trains to the city",
    "missing_history": "Three episodes this year",
}
