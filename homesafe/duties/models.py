from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homesafe.constraints import ChecksInOneQuery
from homesafe.duties.choices import (
    DUTY_KIND_CHOICES,
    DUTY_LABELS,
    NOTICE_TEXT,
    OWNER_ROLE_CHOICES,
    DutyEventKind,
    DutyState,
    MessageChannel,
    MessageState,
    ReminderKind,
    ReminderState,
)
from homesafe.indexes import index_where_set


class ProtocolVersion(models.Model):
    """One version of the local protocol's settings (TOML); the newest active one is in force."""

    # A hash of the settings' content: the same settings saved again (going back to earlier
    # ones, or a council adopting the partnership's) have the same version.
    version = models.CharField(max_length=64)
    local_authority = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protocol_versions",
        help_text="A council's own settings (blank: the partnership's, for every council "
        "without its own).",
    )
    settings_toml = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    duties_from = models.DateTimeField(
        help_text="Duties are planned for episodes reported from this time on; earlier episodes "
        "still count as history (e.g. for the repeat threshold)."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Protocol {self.version} ({self.created_at:%d/%m/%Y})"


class Duty(ChecksInOneQuery, models.Model):
    """Something that must be done for a child by a set time, planned by the protocol engine."""

    # No index of their own where a composite index leads with the column, and those mostly
    # empty indexed only where set (Meta): each index is written for every duty a re-plan
    # creates or changes (bench/bench_duties_replan.py, bench/bench_intake.py's worker).
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="duties", db_index=False
    )
    episode = models.ForeignKey(
        "episodes.MissingEpisode", on_delete=models.PROTECT, related_name="duties", db_index=False
    )
    kind = models.CharField(max_length=40, choices=DUTY_KIND_CHOICES)
    state = models.CharField(max_length=12, choices=DutyState.choices, default=DutyState.OPEN)
    due_at = models.DateTimeField()
    owner_role = models.CharField(max_length=30, choices=OWNER_ROLE_CHOICES)
    owner_organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="duties", db_index=False
    )
    owner_team = models.ForeignKey(
        "access.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duties",
        db_index=False,
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duties",
        db_index=False,
    )
    # Whom a notification or alert tells (never the owner), resolved from the child's record.
    tells_role = models.CharField(max_length=30, choices=OWNER_ROLE_CHOICES, blank=True)
    told_organisation = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duties_told",
        db_index=False,
    )
    told_team = models.ForeignKey(
        "access.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    told_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duties_told",
        db_index=False,
    )
    told_at = models.DateTimeField(
        null=True, blank=True, help_text="When the told party was told (in HomeSafe or by message)."
    )
    needs_owner = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why nobody could be named to act (or to be told): the missing coordinator "
        "chooses.",
    )
    assigned_by_person = models.BooleanField(
        default=False, help_text="Reassigned by a person: replanning keeps this owner."
    )
    rule = models.CharField(max_length=60)
    reason = models.CharField(max_length=500)
    protocol_version = models.CharField(max_length=64)
    planned_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    closing_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["due_at", "kind"]
        verbose_name_plural = "duties"
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "kind"],
                name="duty_one_per_episode_and_kind",
                violation_error_message="This episode already has a duty of this kind.",
            ),
            models.CheckConstraint(
                condition=Q(state=DutyState.OPEN, closed_at__isnull=True)
                | (~Q(state=DutyState.OPEN) & Q(closed_at__isnull=False)),
                name="duty_closed_iff_not_open",
                violation_error_message="A done or not-needed duty has a closing time; an open one has none.",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            index_where_set("owner_user", "state", "due_at", name="duty_owner_user_state_due"),
            models.Index(fields=["owner_organisation", "owner_role", "state", "due_at"]),
            models.Index(fields=["child", "state"]),
            # Only where set: most duties name no team, told party or closer (a lookup by
            # one of them, as a deletion's protection makes, still uses these).
            *(
                index_where_set(name, name=f"duty_{name}")
                for name in (
                    "owner_team",
                    "told_organisation",
                    "told_team",
                    "told_user",
                    "closed_by",
                )
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return DUTY_LABELS.get(self.kind, self.kind)

    @property
    def is_open(self) -> bool:
        return self.state == DutyState.OPEN

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at < (now or timezone.now())


class PlanFingerprint(models.Model):
    """What a child's last re-plan read, kept where it changed nothing (homesafe.duties.replan)."""

    # A re-plan that reads the same again (the child's facts, their stored duties, the protocol
    # version and the time-bound rules) would change nothing again, so it skips the engine.
    child = models.OneToOneField(
        "people.Child", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    fingerprint = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"Plan fingerprint of child {self.child_id}"


class DutyEvent(models.Model):
    """The history of a duty: planned, re-planned, reassigned, completed, closed, reminded."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, choices=DutyEventKind.choices)
    # Indexed only where set (Meta): a re-plan's events name no person.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # The person the event concerns, where not the actor: whom a duty was reassigned to, who
    # was reminded. The history names them (and their organisation) from this, not from ids.
    about_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            index_where_set(name, name=f"dutyevent_{name}") for name in ("actor", "about_user")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%d/%m/%Y %H:%M}"


class Reminder(models.Model):
    """A reminder to one person about one duty: reserved once (unique), then sent (e-mail and in-app)."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders"
    )
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    due_at = models.DateTimeField(
        help_text="The duty's due time when reminded: a re-planned duty is reminded again."
    )
    state = models.CharField(
        max_length=10, choices=ReminderState.choices, default=ReminderState.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "recipient", "kind", "due_at"],
                name="reminder_once",
                violation_error_message="This reminder has already been sent.",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.duty}"


class Notice(models.Model):
    """A told person's notice of a notification or alert: delivered in HomeSafe, acknowledged."""

    # Indexed by the unique (duty, recipient) and by (recipient, acknowledged_at) (Meta).
    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="notices", db_index=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the e-mail saying there is a notice was sent, or settled as never to "
        "be sent (history, or a person with no e-mail).",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "recipient"],
                name="notice_once_per_person",
                violation_error_message="This person has already been told.",
            )
        ]
        indexes = [models.Index(fields=["recipient", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"Notice: {self.duty}"

    @property
    def text(self) -> str:
        return NOTICE_TEXT.get(self.duty.kind, self.duty.label)


class OutboundMessage(ChecksInOneQuery, models.Model):
    """One attempt to tell a notification's told party from outside HomeSafe, by e-mail."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="messages")
    contact = models.ForeignKey(
        "access.OrganisationContact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The directory's contact it went to (empty if removed from the directory since).",
    )
    to_address = models.EmailField("sent to")
    to_label = models.CharField(
        max_length=300,
        help_text="Whom it went to, as the history names them: contact at organisation.",
    )
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    state = models.CharField(
        max_length=10, choices=MessageState.choices, default=MessageState.SENDING
    )
    token = models.CharField(
        max_length=64,
        unique=True,
        help_text="The sending form's one-time token: a second submission of the same form "
        "finds this row and sends nothing.",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=500, blank=True, help_text="What the provider said.")
    provider_reference = models.CharField(
        max_length=200, blank=True, help_text="The Message-ID, or GOV.UK Notify's notification id."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["duty"],
                condition=Q(state=MessageState.SENT),
                name="outboundmessage_sent_once_per_duty",
                violation_error_message="This notification has already been sent.",
            ),
            models.UniqueConstraint(
                fields=["duty"],
                condition=Q(state=MessageState.SENDING),
                name="outboundmessage_one_sending_per_duty",
                violation_error_message="This notification is being sent.",
            ),
            models.CheckConstraint(
                condition=Q(state=MessageState.SENT, sent_at__isnull=False)
                | (~Q(state=MessageState.SENT) & Q(sent_at__isnull=True)),
                name="outboundmessage_sent_iff_sent_at",
                violation_error_message="A sent message has a sending time; no other has one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.duty} to {self.to_label}"
