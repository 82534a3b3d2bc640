from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homesafe.access.choices import AuditVerb, ContactTakes, OrganisationType, Role
from homesafe.constraints import ChecksInOneQuery
from homesafe.indexes import index_where_set


class Organisation(ChecksInOneQuery, models.Model):
    """An agency in the partnership: a local authority, police force, school, health or RHI service."""

    type = models.CharField(max_length=20, choices=OrganisationType.choices)
    code = models.CharField(
        max_length=20,
        unique=True,
        help_text="Short code used by partners' systems: the DfE LA code for a local authority, "
        "the force code for a police force, the URN for a school.",
    )
    name = models.CharField(max_length=200)
    police_force = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="force_area_organisations",
        limit_choices_to={"type": OrganisationType.POLICE},
        help_text="For a local authority: the police force whose area covers it.",
    )
    local_authority = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_organisations",
        limit_choices_to={"type": OrganisationType.LOCAL_AUTHORITY},
        help_text="For a school, health or RHI service: the local authority it works with.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["type", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(police_force__isnull=True) | Q(type=OrganisationType.LOCAL_AUTHORITY),
                name="organisation_force_only_for_la",
                violation_error_message="Only a local authority has a police force area.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_local_authority(self) -> bool:
        return self.type == OrganisationType.LOCAL_AUTHORITY


class Team(models.Model):
    """A social work team inside a local authority, grouped into services."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="teams",
        limit_choices_to={"type": OrganisationType.LOCAL_AUTHORITY},
    )
    name = models.CharField(max_length=200)
    service = models.CharField(
        max_length=200, help_text="The service the team belongs to, e.g. Children in Care."
    )

    class Meta:
        ordering = ["organisation", "service", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="team_unique_name_per_organisation",
                violation_error_message="This organisation already has a team with that name.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.service})"


class HomeSafeUserManager(UserManager):
    """Users sign in with their e-mail address; usernames are not used."""

    def _create_user(self, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: belongs to one organisation and holds roles there."""

    username = None
    email = models.EmailField("e-mail address", unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    job_title = models.CharField(max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = HomeSafeUserManager()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def delete(self, *args, **kwargs):
        raise PermissionError("Users are deactivated, never deleted: the audit log refers to them.")

    @property
    def roles(self) -> frozenset[str]:
        """The user's roles, read once a request."""
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = (
                frozenset(self.role_grants.values_list("role", flat=True))
                if self.pk
                else frozenset()
            )
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


class UserRole(models.Model):
    """A role that a user holds in their organisation."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                name="userrole_unique",
                violation_error_message="The user already holds this role.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class CaseAccessGrant(ChecksInOneQuery, models.Model):
    """Time-limited access to one child's record, e.g. for an auditor sampling cases."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="case_grants")
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="access_grants"
    )
    reason = models.CharField(max_length=300)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="case_grants_given", null=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="caseaccessgrant_ends_after_start",
                violation_error_message="Access must end after it starts.",
            )
        ]
        indexes = [models.Index(fields=["user", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.user} → child {self.child_id} until {self.ends_at:%d/%m/%Y}"


class AuditEntry(ChecksInOneQuery, models.Model):
    """One read or change of the record, by a person or a client. Append-only (database triggers)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Indexed only where set (Meta.indexes): a client's or command's entries, most of a police
    # import's, have none, and an index of their NULLs was work for every entry that nothing read.
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    actor_label = models.CharField(
        max_length=200, blank=True, help_text="For a machine client: its name and key prefix."
    )
    # A code from AuditVerb (audit_record takes only those); not a database choice list, so a
    # new verb needs no migration. `verb_label` gives its words.
    verb = models.CharField(max_length=50)
    target_type = models.CharField(max_length=50)
    target_id = models.CharField(max_length=50, blank=True)
    child_id = models.BigIntegerField(null=True, db_index=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(actor__isnull=False) | ~Q(actor_label=""),
                name="auditentry_has_actor",
                violation_error_message="Every audit entry names who acted.",
            )
        ]
        indexes = [index_where_set("actor", name="auditentry_actor")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_type}:{self.target_id}"

    @property
    def verb_label(self) -> str:
        return AuditVerb(self.verb).label if self.verb in AuditVerb.values else self.verb


class OrganisationContact(ChecksInOneQuery, models.Model):
    """Someone partners reach at an organisation: a named person or a shared mailbox (the
    contact directory)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200, help_text="A person's name, or the mailbox's name.")
    role = models.CharField(
        max_length=200, help_text="What they do, e.g. Designated safeguarding lead."
    )
    email = models.EmailField("e-mail address", blank=True)
    email_secure = models.BooleanField(
        "secure mailbox",
        default=False,
        help_text="The address is a secure mailbox fit for a child's personal data: HomeSafe "
        "sends notifications only to such addresses.",
    )
    phone = models.CharField(max_length=40, blank=True)
    out_of_hours_phone = models.CharField("out-of-hours phone", max_length=40, blank=True)
    takes = models.CharField(
        "takes",
        max_length=20,
        choices=ContactTakes.choices,
        default=ContactTakes.GENERAL,
        help_text="Which notifications the contact takes.",
    )

    class Meta:
        ordering = ["organisation", "role", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone="") | ~Q(out_of_hours_phone=""),
                name="organisationcontact_reachable",
                violation_error_message="Give an e-mail address or a phone number.",
            ),
            models.CheckConstraint(
                condition=Q(email_secure=False) | ~Q(email=""),
                name="organisationcontact_secure_needs_email",
                violation_error_message="Only an e-mail address can be a secure mailbox.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"

    @property
    def takes_missing_notifications(self) -> bool:
        return self.takes == ContactTakes.MISSING_NOTIFICATIONS
