from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from homesafe.constraints import ChecksInOneQuery
from homesafe.interviews.choices import (
    NONE_IDENTIFIED,
    TRAFFICKING_INDICATOR,
    AttemptOutcome,
    ConsentToShare,
    ContactMethod,
    InterviewStatus,
    Referral,
    RouteAllocated,
    RouteProvider,
    TermKind,
)
from homesafe.people.choices import Cohort

if TYPE_CHECKING:
    from homesafe.interviews.queries import Taxonomy


def _labels(values: list[str], choices: type[models.TextChoices]) -> list[str]:
    return [str(choices(v).label) for v in values if v in choices.values]


CODE_FORMAT = "Use lower-case letters, digits and underscores, starting with a letter"


class InterviewTerm(models.Model):
    """A push factor, pull factor or exploitation indicator offered on the interview form: the
    installation's taxonomy, managed by administrators. The code is stored on interviews and
    never changes; a retired term is no longer offered but stays on the records that hold it."""

    kind = models.CharField(max_length=30, choices=TermKind.choices)
    code = models.CharField(
        max_length=40,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", CODE_FORMAT)],
        help_text="Stored on interviews and read by reports: it never changes.",
    )
    label = models.CharField(max_length=200)
    hint = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                name="interviewterm_code_unique",
                violation_error_message="A term of this kind already has this code.",
            ),
            models.UniqueConstraint(
                fields=["kind", "label"],
                name="interviewterm_label_unique",
                violation_error_message="A term of this kind already has this label.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class ReturnInterview(ChecksInOneQuery, models.Model):
    """The return home interview offered after one missing episode: the offer, its outcome and
    (when held) the confidential record with a summary that may be shared."""

    episode = models.OneToOneField(
        "episodes.MissingEpisode", on_delete=models.PROTECT, related_name="return_interview"
    )
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, related_name="return_interviews"
    )
    status = models.CharField(
        max_length=12, choices=InterviewStatus.choices, default=InterviewStatus.OFFERED
    )
    # The offer.
    offered_at = models.DateTimeField()
    offered_by_organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    offered_by_name = models.CharField("offered by", max_length=200)
    offer_method = models.CharField(max_length=12, choices=ContactMethod.choices)
    # Its outcome.
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField("why the child declined", blank=True)
    unreachable_at = models.DateTimeField("could not be reached from", null=True, blank=True)
    unreachable_note = models.TextField(blank=True)
    # The interview.
    held_at = models.DateTimeField(null=True, blank=True)
    held_where = models.CharField(max_length=300, blank=True)
    held_by_name = models.CharField("held by", max_length=200, blank=True)
    held_by_organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    independent = models.BooleanField(
        "independent of the child's care", null=True, blank=True, default=None
    )
    not_independent_reason = models.TextField(blank=True)
    push_factors = models.JSONField(default=list, blank=True)
    pull_factors = models.JSONField(default=list, blank=True)
    where_went = models.TextField("where the child went", blank=True)
    with_whom = models.TextField("who the child was with", blank=True)
    travel = models.TextField("how the child travelled", blank=True)
    harm_disclosed = models.TextField(blank=True)
    exploitation_indicators = models.JSONField(default=list, blank=True)
    exploitation_note = models.TextField(blank=True)
    childs_words = models.TextField("the child's own words", blank=True)
    carers_view = models.TextField("parents' or carers' view", blank=True)
    apps_used = models.TextField("apps and social media used while missing", blank=True)
    devices_used = models.TextField("phones and devices used while missing", blank=True)
    online_contacts = models.TextField("online contacts while missing", blank=True)
    consent_to_share = models.CharField(
        max_length=10, choices=ConsentToShare.choices, default=ConsentToShare.NOT_ASKED
    )
    safeguarding_override = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    referrals = models.JSONField(default=list, blank=True)
    referrals_other = models.CharField("other referral", max_length=300, blank=True)
    shared_with = models.ManyToManyField(
        "access.Organisation", blank=True, related_name="interviews_shared"
    )
    shareable_summary = models.TextField(blank=True)
    completed_at = models.DateTimeField("recorded as completed at", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-offered_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=InterviewStatus.DECLINED)
                | (Q(declined_at__isnull=False) & ~Q(decline_reason="")),
                name="interview_declined_has_reason",
                violation_error_message="A declined interview records when and why.",
            ),
            models.CheckConstraint(
                condition=~Q(status=InterviewStatus.COMPLETED) | Q(held_at__isnull=False),
                name="interview_completed_was_held",
                violation_error_message="A completed interview records when it was held.",
            ),
            models.CheckConstraint(
                condition=Q(safeguarding_override=False) | ~Q(override_reason=""),
                name="interview_override_has_reason",
                violation_error_message="A safeguarding override records its reason.",
            ),
            models.CheckConstraint(
                condition=~Q(independent=False) | ~Q(not_independent_reason=""),
                name="interview_not_independent_has_reason",
                violation_error_message="Say why the interviewer was not independent.",
            ),
        ]
        indexes = [models.Index(fields=["status", "offered_at"])]

    def __str__(self) -> str:
        return f"Return interview ({self.get_status_display().lower()})"

    @property
    def may_share(self) -> bool:
        """The child consented to sharing, or a safeguarding override applies."""
        return self.consent_to_share == ConsentToShare.YES or self.safeguarding_override

    @cached_property
    def taxonomy(self) -> Taxonomy:
        """The labels of the codes held (one query; pages showing many interviews set it once
        for all of them, see queries.interview_taxonomy)."""
        from homesafe.interviews.queries import interview_taxonomy

        return interview_taxonomy()

    @property
    def push_factor_labels(self) -> list[str]:
        return self.taxonomy.labels(TermKind.PUSH_FACTOR, self.push_factors)

    @property
    def pull_factor_labels(self) -> list[str]:
        return self.taxonomy.labels(TermKind.PULL_FACTOR, self.pull_factors)

    @property
    def exploitation_indicator_labels(self) -> list[str]:
        return self.taxonomy.labels(TermKind.EXPLOITATION_INDICATOR, self.exploitation_indicators)

    @property
    def referral_labels(self) -> list[str]:
        labels = _labels(self.referrals, Referral)
        if self.referrals_other:
            labels = [label for label in labels if label != Referral.OTHER.label]
            labels.append(f"Other: {self.referrals_other}")
        return labels

    @property
    def exploitation_identified(self) -> bool:
        return any(i != NONE_IDENTIFIED for i in self.exploitation_indicators)

    @property
    def trafficking_identified(self) -> bool:
        """The interview found signs of trafficking (which raise a trafficking concern)."""
        return TRAFFICKING_INDICATOR in self.exploitation_indicators

    def referred_at(self, referral: str):
        """When the completed interview made this referral (Referral: its holding), or None."""
        if self.status != InterviewStatus.COMPLETED or referral not in self.referrals:
            return None
        return self.held_at

    def protocol_moments(self) -> dict:
        """What the protocol engine reads from this interview (homesafe.duties.facts)."""
        completed = self.status == InterviewStatus.COMPLETED
        return {
            "rhi_offered_at": self.offered_at,
            "rhi_completed_at": self.held_at if completed else None,
            "rhi_declined_at": self.declined_at
            if self.status == InterviewStatus.DECLINED
            else None,
            "exploitation_concern_at": self.held_at
            if completed and self.exploitation_identified
            else None,
        }


class ContactAttempt(models.Model):
    """One attempt to reach the child (or their carer) about the return interview."""

    interview = models.ForeignKey(
        ReturnInterview, on_delete=models.CASCADE, related_name="attempts"
    )
    attempted_at = models.DateTimeField()
    method = models.CharField(max_length=12, choices=ContactMethod.choices)
    outcome = models.CharField(max_length=20, choices=AttemptOutcome.choices)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.get_outcome_display()}"


class InterviewDraft(models.Model):
    """A return interview's record being written, kept part by part ("Save and come back
    later") until it is recorded as completed: seen only by its author and their managers."""

    interview = models.ForeignKey(ReturnInterview, on_delete=models.CASCADE, related_name="drafts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The interview form's inputs exactly as typed, by input name (each a list of values, as
    # posted): nothing is checked until the interview is recorded.
    answers = models.JSONField(default=dict, blank=True)
    # The sections saved with "Save and continue" (their own fields checked).
    sections_done = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "author"],
                name="interviewdraft_one_per_author",
                violation_error_message="You already have a draft of this interview.",
            )
        ]

    def __str__(self) -> str:
        return f"Draft of interview {self.interview_id} by user {self.author_id}"


class RhiRoute(ChecksInOneQuery, models.Model):
    """A partnership rule saying who offers return home interviews to some of a responsible
    authority's children: the first of its rules (by order) that matches the child wins."""

    local_authority = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="rhi_routes",
        limit_choices_to={"type": "local_authority"},
        verbose_name="responsible local authority",
    )
    order = models.PositiveIntegerField(
        help_text="The authority's rules are tried lowest first; the first that matches wins."
    )
    cohort = models.CharField(
        max_length=20,
        choices=Cohort.choices,
        blank=True,
        help_text="Blank: any cohort. A child with no current cohort is 'not known to social "
        "care' (living at home).",
    )
    allocated = models.CharField(
        max_length=10, choices=RouteAllocated.choices, default=RouteAllocated.ANY
    )
    host_authority = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"type": "local_authority"},
        verbose_name="placed in the area of",
        help_text="Blank: anywhere. Otherwise the host authority of the child's current placement.",
    )
    provider_kind = models.CharField(
        "who offers the interview", max_length=20, choices=RouteProvider.choices
    )
    provider = models.ForeignKey(
        "access.Organisation",
        on_delete=models.PROTECT,
        related_name="rhi_routes_provided",
        null=True,
        blank=True,
        limit_choices_to={"type": "rhi_service"},
        verbose_name="return interview service",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["local_authority__name", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "order"],
                name="rhiroute_order_unique",
                violation_error_message="Another rule of this local authority has this order.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(provider_kind=RouteProvider.SERVICE, provider__isnull=False)
                    | Q(provider_kind=RouteProvider.SOCIAL_WORKER, provider__isnull=True)
                ),
                name="rhiroute_provider_matches_kind",
                violation_error_message="A rule names a return interview service, or the "
                "allocated social worker, not both.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rule {self.order} of {self.local_authority_id}"

    @property
    def by_social_worker(self) -> bool:
        return self.provider_kind == RouteProvider.SOCIAL_WORKER

    def matches(self, *, cohort: str, allocated: bool, host_authority_id: int | None) -> bool:
        """Does the rule cover a child in this cohort, allocated or not, placed there? The
        social worker route covers only children who have an allocated social worker."""
        if self.cohort and self.cohort != cohort:
            return False
        if self.allocated == RouteAllocated.YES and not allocated:
            return False
        if self.allocated == RouteAllocated.NO and allocated:
            return False
        if self.host_authority_id and self.host_authority_id != host_authority_id:
            return False
        return allocated or not self.by_social_worker
