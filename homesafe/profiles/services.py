"""Writes to the pre-incident (Philomena) profile: every save is a new version, audited with
the names of the fields that changed (never their values), then the child's duties re-planned
(a version saved after a return closes that episode's pre_incident_review duty)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from PIL import Image

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.edits import edit_check, edit_version
from homesafe.access.models import User
from homesafe.episodes.models import Location
from homesafe.people.models import Child
from homesafe.profiles.models import PROFILE_TEXT_FIELDS, ProfileVersion
from homesafe.use_cases import facts_changed, use_case

PHOTO_MAX_BYTES_DEFAULT = 5 * 1024 * 1024
PHOTO_NOT_IMAGE = "The photo must be a JPEG or PNG image"
PHOTO_TOO_LARGE = "The photo must be smaller than {size}"
PHOTO_EMPTY = "The photo file is empty"
PROVIDED_BY_MISSING = "Enter who gave the information (the carer)"
LOCATION_NOT_AVAILABLE = "Choose a place already recorded for this child"

_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# Magic numbers: the type is read from the content, never from the name.
_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}


def photo_max_bytes() -> int:
    return getattr(settings, "PROFILE_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES_DEFAULT)


def photo_check(photo: UploadedFile) -> tuple[str, str]:
    """The photo's content type and suffix, or a ValidationError on the `photo` field."""
    limit = photo_max_bytes()
    if photo.size is not None and photo.size > limit:
        raise ValidationError({"photo": PHOTO_TOO_LARGE.format(size=f"{limit // 1024 // 1024} MB")})
    if not photo.size:
        raise ValidationError({"photo": PHOTO_EMPTY})
    photo.seek(0)
    head = photo.read(16)
    photo.seek(0)
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            _photo_decode(photo, expected=_PILLOW_FORMATS[kind[0]])
            return kind
    raise ValidationError({"photo": PHOTO_NOT_IMAGE})


def _photo_decode(photo: UploadedFile, *, expected: str) -> None:
    """Decode the whole image with Pillow (verify, then load), so that a file that only
    starts like an image (a PNG header followed by HTML) is refused before it is kept."""
    try:
        with Image.open(photo) as image:
            image.verify()
        photo.seek(0)
        with Image.open(photo) as image:
            if image.format != expected:
                raise ValidationError({"photo": PHOTO_NOT_IMAGE})
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        # Pillow's ways of saying "not a whole image" (UnidentifiedImageError is an OSError).
        raise ValidationError({"photo": PHOTO_NOT_IMAGE}) from None
    finally:
        photo.seek(0)


def profile_current(*, child: Child) -> ProfileVersion | None:
    return ProfileVersion.objects.filter(child=child).order_by("-number").first()


def profile_values(version: ProfileVersion | None) -> dict:
    """A profile version as a person changes it: what its edit version is made of."""
    values: dict = {name: getattr(version, name, "") for name in PROFILE_TEXT_FIELDS}
    values["provided_by"] = version.provided_by if version else ""
    values["locations"] = [loc.pk for loc in version.locations.all()] if version else []
    return values


def profile_edit_version(version: ProfileVersion | None) -> str:
    """The version the profile form sends back with its save (edit_check)."""
    return edit_version(profile_values(version))


@use_case
def profile_save(
    *,
    child: Child,
    actor: Actor,
    provided_by: str,
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
    locations: Iterable[Location] = (),
    allowed_locations: Iterable[Location] | None = None,
    version: str | None = None,
    **text: str,
) -> ProfileVersion:
    """Save a new version of the child's profile. Text not given is saved empty; the photo is
    carried over from the last version unless a new one is given or it is removed. Saving with
    no change is still a version: it records that the profile was reviewed.

    With `version` (profile_edit_version of the version the person started from), a save made
    after someone else's is refused with StaleEdit naming the fields they changed."""
    unknown = set(text) - set(PROFILE_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    if not provided_by.strip():
        errors["provided_by"] = PROVIDED_BY_MISSING
    photo_kind = None
    if photo is not None:
        try:
            photo_kind = photo_check(photo)
        except ValidationError as error:
            errors["photo"] = error.error_dict["photo"][0].message
    locations = list(dict.fromkeys(locations))
    if allowed_locations is not None:
        allowed = {loc.pk for loc in allowed_locations}
        if any(loc.pk not in allowed for loc in locations):
            errors["locations"] = LOCATION_NOT_AVAILABLE
    if errors:
        raise ValidationError(errors)

    # Lock the child's row so that two saves at once cannot take the same number.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    previous = profile_current(child=child)
    edit_check(version=version, current=profile_values(previous))
    saved = ProfileVersion(
        child=child,
        number=(previous.number + 1) if previous else 1,
        provided_by=provided_by.strip(),
        saved_by=actor if isinstance(actor, User) else None,
        saved_at=timezone.now(),
        **{name: text.get(name, "").strip() for name in PROFILE_TEXT_FIELDS},
    )
    if photo is not None:
        content_type, suffix = photo_kind
        saved.photo.save(f"photo{suffix}", photo, save=False)
        saved.photo_type = content_type
    elif previous and previous.photo and not remove_photo:
        saved.photo, saved.photo_type = previous.photo.name, previous.photo_type

    changed = [
        name
        for name in PROFILE_TEXT_FIELDS
        if getattr(saved, name) != (getattr(previous, name) if previous else "")
    ]
    if photo is not None or (previous and previous.photo and remove_photo):
        changed.append("photo")
    before = {loc.pk for loc in previous.locations.all()} if previous else set()
    if before != {loc.pk for loc in locations}:
        changed.append("locations")
    saved.changed_fields = changed
    saved.full_clean(exclude=["photo"])
    saved.save()
    saved.locations.set(locations)
    audit_record(
        actor=actor,
        verb=AuditVerb.PROFILE_SAVED,
        target=saved,
        payload={"version": saved.number, "changed": changed},
    )
    facts_changed(child_id=child.pk)
    return saved
