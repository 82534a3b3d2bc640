from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from homesafe.concerns.choices import (
    ConcernKind,
    DisruptionKind,
    LegalActionKind,
    LinkKind,
    NrmDecision,
    PersonKind,
)
from homesafe.constraints import ChecksInOneQuery


class PersonOfConcern(ChecksInOneQuery, models.Model):
    """An adult or peer who may pose a risk to children, known through the children linked to them.

    Visible only to people who may see at least one linked child (concerns.queries)."""

    name = models.CharField(max_length=200)
    aliases = models.CharField("other names or nicknames", max_length=500, blank=True)
    kind = models.CharField(max_length=10, choices=PersonKind.choices, default=PersonKind.ADULT)
    date_of_birth = models.DateField(null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "persons of concern"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(approximate_age__isnull=True),
                name="person_of_concern_dob_or_age",
                violation_error_message="Give a date of birth or an approximate age, not both.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PersonLink(ChecksInOneQuery, models.Model):
    """A person of concern linked to a child: through an episode, an interview, a meeting."""

    person = models.ForeignKey(PersonOfConcern, on_delete=models.CASCADE, related_name="links")
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="concern_person_links"
    )
    episode = models.ForeignKey(
        "episodes.MissingEpisode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concern_person_links",
    )
    kind = models.CharField(max_length=30, choices=LinkKind.choices)
    # The record the link came from, by key: the return interview that named the person, or
    # the meeting that discussed them (about this child). Otherwise a free reference.
    interview = models.ForeignKey(
        "interviews.ReturnInterview",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="person_links",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="person_links",
    )
    reference = models.CharField(
        max_length=200, blank=True, help_text="Which interview or meeting, in your own words."
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["child", "person"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(interview__isnull=True) | Q(meeting__isnull=True),
                name="personlink_one_source",
                violation_error_message="A link comes from an interview or a meeting, not both.",
            ),
            models.CheckConstraint(
                condition=Q(interview__isnull=True) | Q(kind=LinkKind.NAMED_IN_INTERVIEW),
                name="personlink_interview_kind",
                violation_error_message="A link from an interview is 'named in an interview'.",
            ),
            models.CheckConstraint(
                condition=Q(meeting__isnull=True) | Q(kind=LinkKind.DISCUSSED_AT_MEETING),
                name="personlink_meeting_kind",
                violation_error_message="A link from a meeting is 'discussed at a meeting'.",
            ),
            models.UniqueConstraint(
                fields=["person", "child", "interview"],
                condition=Q(interview__isnull=False),
                name="personlink_once_per_interview",
                violation_error_message="The person is already linked by this interview.",
            ),
            models.UniqueConstraint(
                fields=["person", "child", "meeting"],
                condition=Q(meeting__isnull=False),
                name="personlink_once_per_meeting",
                violation_error_message="The person is already linked by this meeting.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def source_label(self) -> str:
        """The interview or meeting the link came from (by key), or the free reference."""
        if self.interview_id:
            held = self.interview.held_at
            return "Return interview" + (
                f" of {timezone.localtime(held):%-d %b %Y}" if held else ""
            )
        if self.meeting_id:
            when = timezone.localtime(self.meeting.when)
            return f"{self.meeting.get_kind_display()} of {when:%-d %b %Y}"
        return self.reference

    @property
    def source_url(self) -> str:
        if self.interview_id:
            return reverse("interviews:detail", args=[self.interview.episode_id])
        if self.meeting_id:
            return reverse("meetings:detail", args=[self.meeting_id])
        return ""


class LocationLink(models.Model):
    """A location of concern (an episodes.Location) linked to a child, and perhaps an episode."""

    location = models.ForeignKey(
        "episodes.Location", on_delete=models.PROTECT, related_name="concern_links"
    )
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="concern_location_links"
    )
    episode = models.ForeignKey(
        "episodes.MissingEpisode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concern_location_links",
    )
    kind = models.CharField(max_length=30, choices=LinkKind.choices)
    reference = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["child", "location"])]

    def __str__(self) -> str:
        return self.get_kind_display()


class DisruptionAction(ChecksInOneQuery, models.Model):
    """A disruption tactic used to protect a child: a CAWN, an arrest, or another action."""

    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="disruption_actions"
    )
    episode = models.ForeignKey(
        "episodes.MissingEpisode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disruption_actions",
    )
    person = models.ForeignKey(
        PersonOfConcern,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disruption_actions",
    )
    kind = models.CharField(max_length=10, choices=DisruptionKind.choices)
    kind_other = models.CharField("other action", max_length=200, blank=True)
    taken_on = models.DateField("date")
    agency = models.ForeignKey("access.Organisation", on_delete=models.PROTECT, related_name="+")
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=DisruptionKind.OTHER) | Q(person__isnull=False),
                name="disruption_against_a_person",
                violation_error_message="A warning notice or an arrest is against a person of concern.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DisruptionKind.OTHER) | ~Q(kind_other=""),
                name="disruption_other_described",
                violation_error_message="Say what the other action was.",
            ),
        ]

    def __str__(self) -> str:
        return self.kind_other or self.get_kind_display()


class LegalAction(ChecksInOneQuery, models.Model):
    """A recovery order (applied, granted), an NRM referral (reasonable and conclusive grounds
    decisions) or a referral to MACE for a child, and perhaps the episode it was for."""

    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="legal_actions"
    )
    episode = models.ForeignKey(
        "episodes.MissingEpisode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_actions",
    )
    kind = models.CharField(max_length=20, choices=LegalActionKind.choices)
    applied_on = models.DateField("applied for or referred on")
    granted_on = models.DateField("recovery order granted on", null=True, blank=True)
    reasonable_grounds = models.CharField(
        "reasonable grounds decision", max_length=10, choices=NrmDecision.choices, blank=True
    )
    reasonable_grounds_on = models.DateField(null=True, blank=True)
    conclusive_grounds = models.CharField(
        "conclusive grounds decision", max_length=10, choices=NrmDecision.choices, blank=True
    )
    conclusive_grounds_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_on__isnull=True) | Q(granted_on__gte=F("applied_on")),
                name="legal_granted_after_applied",
                violation_error_message="An order cannot be granted before it was applied for.",
            ),
            models.CheckConstraint(
                condition=Q(kind=LegalActionKind.RECOVERY_ORDER) | Q(granted_on__isnull=True),
                name="legal_only_orders_granted",
                violation_error_message="Only a recovery order is granted.",
            ),
            models.CheckConstraint(
                condition=Q(kind=LegalActionKind.NRM_REFERRAL)
                | Q(reasonable_grounds="", conclusive_grounds=""),
                name="legal_only_nrm_decisions",
                violation_error_message="Grounds decisions belong to an NRM referral.",
            ),
            models.CheckConstraint(
                condition=Q(reasonable_grounds="", reasonable_grounds_on__isnull=True)
                | (~Q(reasonable_grounds="") & Q(reasonable_grounds_on__isnull=False)),
                name="legal_reasonable_grounds_dated",
                violation_error_message="A reasonable grounds decision has a date.",
            ),
            models.CheckConstraint(
                condition=Q(conclusive_grounds="", conclusive_grounds_on__isnull=True)
                | (~Q(conclusive_grounds="") & Q(conclusive_grounds_on__isnull=False)),
                name="legal_conclusive_grounds_dated",
                violation_error_message="A conclusive grounds decision has a date.",
            ),
            models.CheckConstraint(
                condition=Q(conclusive_grounds="") | Q(reasonable_grounds=NrmDecision.POSITIVE),
                name="legal_conclusive_after_positive_reasonable",
                violation_error_message=(
                    "A conclusive grounds decision follows a positive reasonable grounds decision."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class EpisodeConcern(models.Model):
    """An exploitation or trafficking concern a professional raised about a missing episode
    after its report: when and by whom. It plans consider_mace / consider_nrm from then."""

    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="episode_concerns"
    )
    episode = models.ForeignKey(
        "episodes.MissingEpisode", on_delete=models.PROTECT, related_name="raised_concerns"
    )
    kind = models.CharField(max_length=20, choices=ConcernKind.choices)
    raised_at = models.DateTimeField()
    note = models.TextField("why the concern is raised", blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "kind"],
                name="episodeconcern_once_per_episode",
                violation_error_message="This concern is already raised on the episode.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} concern"
