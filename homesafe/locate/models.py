"""The search for a missing child: the plan for finding them (actions by agency), sightings
and leads, publicity, contacts with Missing People and the UK Missing Persons Unit, and the
police Safe and Well (prevention) interview on return. Everything belongs to one episode and
is seen by whoever may see the episode (homesafe.locate.policy)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from homesafe.constraints import ChecksInOneQuery
from homesafe.locate.choices import (
    LocateActionKind,
    MissingAgency,
    PublicityConsent,
    PublicityDecisionKind,
    SightingKind,
    SightingSource,
)


class LocateAction(ChecksInOneQuery, models.Model):
    """An action of the plan for finding a missing child, owned by one agency."""

    episode = models.ForeignKey(
        "episodes.MissingEpisode", on_delete=models.CASCADE, related_name="locate_actions"
    )
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=LocateActionKind.choices)
    description = models.CharField("what to do", max_length=500)
    owner_organisation = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="agency that acts",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | ~Q(outcome=""),
                name="locate_action_done_with_outcome",
                violation_error_message="A done action says what came of it.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Sighting(ChecksInOneQuery, models.Model):
    """A sighting of, or a lead about, a child while missing, from any agency or the police."""

    episode = models.ForeignKey(
        "episodes.MissingEpisode", on_delete=models.CASCADE, related_name="sightings"
    )
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        max_length=10, choices=SightingKind.choices, default=SightingKind.SIGHTING
    )
    seen_at = models.DateTimeField("seen or heard of at")
    location = models.ForeignKey(
        "episodes.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=20, choices=SightingSource.choices)
    source_detail = models.CharField("who exactly", max_length=200, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A police system's label when it came from the police API (homesafe.intake).
    recorded_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The last change (services.sighting_change; the audit log holds every change's fields).
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Removed (recorded in error, say): kept, out of the search and the maps, with who and why.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["seen_at", "pk"]
        indexes = [models.Index(fields=["episode", "seen_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                name="locate_sighting_removed_with_reason",
                violation_error_message="Say why the sighting is removed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.seen_at):%d/%m/%Y %H:%M}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class Publicity(ChecksInOneQuery, models.Model):
    """Publicity considered for a missing child: the decision, who approved it, the channels,
    whose consent, and its withdrawal (due once the child returns)."""

    episode = models.ForeignKey(
        "episodes.MissingEpisode", on_delete=models.CASCADE, related_name="publicity"
    )
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    decision = models.CharField(max_length=20, choices=PublicityDecisionKind.choices)
    approved_by = models.CharField("approved by (name and role)", max_length=200, blank=True)
    channels = models.JSONField(default=list, blank=True)
    consent = models.CharField(max_length=20, choices=PublicityConsent.choices, blank=True)
    reasons = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200, blank=True)  # a police system's
    # The API client's key for this record (`force:FA:<key>` or `user:<id>:<key>`): sending it
    # again records nothing more (homesafe.api.locate).
    client_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name_plural = "publicity"
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"],
                condition=~Q(client_key=""),
                name="publicity_client_key_once",
            ),
            models.CheckConstraint(
                condition=Q(decision=PublicityDecisionKind.NOT_APPROVED)
                | (~Q(approved_by="") & ~Q(consent="")),
                name="publicity_approved_by_and_consent",
                violation_error_message="Approved publicity says who approved it and whose "
                "consent it had.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(decision=PublicityDecisionKind.APPROVED, withdrawn_at__gte=F("decided_at")),
                name="publicity_withdrawn_after_approval",
                violation_error_message="Only approved publicity is withdrawn, after it was "
                "approved.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {timezone.localtime(self.decided_at):%d/%m/%Y}"

    @property
    def is_live(self) -> bool:
        return self.decision == PublicityDecisionKind.APPROVED and self.withdrawn_at is None

    @property
    def channel_labels(self) -> list[str]:
        from homesafe.locate.choices import PublicityChannel

        return [PublicityChannel(c).label for c in self.channels]


class MissingAgencyContact(models.Model):
    """Missing People (the charity) or the UK Missing Persons Unit contacted about the child."""

    episode = models.ForeignKey(
        "episodes.MissingEpisode", on_delete=models.CASCADE, related_name="agency_contacts"
    )
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=30, choices=MissingAgency.choices)
    contacted_at = models.DateTimeField()
    reference = models.CharField("their reference", max_length=100, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200, blank=True)  # a police system's
    # The API client's key for this record (`force:FA:<key>` or `user:<id>:<key>`): sending it
    # again records nothing more (homesafe.api.locate).
    client_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contacted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"],
                condition=~Q(client_key=""),
                name="agency_contact_client_key_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} {timezone.localtime(self.contacted_at):%d/%m/%Y}"


class SafeAndWellCheck(ChecksInOneQuery, models.Model):
    """The police Safe and Well (prevention) interview on the child's return, with its findings.
    Not the return home interview (homesafe.interviews)."""

    episode = models.OneToOneField(
        "episodes.MissingEpisode", on_delete=models.CASCADE, related_name="safe_and_well"
    )
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField()
    police_force = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer = models.CharField("officer (name or number)", max_length=200, blank=True)
    findings = models.TextField()
    harm_disclosed = models.BooleanField(default=False)
    exploitation_indicators = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=200, blank=True)
    # The API client's key for this record (`force:FA:<key>` or `user:<id>:<key>`): sending it
    # again records nothing more (homesafe.api.locate).
    client_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Safe and Well check"
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"],
                condition=~Q(client_key=""),
                name="safe_and_well_client_key_once",
            ),
            models.CheckConstraint(
                condition=~Q(findings=""),
                name="safe_and_well_has_findings",
                violation_error_message="A Safe and Well check records its findings.",
            ),
        ]

    def __str__(self) -> str:
        return f"Safe and Well {timezone.localtime(self.held_at):%d/%m/%Y %H:%M}"
