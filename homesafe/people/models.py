from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from homesafe.access.choices import OrganisationType
from homesafe.constraints import ChecksInOneQuery
from homesafe.people.choices import (
    AdverseExperienceKind,
    Cohort,
    EducationConcernKind,
    Ethnicity,
    LegalStatus,
    NeedKind,
    NeedStatus,
    NetworkRole,
    PlacementType,
    PreBirthPlan,
    RelationshipKind,
    Sex,
    UnbornRelationship,
)
from homesafe.people.validators import validate_nhs_number, validate_postcode, validate_upn


class Child(models.Model):
    """A child (or care leaver) known to the partnership."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_KNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    religion = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    la_child_id = models.CharField("LA child ID", max_length=30, blank=True)
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[validate_nhs_number]
    )
    upn = models.CharField("UPN", max_length=13, blank=True, validators=[validate_upn])
    police_person_id = models.CharField("Police person ID", max_length=50, blank=True)
    responsible_la = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="children_responsible_for",
        limit_choices_to={"type": OrganisationType.LOCAL_AUTHORITY},
        verbose_name="responsible local authority",
    )
    school = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="pupils",
        null=True,
        blank=True,
        limit_choices_to={"type": OrganisationType.SCHOOL},
    )
    allocated_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="allocated_children",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "date_of_birth"]
        verbose_name_plural = "children"
        constraints = [
            # The LA child ID first: the index also serves looking a child up by that ID
            # alone (identity matching, where the police do not say which LA issued it).
            models.UniqueConstraint(
                fields=["la_child_id", "responsible_la"],
                condition=~Q(la_child_id=""),
                name="child_unique_la_child_id",
                violation_error_message="Another child of this local authority has this LA child ID.",
            ),
            models.UniqueConstraint(
                fields=["nhs_number"],
                condition=~Q(nhs_number=""),
                name="child_unique_nhs_number",
                violation_error_message="Another child has this NHS number.",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["police_person_id"]),
            models.Index(fields=["upn"]),
            # Whose children a figure counts (access.policy.counted_scope, evaluated once per
            # page): an authority's children's ids from the index alone.
            models.Index(fields=["responsible_la", "id"], name="people_child_la_ids"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class ChildAlias(models.Model):
    """Another name the child is known by (used in search and police matching)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "name"],
                name="childalias_unique",
                violation_error_message="The child already has this alias.",
            )
        ]
        verbose_name_plural = "child aliases"

    def __str__(self) -> str:
        return self.name


class ChildNeed(models.Model):
    """A disability or neurodiversity, diagnosed or awaiting assessment."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(max_length=20, choices=NeedKind.choices)
    description = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=NeedStatus.choices)

    class Meta:
        ordering = ["kind", "description"]

    def __str__(self) -> str:
        return f"{self.description} ({self.get_status_display()})"


class CohortPeriod(ChecksInOneQuery, models.Model):
    """A period in which the child was in one social care cohort (history kept)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cohort_periods")
    cohort = models.CharField(max_length=20, choices=Cohort.choices)
    uasc = models.BooleanField("unaccompanied asylum-seeking child", default=False)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="cohortperiod_end_after_start",
                violation_error_message="A cohort period cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="cohortperiod_one_open",
                violation_error_message="The child already has a current cohort.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_cohort_display()


class CarePeriod(ChecksInOneQuery, models.Model):
    """A period of being looked after, under one legal status."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_periods")
    legal_status = models.CharField(max_length=20, choices=LegalStatus.choices)
    placing_la = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"type": OrganisationType.LOCAL_AUTHORITY},
        verbose_name="placing local authority",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="careperiod_end_after_start",
                violation_error_message="A care period cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="careperiod_one_open",
                violation_error_message="The child already has a current care period.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_legal_status_display()


class Placement(ChecksInOneQuery, models.Model):
    """Where the child lives: at home, in foster care, a children's home or elsewhere."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    placement_type = models.CharField(max_length=20, choices=PlacementType.choices)
    placing_la = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"type": OrganisationType.LOCAL_AUTHORITY},
        verbose_name="placing local authority",
    )
    host_la = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="hosted_placements",
        limit_choices_to={"type": OrganisationType.LOCAL_AUTHORITY},
        verbose_name="host local authority",
    )
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    provider = models.CharField(max_length=200, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="placement_end_after_start",
                violation_error_message="A placement cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="placement_one_current",
                violation_error_message="The child already has a current placement.",
            ),
        ]
        # The children placed in an area now (access.policy), from the index alone.
        indexes = [
            models.Index(fields=["host_la", "ended_on", "child"], name="people_placement_hosted")
        ]

    def __str__(self) -> str:
        return self.get_placement_type_display()

    @property
    def out_of_area(self) -> bool:
        """Placed outside the placing authority's own area (derived, never stored)."""
        return self.host_la_id != self.placing_la_id


class NetworkMember(ChecksInOneQuery, models.Model):
    """An organisation or professional involved with the child (the professional network)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="network")
    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="network_memberships"
    )
    role = models.CharField(max_length=20, choices=NetworkRole.choices)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_memberships",
        help_text="The professional as a HomeSafe user (e.g. the child's IRO): HomeSafe tells "
        "them itself.",
    )
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="networkmember_end_after_start",
                violation_error_message="An involvement cannot end before it starts.",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class ChildRelationship(ChecksInOneQuery, models.Model):
    """Two children of one family or household. Kept both ways: a link from A to B has its
    mirror from B to A (people.services_family writes and removes them together)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="relationships")
    other = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["child", "other"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "other"],
                name="childrelationship_unique",
                violation_error_message="These children are already linked.",
            ),
            models.CheckConstraint(
                condition=~Q(child=F("other")),
                name="childrelationship_not_self",
                violation_error_message="A child cannot be linked to themselves.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: child {self.other_id}"


class EducationConcern(ChecksInOneQuery, models.Model):
    """The school's (or the local authority's education welfare service's) record that a child
    is missing education or persistently absent; open until `ended_on`."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="education_concerns")
    kind = models.CharField(max_length=30, choices=EducationConcernKind.choices)
    attendance_percent = models.PositiveSmallIntegerField(
        "attendance (per cent of sessions)", null=True, blank=True
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="educationconcern_ends_after_start",
                violation_error_message="The end date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(attendance_percent__isnull=True) | Q(attendance_percent__lte=100),
                name="educationconcern_attendance_percent",
                violation_error_message="Attendance is a percentage from 0 to 100.",
            ),
        ]
        indexes = [models.Index(fields=["child", "started_on"])]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class AdverseExperience(models.Model):
    """A trauma or adverse childhood experience the child has lived through, recorded beside
    their needs so that the interviewer and the risk assessment see it."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="adverse_experiences")
    kind = models.CharField(max_length=30, choices=AdverseExperienceKind.choices)
    description = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class UnbornChild(models.Model):
    """An expected baby in a child's household, on a pre-birth plan: a member of the household
    before it has a record of its own. Ends when the baby is born (then recorded as a child and
    linked) or is no longer expected."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="unborn_children")
    relationship = models.CharField(max_length=20, choices=UnbornRelationship.choices)
    expected_on = models.DateField("due date")
    plan = models.CharField("pre-birth plan", max_length=20, choices=PreBirthPlan.choices)
    notes = models.TextField(blank=True)
    ended_on = models.DateField("born or no longer expected on", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["expected_on", "pk"]

    def __str__(self) -> str:
        return f"Unborn child due {self.expected_on:%d/%m/%Y}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
