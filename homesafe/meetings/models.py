from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homesafe.constraints import ChecksInOneQuery
from homesafe.meetings.choices import (
    Attendance,
    DifferenceStage,
    DifferenceStatus,
    DifferenceSubject,
    FulfilledDuty,
    MeetingKind,
    MeetingStatus,
    NoteKind,
)


class Meeting(ChecksInOneQuery, models.Model):
    """A strategy, multi-agency, MACE or missing-panel meeting about one or more children."""

    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    local_authority = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="meetings_convened",
        help_text="The local authority that convened the meeting.",
    )
    planned_for = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    chair_name = models.CharField("chair", max_length=200)
    chair_organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    children = models.ManyToManyField(
        "people.Child", through="MeetingChild", related_name="meetings"
    )
    locations = models.ManyToManyField(
        "episodes.Location", blank=True, related_name="meetings", verbose_name="places discussed"
    )
    persons_discussed = models.TextField(
        "persons of concern discussed",
        blank=True,
        help_text="Adults or peers discussed, as the meeting described them.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.HELD) | Q(held_at__isnull=False),
                name="meeting_held_has_time",
                violation_error_message="A held meeting records when it was held.",
            ),
            models.CheckConstraint(
                condition=Q(held_at__isnull=False) | Q(planned_for__isnull=False),
                name="meeting_has_time",
                violation_error_message="A meeting records when it is planned for or was held.",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status", "held_at"])]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def when(self):
        return self.held_at or self.planned_for


class MeetingChild(models.Model):
    """A child discussed at a meeting, with the missing episodes the discussion concerns."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="child_links")
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="meeting_links"
    )
    episodes = models.ManyToManyField(
        "episodes.MissingEpisode", blank=True, related_name="meeting_links"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "child"],
                name="meetingchild_unique",
                violation_error_message="The child is already part of this meeting.",
            )
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id} at meeting {self.meeting_id}"


class MeetingFulfilment(models.Model):
    """A duty of one of the child's episodes that the meeting fulfils once it is held (the
    episode's strategy meeting, or the multi-agency meeting after repeat episodes): the duty is
    done when the meeting is held (homesafe.meetings.facts)."""

    link = models.ForeignKey(MeetingChild, on_delete=models.CASCADE, related_name="fulfilments")
    episode = models.ForeignKey(
        "episodes.MissingEpisode", on_delete=models.CASCADE, related_name="meeting_fulfilments"
    )
    duty = models.CharField(max_length=30, choices=FulfilledDuty.choices)

    class Meta:
        ordering = ["episode_id", "duty"]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "episode", "duty"],
                name="meetingfulfilment_unique",
                violation_error_message="The meeting already fulfils this duty of the episode.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_duty_display()} (episode {self.episode_id})"


class MeetingInvitation(models.Model):
    """An agency invited to a meeting, and whether it attended."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="meeting_invitations"
    )
    attendance = models.CharField(
        max_length=12, choices=Attendance.choices, default=Attendance.NO_RESPONSE
    )
    attendee_name = models.CharField("who attended", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                name="meetinginvitation_unique",
                violation_error_message="This agency is already invited.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_attendance_display()}"


class MeetingNote(ChecksInOneQuery, models.Model):
    """A decision made or a risk identified at a meeting: about one child, or the whole meeting
    (a locality MACE's places and patterns). Parts about a child are seen only by those who may
    see that child."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=NoteKind.choices)
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="meetingnote_has_text",
                violation_error_message="A decision or risk has words.",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class MeetingAction(ChecksInOneQuery, models.Model):
    """An action agreed at a meeting, owned by an agency (and optionally a person), followed up."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    child = models.ForeignKey(
        "people.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_actions",
        help_text="The child the action is about (none: the whole meeting).",
    )
    description = models.TextField()
    owner_organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="meeting_actions"
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_actions",
    )
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completion_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_by__isnull=False),
                name="meetingaction_completed_by_someone",
                violation_error_message="A completed action records who completed it.",
            )
        ]
        indexes = [models.Index(fields=["owner_organisation", "completed_at", "due_on"])]

    def __str__(self) -> str:
        return f"Action due {self.due_on:%d/%m/%Y}"

    @property
    def is_overdue(self) -> bool:
        return self.completed_at is None and self.due_on < timezone.localdate()


class ProfessionalDifference(ChecksInOneQuery, models.Model):
    """An escalation when agencies disagree about a child (the partnership's policy for
    resolving professional differences): who raised it, with whom, about what, how far it went
    and how it ended."""

    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="professional_differences"
    )
    raised_at = models.DateTimeField()
    raised_by_name = models.CharField("raised by", max_length=200)
    raised_by_organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    raised_with_organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=20, choices=DifferenceSubject.choices)
    detail = models.TextField("what the difference is about")
    stage = models.CharField(
        max_length=20, choices=DifferenceStage.choices, default=DifferenceStage.PRACTITIONER
    )
    status = models.CharField(
        max_length=10, choices=DifferenceStatus.choices, default=DifferenceStatus.OPEN
    )
    outcome = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DifferenceStatus.RESOLVED)
                | (Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="difference_resolved_has_outcome",
                violation_error_message="A resolved difference records when and how.",
            ),
            models.CheckConstraint(
                condition=~Q(raised_by_organisation=models.F("raised_with_organisation")),
                name="difference_between_two_agencies",
                violation_error_message="A professional difference is between two agencies.",
            ),
        ]

    def __str__(self) -> str:
        return f"Professional difference ({self.get_status_display().lower()})"


class DifferenceStep(models.Model):
    """One stage an escalation reached, and when."""

    difference = models.ForeignKey(
        ProfessionalDifference, on_delete=models.CASCADE, related_name="steps"
    )
    stage = models.CharField(max_length=20, choices=DifferenceStage.choices)
    reached_at = models.DateTimeField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["reached_at", "id"]

    def __str__(self) -> str:
        return self.get_stage_display()
