import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone


def photo_path(version: "ProfileVersion", filename: str) -> str:
    """A random name under profiles/: nothing about the child in the path, the type from content."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"profiles/{uuid.uuid4().hex}{suffix}"


# The fields a person writes, in the order the form and the print page show them; the diff
# between versions is taken over these (plus the photo and the places linked).
DESCRIPTION_FIELDS = ("height", "build", "hair", "eyes", "distinguishing_marks")
PROFILE_TEXT_FIELDS = (
    *DESCRIPTION_FIELDS,
    "associates",
    "places_frequented",
    "vulnerabilities",
    "medication",
    "phones",
    "social_media",
    "transport",
    "missing_history",
)


class ProfileVersion(models.Model):
    """One saved version of a child's pre-incident (Philomena) profile; the newest is current.

    The profile is the carer's: the local authority records it on the carer's behalf
    (`provided_by` names the carer). Every save is a new row, so the history is the table.
    """

    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="profile_versions"
    )
    number = models.PositiveIntegerField()
    height = models.CharField(max_length=100, blank=True)
    build = models.CharField(max_length=100, blank=True)
    hair = models.CharField(max_length=200, blank=True)
    eyes = models.CharField(max_length=100, blank=True)
    distinguishing_marks = models.TextField(
        "distinguishing marks (scars, tattoos, piercings)", blank=True
    )
    photo = models.FileField(upload_to=photo_path, blank=True, max_length=200)
    photo_type = models.CharField(max_length=20, blank=True)  # image/jpeg or image/png
    associates = models.TextField("friends and associates", blank=True)
    places_frequented = models.TextField(blank=True)
    locations = models.ManyToManyField(
        "episodes.Location", blank=True, related_name="profile_versions"
    )
    vulnerabilities = models.TextField(blank=True)
    medication = models.TextField("medication and medical needs", blank=True)
    phones = models.TextField("phone numbers", blank=True)
    social_media = models.TextField("social media accounts", blank=True)
    transport = models.TextField("transport used", blank=True)
    missing_history = models.TextField("missing history", blank=True)
    provided_by = models.CharField("information given by (carer)", max_length=200)
    changed_fields = models.JSONField(default=list, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "number"],
                name="profile_version_unique_number",
                violation_error_message="This version of the profile has already been saved.",
            ),
        ]
        indexes = [models.Index(fields=["child", "saved_at"])]

    def __str__(self) -> str:
        return f"Pre-incident profile, version {self.number}"

    @property
    def changed_labels(self) -> list[str]:
        names = {f.name: str(f.verbose_name) for f in self._meta.get_fields() if f.concrete}
        names["locations"] = "places linked"
        return [names.get(name, name).capitalize() for name in self.changed_fields]
