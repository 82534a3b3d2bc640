"""Police intake: API keys per force, events received, download imports, identity review."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey

from homesafe.access.choices import OrganisationType
from homesafe.constraints import ChecksInOneQuery
from homesafe.intake.choices import (
    EpisodeTime,
    EventOutcome,
    ImportStatus,
    NotificationSource,
    PoliceEventType,
    ReviewStatus,
)

POLICE_ONLY = {"type": OrganisationType.POLICE}


class PoliceApiKey(AbstractAPIKey):
    """A police force's key for the API: it may only send events for its own force."""

    organisation = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="api_keys",
        limit_choices_to=POLICE_ONLY,
        verbose_name="police force",
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "police API key"
        verbose_name_plural = "police API keys"


class ForceMapping(models.Model):
    """How one force's download maps onto HomeSafe's standard columns and codes."""

    organisation = models.OneToOneField(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="intake_mapping",
        limit_choices_to=POLICE_ONLY,
        verbose_name="police force",
    )
    columns = models.JSONField(
        default=dict,
        blank=True,
        help_text='The force\'s column name to the standard column, e.g. {"URN": "police_reference"}.',
    )
    codes = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per standard column, the force\'s code to ours, e.g. {"risk": {"H": "high"}}.',
    )
    default_local_authority = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"type": OrganisationType.LOCAL_AUTHORITY},
        help_text="Where a child not known to anyone is recorded. Blank: the only local "
        "authority in the force's area, if there is exactly one.",
    )

    def __str__(self) -> str:
        return f"Mapping for {self.organisation}"


class PoliceEvent(models.Model):
    """One event received from a police system, with what HomeSafe did with it (never deleted)."""

    force = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=POLICE_ONLY,
    )
    police_reference = models.CharField(max_length=50)
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=20, choices=PoliceEventType.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict)
    outcome = models.CharField(max_length=20, choices=EventOutcome.choices)
    outcome_code = models.CharField(max_length=50, blank=True)
    outcome_message = models.CharField(max_length=500, blank=True)
    episode = models.ForeignKey(
        "episodes.MissingEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    client_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "police_reference", "event_id"],
                name="policeevent_idempotency_key",
                violation_error_message="This event has already been received.",
            )
        ]
        indexes = [models.Index(fields=["force", "police_reference", "outcome"])]

    def __str__(self) -> str:
        return f"{self.police_reference} {self.event_type} ({self.event_id})"


class PoliceReport(models.Model):
    """A police missing report as HomeSafe last applied it from a download (for re-imports)."""

    force = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=POLICE_ONLY,
        db_index=False,  # the unique (force, police_reference) index serves it
    )
    police_reference = models.CharField(max_length=50)
    state_hash = models.CharField(max_length=64)
    episode = models.ForeignKey(
        "episodes.MissingEpisode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "police_reference"],
                name="policereport_unique_reference",
                violation_error_message="This force's report is already recorded.",
            )
        ]

    def __str__(self) -> str:
        return self.police_reference


class IdentityReview(ChecksInOneQuery, models.Model):
    """A notification whose child is uncertain: the missing coordinator decides who it is."""

    force = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=POLICE_ONLY,
    )
    police_reference = models.CharField(max_length=50)
    source = models.CharField(max_length=10, choices=NotificationSource.choices)
    notification = models.JSONField(help_text="The notification in standard columns.")
    state_hash = models.CharField(max_length=64, blank=True)
    police_event = models.ForeignKey(
        PoliceEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "police_reference"],
                condition=Q(status=ReviewStatus.OPEN),
                name="identityreview_one_open_per_report",
                violation_error_message="This report is already waiting for review.",
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.OPEN) | Q(child__isnull=False),
                name="identityreview_resolved_has_child",
                violation_error_message="A resolved review names the child.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.police_reference} ({self.get_status_display()})"


class IdentityCandidate(models.Model):
    """A child suggested for a review, with how closely they match."""

    review = models.ForeignKey(IdentityReview, on_delete=models.CASCADE, related_name="candidates")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    reasons = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "child"],
                name="identitycandidate_unique",
                violation_error_message="The child is already a candidate.",
            )
        ]

    def __str__(self) -> str:
        return f"child {self.child_id}: {self.score:.0f}"


class ChildMerge(ChecksInOneQuery, models.Model):
    """Two records of the same child merged: the merged one is kept (the log refers to it)."""

    merged_child = models.OneToOneField(
        "people.Child", on_delete=models.PROTECT, related_name="merged_into"
    )
    kept_child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    moved = models.JSONField(default=dict, help_text="How many of each kind of row moved.")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_child=models.F("kept_child")),
                name="childmerge_two_children",
                violation_error_message="A record cannot be merged into itself.",
            )
        ]

    def __str__(self) -> str:
        return f"child {self.merged_child_id} merged into {self.kept_child_id}"


class PoliceImport(models.Model):
    """One police download file, uploaded on the import page: checked, confirmed, imported."""

    force = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=POLICE_ONLY,
    )
    organisation = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The uploader's organisation: who may see the import.",
    )
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEWING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    preview_counts = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    preview_report = models.TextField(blank=True)
    report = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Who uploaded it on the import page (none for `homesafe import_police`).",
    )
    uploaded_by_label = models.CharField(
        max_length=200,
        blank=True,
        help_text="A command-line import: who ran it, as its audit entries name them.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def can_import_again(self) -> bool:
        """An import that stopped part way (its worker was killed) after a successful check:
        confirming it again finishes it (rows already imported are unchanged)."""
        return self.status == ImportStatus.FAILED and bool(self.preview_report)

    @property
    def percent_done(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class PoliceTimeCorrection(ChecksInOneQuery, models.Model):
    """A time of an episode that the police's own record replaced: the episode's history of it."""

    episode = models.ForeignKey(
        "episodes.MissingEpisode",
        on_delete=models.PROTECT,
        related_name="police_time_corrections",
        db_index=False,  # the (episode, corrected_at) index serves it
    )
    time = models.CharField(max_length=20, choices=EpisodeTime.choices)
    before = models.DateTimeField(help_text="The time HomeSafe held, replaced.")
    after = models.DateTimeField(help_text="The police's time, now the episode's.")
    source = models.CharField(max_length=10, choices=NotificationSource.choices)
    corrected_at = models.DateTimeField(default=timezone.now)
    to_screen = models.BooleanField(
        help_text="It moved the time by more than an hour: on the daily screening list until "
        "the missing coordinator has looked."
    )

    class Meta:
        ordering = ["corrected_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(before=models.F("after")),
                name="policetimecorrection_changes_the_time",
                violation_error_message="A correction changes the time.",
            )
        ]
        indexes = [
            models.Index(fields=["episode", "corrected_at"]),
            models.Index(
                fields=["corrected_at"],
                condition=Q(to_screen=True),
                name="policetime_to_screen_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_time_display()} corrected by the police ({self.get_source_display()})"

    @property
    def sentence(self) -> str:
        """'Last seen changed from 01/03/2026 09:00 to 01/03/2026 06:30 by the police download'."""
        by = (
            "the police download"
            if self.source == NotificationSource.DOWNLOAD
            else "the police API"
        )
        fmt = "%d/%m/%Y %H:%M"
        return (
            f"{self.get_time_display()} changed from {timezone.localtime(self.before):{fmt}} "
            f"to {timezone.localtime(self.after):{fmt}} by {by}"
        )
