from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from homesafe.access.choices import OrganisationType
from homesafe.constraints import ChecksInOneQuery
from homesafe.episodes.choices import (
    EpisodeStatus,
    EpisodeType,
    FoundBy,
    LocationKind,
    ReportedBy,
    RiskGrade,
)
from homesafe.indexes import index_where_set
from homesafe.people.validators import validate_postcode


class Location(ChecksInOneQuery, models.Model):
    """A place: where a child was last seen, found, stayed, or an address of concern."""

    kind = models.CharField(max_length=30, choices=LocationKind.choices, default=LocationKind.OTHER)
    description = models.CharField(
        max_length=300, blank=True, help_text="A name or description, like 'Victoria bus station'."
    )
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(description="", address="", postcode=""),
                name="location_described",
                violation_error_message="A location needs a description, an address or a postcode.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_both_coordinates",
                violation_error_message="A location has both a latitude and a longitude, or neither.",
            ),
        ]
        indexes = [models.Index(fields=["postcode"])]

    def __str__(self) -> str:
        parts = [self.description, self.address, self.postcode]
        return ", ".join(p for p in parts if p)


class MissingEpisode(ChecksInOneQuery, models.Model):
    """One period of a child being missing or away: from last seen to found or returned."""

    # No index of its own for `child` and `police_force`: the composite indexes in Meta start
    # with them and serve the same lookups (one index fewer to keep up on every insert).
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="episodes", db_index=False
    )
    episode_type = models.CharField(max_length=1, choices=EpisodeType.choices)
    status = models.CharField(
        max_length=10, choices=EpisodeStatus.choices, default=EpisodeStatus.MISSING
    )
    last_seen_at = models.DateTimeField()
    last_seen_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField("reported to police at")
    police_force = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="episodes_reported",
        null=True,
        blank=True,
        limit_choices_to={"type": OrganisationType.POLICE},
        db_index=False,
    )
    police_reference = models.CharField(max_length=50, blank=True)
    circumstances = models.TextField("what happened before", blank=True)
    description_and_clothing = models.TextField(blank=True)
    reported_by = models.CharField(max_length=20, choices=ReportedBy.choices)
    reported_by_name = models.CharField(max_length=200, blank=True)
    pre_planned = models.BooleanField(default=False)
    pre_planned_indicators = models.JSONField(default=list, blank=True)
    exploitation_concern = models.BooleanField(
        default=False,
        help_text="Concern that the child is being exploited (CSE, CCE, county lines).",
    )
    trafficking_concern = models.BooleanField(
        default=False, help_text="Concern that the child has been trafficked (consider the NRM)."
    )
    returned_at = models.DateTimeField("found or returned at", null=True, blank=True)
    found_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_by = models.CharField(max_length=20, choices=FoundBy.choices, blank=True)
    stayed_where = models.CharField("where the child stayed", max_length=300, blank=True)
    stayed_with = models.CharField("who the child stayed with", max_length=300, blank=True)
    police_closed_reason = models.CharField(
        "police closing reason",
        max_length=200,
        blank=True,
        help_text="Why the police closed their missing-person report, in the force's words.",
    )
    police_closed_at = models.DateTimeField("police report closed at", null=True, blank=True)
    # Recorded in error (status "voided", docs/adr/0004): who said so, when and why.
    voided_at = models.DateTimeField("recorded in error at", null=True, blank=True)
    # `voided_by` and `created_by` are indexed only where set (Meta.indexes): a new episode has
    # no voider, and one a police import or an API client recorded no person.
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    void_reason = models.CharField("why it was recorded in error", max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=F("last_seen_at")),
                name="episode_return_after_last_seen",
                violation_error_message="The return cannot be before the child was last seen.",
            ),
            models.CheckConstraint(
                condition=Q(status=EpisodeStatus.MISSING, returned_at__isnull=True)
                | Q(status=EpisodeStatus.RETURNED, returned_at__isnull=False)
                | Q(status=EpisodeStatus.VOIDED),
                name="episode_status_matches_return",
                violation_error_message="A returned episode has a return time; an open one has none.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=EpisodeStatus.VOIDED, voided_at__isnull=False) & ~Q(void_reason="")
                )
                | (~Q(status=EpisodeStatus.VOIDED) & Q(voided_at__isnull=True)),
                name="episode_voided_with_reason",
                violation_error_message="An episode recorded in error says when and why; "
                "no other episode does.",
            ),
            models.UniqueConstraint(
                fields=["police_force", "police_reference"],
                condition=~Q(police_reference=""),
                name="episode_unique_police_reference",
                violation_error_message="An episode with this police reference already exists.",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "-last_seen_at"]),
            models.Index(fields=["status", "last_seen_at"]),
            models.Index(fields=["police_force", "reported_at"]),
            # The insight figures select a period's episodes by the report's time across
            # forces (homesafe.insight.figures.period_episodes; bench/bench_insight.py).
            models.Index(fields=["reported_at"], name="episode_reported_at"),
            index_where_set("voided_by", name="episode_voided_by"),
            index_where_set("created_by", name="episode_created_by"),
        ]

    def __str__(self) -> str:
        return f"{self.get_episode_type_display()} from {timezone.localtime(self.last_seen_at):%d/%m/%Y %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status == EpisodeStatus.MISSING

    @property
    def is_voided(self) -> bool:
        return self.status == EpisodeStatus.VOIDED

    @property
    def duration(self):
        end = self.returned_at or timezone.now()
        return end - self.last_seen_at


class RiskGrading(models.Model):
    """A police risk grading of an episode; the newest is the current one (history kept)."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="gradings")
    grade = models.CharField(max_length=20, choices=RiskGrade.choices)
    graded_at = models.DateTimeField()
    rationale = models.TextField(blank=True)
    # Indexed only where set (Meta.indexes): a grading from the police's own systems has none.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-graded_at", "-id"]
        get_latest_by = ["graded_at", "id"]
        indexes = [index_where_set("recorded_by", name="riskgrading_recorded_by")]

    def __str__(self) -> str:
        return self.get_grade_display()


class EpisodeCorrection(ChecksInOneQuery, models.Model):
    """A correction of an episode's details, with the reason and the values before and after."""

    episode = models.ForeignKey(
        MissingEpisode, on_delete=models.CASCADE, related_name="corrections"
    )
    corrected_at = models.DateTimeField(default=timezone.now)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The API client that corrected it, when not a person (a police system's label).
    corrected_by_label = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=1000)
    # {field: [before, after]}, each value as the page shows it (times in ISO 8601, codes).
    changes = models.JSONField()

    class Meta:
        ordering = ["-corrected_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="episode_correction_has_reason",
                violation_error_message="A correction says why it was made.",
            )
        ]

    def __str__(self) -> str:
        return f"Correction of {self.episode} at {timezone.localtime(self.corrected_at):%d/%m/%Y %H:%M}"
