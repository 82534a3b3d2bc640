"""The REST API's return home interviews: the offer, outcome and attempts for everyone who may
see the child; the shareable summary and the confidential content only as
homesafe.interviews.policy allows. Factors and indicators are codes (the labels are configured
locally by administrators)."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import Organisation
from homesafe.api.casework import not_found
from homesafe.api.views import (
    _LIST_ERRORS,
    _READ_ERRORS,
    MAX_ID,
    _AuditedList,
    _id_or_404,
    _SignedInRead,
)
from homesafe.interviews.choices import InterviewStatus
from homesafe.interviews.models import ContactAttempt, ReturnInterview
from homesafe.interviews.policy import rhi_content_visibility
from homesafe.interviews.queries import interview_by_id_for_user_or_404
from homesafe.people.queries import children_visible_to

INTERVIEW_STATUSES = InterviewStatus.values  # codes only: labels may be configured locally


def interview_visibility(user, interviews) -> dict[int, tuple[bool, bool]]:
    """(content, summary) for each interview of children the user may see, as interviews.policy
    decides: the content by rhi_content_visibility (a fixed number of queries for the page), the
    summary as can_view_rhi_summary (the content, or shared with the user's organisation while
    the child's consent or an override allows). tests/api holds this against the policy."""
    interviews = list(interviews)
    content = rhi_content_visibility(user, interviews)
    visibility = {}
    for interview in interviews:
        shared = interview.may_share and any(
            org.pk == user.organisation_id for org in interview.shared_with.all()
        )
        visibility[interview.pk] = (content[interview.pk], content[interview.pk] or shared)
    return visibility


class InterviewFilter(django_filters.FilterSet):
    child = django_filters.NumberFilter(field_name="child_id", min_value=1, max_value=MAX_ID)
    episode = django_filters.NumberFilter(field_name="episode_id", min_value=1, max_value=MAX_ID)
    status = django_filters.ChoiceFilter(choices=[(s, s) for s in INTERVIEW_STATUSES])
    offered_from = django_filters.DateFilter(
        field_name="offered_at", lookup_expr="date__gte", label="Offered on or after (date)"
    )
    offered_to = django_filters.DateFilter(
        field_name="offered_at", lookup_expr="date__lte", label="Offered on or before (date)"
    )


class ContactAttemptOutputSerializer(serializers.Serializer):
    attempted_at = serializers.DateTimeField()
    method = serializers.CharField()
    outcome = serializers.CharField()
    note = serializers.SerializerMethodField(help_text="Only with the confidential content.")

    def get_note(self, attempt) -> str | None:
        return attempt.note if self.context.get("content") else None


class InterviewContentOutputSerializer(serializers.Serializer):
    """The confidential record: the child's words, harm, factors, the carers' view."""

    decline_reason = serializers.CharField()
    unreachable_note = serializers.CharField()
    held_where = serializers.CharField()
    push_factors = serializers.ListField(child=serializers.CharField(), help_text="Codes.")
    pull_factors = serializers.ListField(child=serializers.CharField(), help_text="Codes.")
    where_went = serializers.CharField()
    with_whom = serializers.CharField()
    travel = serializers.CharField()
    harm_disclosed = serializers.CharField()
    exploitation_indicators = serializers.ListField(
        child=serializers.CharField(), help_text="Codes."
    )
    exploitation_note = serializers.CharField()
    childs_words = serializers.CharField()
    carers_view = serializers.CharField()
    apps_used = serializers.CharField()
    devices_used = serializers.CharField()
    online_contacts = serializers.CharField()
    consent_to_share = serializers.CharField()
    safeguarding_override = serializers.BooleanField()
    override_reason = serializers.CharField()
    referrals = serializers.ListField(child=serializers.CharField(), help_text="Codes.")
    referrals_other = serializers.CharField()
    shared_with = serializers.SerializerMethodField(help_text="Organisation codes.")
    completed_at = serializers.DateTimeField(allow_null=True)

    def get_shared_with(self, interview) -> list[str]:
        return [org.code for org in interview.shared_with.all()]


class InterviewOutputSerializer(serializers.Serializer):
    """The offer, its outcome and the attempts (everyone who may see the child); the shareable
    summary and the confidential content only where interviews.policy allows."""

    id = serializers.IntegerField()
    episode_id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    status = serializers.CharField(
        help_text="offered, accepted, declined, unreachable or completed."
    )
    offered_at = serializers.DateTimeField()
    offered_by_name = serializers.CharField()
    offered_by_organisation = serializers.CharField(source="offered_by_organisation.code")
    offer_method = serializers.CharField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    declined_at = serializers.DateTimeField(allow_null=True)
    unreachable_at = serializers.DateTimeField(allow_null=True)
    held_at = serializers.DateTimeField(allow_null=True)
    held_by_name = serializers.CharField()
    held_by_organisation = serializers.CharField(
        source="held_by_organisation.code", allow_null=True, default=None
    )
    independent = serializers.BooleanField(allow_null=True)
    not_independent_reason = serializers.CharField()
    attempts = serializers.SerializerMethodField()
    content_visible = serializers.SerializerMethodField()
    summary_visible = serializers.SerializerMethodField()
    shareable_summary = serializers.SerializerMethodField(
        help_text="Null unless the summary is yours to see."
    )
    content = serializers.SerializerMethodField(help_text="Null unless the content is yours.")

    def _visible(self, interview) -> tuple[bool, bool]:
        return self.context["visibility"].get(interview.pk, (False, False))

    @extend_schema_field(ContactAttemptOutputSerializer(many=True))
    def get_attempts(self, interview) -> list:
        content, _ = self._visible(interview)
        return ContactAttemptOutputSerializer(
            interview.attempts.all(), many=True, context={"content": content}
        ).data

    def get_content_visible(self, interview) -> bool:
        return self._visible(interview)[0]

    def get_summary_visible(self, interview) -> bool:
        return self._visible(interview)[1]

    def get_shareable_summary(self, interview) -> str | None:
        return interview.shareable_summary if self._visible(interview)[1] else None

    @extend_schema_field(InterviewContentOutputSerializer(allow_null=True))
    def get_content(self, interview) -> dict | None:
        if not self._visible(interview)[0]:
            return None
        return InterviewContentOutputSerializer(interview).data


def _interviews_with_parts():
    return (
        ReturnInterview.objects.select_related(
            "child", "offered_by_organisation", "held_by_organisation"
        )
        .prefetch_related(
            Prefetch("attempts", queryset=ContactAttempt.objects.order_by("attempted_at", "id")),
            Prefetch("shared_with", queryset=Organisation.objects.order_by("name")),
        )
        .order_by("-offered_at", "-pk")
    )


@extend_schema(
    tags=["casework"], responses={200: InterviewOutputSerializer(many=True), **_LIST_ERRORS}
)
class InterviewListView(_AuditedList, generics.ListAPIView):
    """Return home interviews of the children the signed-in user may see."""

    serializer_class = InterviewOutputSerializer
    filterset_class = InterviewFilter
    audit_verb = AuditVerb.INTERVIEWS_LISTED
    audit_target_type = "interviews.returninterview"

    def get_queryset(self):
        # An interview is seen with its child (the episode gate is the child's).
        visible = children_visible_to(user=self.request.user).values("pk")
        return _interviews_with_parts().filter(child_id__in=visible)

    def get_serializer(self, *args, **kwargs):
        interviews = list(args[0]) if args else []
        kwargs["context"] = {
            **self.get_serializer_context(),
            "visibility": interview_visibility(self.request.user, interviews),
        }
        return InterviewOutputSerializer(*args, **kwargs)


@extend_schema(
    tags=["casework"],
    responses={200: InterviewOutputSerializer, **not_found("interview"), **_READ_ERRORS},
)
class InterviewDetailView(_SignedInRead, generics.GenericAPIView):
    """One interview, through its episode's gate; the read is audited with what was shown."""

    serializer_class = InterviewOutputSerializer

    def get(self, request, interview_id: int):
        view = interview_by_id_for_user_or_404(
            user=request.user, interview_id=_id_or_404(interview_id), log_read=False
        )
        interview = view.interview
        audit_record(
            actor=request.user,
            verb=AuditVerb.INTERVIEW_VIEWED,
            target=interview,
            payload={"api": True, "content": view.content, "summary": view.summary},
        )
        visibility = {interview.pk: (view.content, view.summary)}
        return Response(
            InterviewOutputSerializer(interview, context={"visibility": visibility}).data
        )
