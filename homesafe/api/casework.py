"""The REST API's reads of casework after a return (issue 6): return home interviews,
exploitation screenings, the pre-incident profile, persons of concern with disruption and legal
actions, and professional differences. Meetings and their actions are in homesafe.api.meetings.

Every read goes through the queries and policy the pages use (a child or record the user may
not see is a 404, as if it did not exist) and is audited: a list as one entry naming its
filters, a record as the page audits it. Codes (factors, indicators, bands) are the contract:
labels are the pages' business and may be configured locally.
"""

from __future__ import annotations

from collections import defaultdict

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import Organisation
from homesafe.api.views import (
    _LIST_ERRORS,
    _READ_ERRORS,
    MAX_ID,
    ErrorSerializer,
    _AuditedList,
    _id_or_404,
    _SignedInRead,
)
from homesafe.concerns.queries import child_concerns_for_user_or_404, person_get_for_user_or_404
from homesafe.interviews.choices import InterviewStatus
from homesafe.interviews.models import ContactAttempt, ReturnInterview
from homesafe.interviews.policy import rhi_content_visibility
from homesafe.interviews.queries import interview_page_for_user_or_404
from homesafe.meetings.choices import DifferenceStatus, DifferenceSubject
from homesafe.meetings.models import DifferenceStep
from homesafe.meetings.queries import difference_view_for_user, differences_visible_to
from homesafe.people.queries import children_visible_to
from homesafe.profiles.queries import profile_page_for_user_or_404
from homesafe.screening.queries import screenings_list_for_user

INTERVIEW_STATUSES = InterviewStatus.values  # codes only: labels may be configured locally


def _not_found(what: str) -> dict:
    return {404: OpenApiResponse(ErrorSerializer, description=f"No such {what}, or not yours.")}


def _code_or_none(**kwargs) -> serializers.CharField:
    return serializers.CharField(allow_null=True, default=None, **kwargs)


# --- Return home interviews ------------------------------------------------------------------


def interview_visibility(user, interviews) -> dict[int, tuple[bool, bool]]:
    """(content, summary) for each interview of children the user may see, as interviews.policy
    decides: the content by rhi_content_visibility (one call per child on the page), the
    summary as can_view_rhi_summary (the content, or shared with the user's organisation while
    the child's consent or an override allows). tests/api holds this against the policy."""
    by_child = defaultdict(list)
    for interview in interviews:
        by_child[interview.child_id].append(interview)
    visibility = {}
    for group in by_child.values():
        content = rhi_content_visibility(user, group[0].child, group)
        for interview in group:
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
    held_by_organisation = _code_or_none(source="held_by_organisation.code")
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
    responses={200: InterviewOutputSerializer, **_not_found("interview"), **_READ_ERRORS},
)
class InterviewDetailView(_SignedInRead, generics.GenericAPIView):
    """One interview, through its episode's gate; the read is audited with what was shown."""

    serializer_class = InterviewOutputSerializer

    def get(self, request, interview_id: int):
        episode_id = (
            ReturnInterview.objects.filter(pk=_id_or_404(interview_id))
            .values_list("episode_id", flat=True)
            .first()
        )
        if episode_id is None:
            raise Http404("No interview found")
        view = interview_page_for_user_or_404(
            user=request.user, episode_id=episode_id, log_read=False
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


# --- Exploitation screenings -----------------------------------------------------------------


class ScreeningOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    tool = serializers.CharField()
    tool_version = serializers.CharField()
    answers = serializers.DictField(
        child=serializers.CharField(), help_text="Indicator code -> answer code."
    )
    score = serializers.IntegerField(allow_null=True, help_text="Scored tools only.")
    band = serializers.CharField(help_text="The band computed from the answers.")
    group_bands = serializers.DictField(
        child=serializers.CharField(), help_text="Categorical tools: the band per group."
    )
    override_band = serializers.CharField(help_text="The professional's band; blank if none.")
    override_reason = serializers.CharField()
    final_band = serializers.CharField(help_text="The band in force.")
    completed_at = serializers.DateTimeField()
    completed_by_organisation = serializers.CharField(source="completed_by_organisation.code")
    review_on = serializers.DateField()


@extend_schema(
    tags=["casework"],
    responses={
        200: ScreeningOutputSerializer(many=True),
        **_not_found("child"),
        **_READ_ERRORS,
        403: OpenApiResponse(
            ErrorSerializer, description="Not signed in, or the child's casework is not yours."
        ),
    },
)
class ChildScreeningListView(_SignedInRead, generics.ListAPIView):
    """A child's exploitation screenings, newest first (audited as the page's history)."""

    serializer_class = ScreeningOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        child_id = _id_or_404(self.kwargs["child_id"])
        _, screenings = screenings_list_for_user(user=self.request.user, child_id=child_id)
        return screenings


# --- The pre-incident (Philomena) profile -----------------------------------------------------


class PlaceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    description = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()


class ProfileOutputSerializer(serializers.Serializer):
    child_id = serializers.IntegerField()
    version = serializers.IntegerField(source="number")
    saved_at = serializers.DateTimeField()
    provided_by = serializers.CharField(help_text="The carer who gave the information.")
    height = serializers.CharField()
    build = serializers.CharField()
    hair = serializers.CharField()
    eyes = serializers.CharField()
    distinguishing_marks = serializers.CharField()
    associates = serializers.CharField()
    places_frequented = serializers.CharField()
    places = PlaceOutputSerializer(source="locations.all", many=True)
    vulnerabilities = serializers.CharField()
    medication = serializers.CharField()
    phones = serializers.CharField()
    social_media = serializers.CharField()
    transport = serializers.CharField()
    missing_history = serializers.CharField()
    changed_fields = serializers.ListField(
        child=serializers.CharField(), help_text="What this version changed."
    )
    photo_url = serializers.SerializerMethodField(
        help_text="The photo, served (and audited) by the access-checked photo page."
    )

    def get_photo_url(self, version) -> str | None:
        if not version.photo:
            return None
        path = reverse("profiles:photo", args=[version.child_id, version.number])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


@extend_schema(
    tags=["casework"],
    responses={
        200: ProfileOutputSerializer,
        404: OpenApiResponse(
            ErrorSerializer, description="No such child, not yours, or no profile recorded."
        ),
        **_READ_ERRORS,
    },
)
class ChildProfileView(_SignedInRead, generics.RetrieveAPIView):
    """The child's current pre-incident profile (its latest version)."""

    serializer_class = ProfileOutputSerializer

    def get_object(self):
        page = profile_page_for_user_or_404(
            user=self.request.user, child_id=_id_or_404(self.kwargs["child_id"])
        )
        if page.current is None:
            raise Http404("No profile recorded")
        return page.current


# --- Persons of concern, disruption and legal actions ----------------------------------------


class PersonOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    aliases = serializers.CharField()
    kind = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    approximate_age = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()
    notes = serializers.CharField()


class PersonLinkOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    episode_id = serializers.IntegerField(allow_null=True)
    interview_id = serializers.IntegerField(
        allow_null=True, help_text="The return interview that named the person."
    )
    meeting_id = serializers.IntegerField(
        allow_null=True, help_text="The meeting that discussed the person."
    )
    kind = serializers.CharField()
    reference = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ChildPersonLinkOutputSerializer(PersonLinkOutputSerializer):
    person = PersonOutputSerializer()


class PlaceLinkOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    episode_id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    reference = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    place = PlaceOutputSerializer(source="location")


class DisruptionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    episode_id = serializers.IntegerField(allow_null=True)
    person_id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    kind_other = serializers.CharField()
    taken_on = serializers.DateField()
    agency = serializers.CharField(source="agency.code")
    outcome = serializers.CharField()


class LegalActionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    episode_id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    applied_on = serializers.DateField()
    granted_on = serializers.DateField(allow_null=True)
    reasonable_grounds = serializers.CharField()
    reasonable_grounds_on = serializers.DateField(allow_null=True)
    conclusive_grounds = serializers.CharField()
    conclusive_grounds_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField()


class ChildConcernsOutputSerializer(serializers.Serializer):
    child_id = serializers.IntegerField(source="child.pk")
    persons = ChildPersonLinkOutputSerializer(source="person_links", many=True)
    places = PlaceLinkOutputSerializer(source="location_links", many=True)
    disruption_actions = DisruptionOutputSerializer(source="disruptions", many=True)
    legal_actions = LegalActionOutputSerializer(many=True)


@extend_schema(
    tags=["casework"],
    responses={200: ChildConcernsOutputSerializer, **_not_found("child"), **_READ_ERRORS},
)
class ChildConcernsView(_SignedInRead, generics.RetrieveAPIView):
    """Persons and places of concern linked to the child, disruption and legal actions."""

    serializer_class = ChildConcernsOutputSerializer

    def get_object(self):
        return child_concerns_for_user_or_404(
            user=self.request.user, child_id=_id_or_404(self.kwargs["child_id"])
        )


class PersonDetailOutputSerializer(PersonOutputSerializer):
    links = PersonLinkOutputSerializer(
        source="visible_links", many=True, help_text="Only links to children you may see."
    )
    disruption_actions = DisruptionOutputSerializer(source="visible_disruptions", many=True)


@extend_schema(
    tags=["casework"],
    responses={200: PersonDetailOutputSerializer, **_not_found("person"), **_READ_ERRORS},
)
class PersonDetailView(_SignedInRead, generics.RetrieveAPIView):
    """A person of concern, with only the links and actions about children you may see."""

    serializer_class = PersonDetailOutputSerializer

    def get_object(self):
        return person_get_for_user_or_404(
            user=self.request.user, person_id=_id_or_404(self.kwargs["person_id"])
        )


# --- Professional differences ----------------------------------------------------------------


class DifferenceFilter(django_filters.FilterSet):
    child = django_filters.NumberFilter(field_name="child_id", min_value=1, max_value=MAX_ID)
    status = django_filters.ChoiceFilter(choices=DifferenceStatus.choices)
    subject = django_filters.ChoiceFilter(choices=DifferenceSubject.choices)
    raised_from = django_filters.DateFilter(field_name="raised_at", lookup_expr="date__gte")
    raised_to = django_filters.DateFilter(field_name="raised_at", lookup_expr="date__lte")


class DifferenceStepOutputSerializer(serializers.Serializer):
    stage = serializers.CharField()
    reached_at = serializers.DateTimeField()
    note = serializers.CharField()


class DifferenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    raised_at = serializers.DateTimeField()
    raised_by_name = serializers.CharField()
    raised_by_organisation = serializers.CharField(source="raised_by_organisation.code")
    raised_with_organisation = serializers.CharField(source="raised_with_organisation.code")
    subject = serializers.CharField()
    detail = serializers.CharField()
    stage = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    steps = DifferenceStepOutputSerializer(source="steps.all", many=True)


@extend_schema(
    tags=["casework"], responses={200: DifferenceOutputSerializer(many=True), **_LIST_ERRORS}
)
class DifferenceListView(_AuditedList, generics.ListAPIView):
    """Professional differences about the children the signed-in user may see."""

    serializer_class = DifferenceOutputSerializer
    filterset_class = DifferenceFilter
    audit_verb = AuditVerb.DIFFERENCES_LISTED
    audit_target_type = "meetings.professionaldifference"

    def get_queryset(self):
        return (
            differences_visible_to(user=self.request.user)
            .select_related("raised_by_organisation", "raised_with_organisation")
            .prefetch_related(
                Prefetch("steps", queryset=DifferenceStep.objects.order_by("reached_at", "id"))
            )
            .order_by("-raised_at", "-pk")
        )


@extend_schema(
    tags=["casework"],
    responses={
        200: DifferenceOutputSerializer,
        **_not_found("professional difference"),
        **_READ_ERRORS,
    },
)
class DifferenceDetailView(_SignedInRead, generics.RetrieveAPIView):
    serializer_class = DifferenceOutputSerializer

    def get_object(self):
        view = difference_view_for_user(
            user=self.request.user, difference_id=_id_or_404(self.kwargs["difference_id"])
        )
        return view.difference
