"""The REST API's reads of casework after a return (issue 6): exploitation screenings, the
pre-incident profile, persons of concern with disruption and legal actions, and professional
differences; and one write, raising an exploitation or trafficking concern about an episode
(through concerns.services_raised, which audits and re-plans). Return home interviews are in homesafe.api.interviews, meetings and their actions
in homesafe.api.meetings.

Every read goes through the queries and policy the pages use (a child or record the user may
not see is a 404, as if it did not exist) and is audited: a list as one entry naming its
filters, a record as the page audits it. Codes (factors, indicators, bands) are the contract:
labels are the pages' business and may be configured locally.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from homesafe.access.choices import AuditVerb
from homesafe.api.views import (
    _LIST_ERRORS,
    _READ_ERRORS,
    MAX_ID,
    ErrorSerializer,
    _AuditedList,
    _id_or_404,
    _SignedInRead,
)
from homesafe.concerns.choices import ConcernKind
from homesafe.concerns.policy import can_record_concerns
from homesafe.concerns.queries import (
    child_concerns_for_user_or_404,
    episode_for_concern_or_404,
    person_get_for_user_or_404,
)
from homesafe.concerns.services_raised import episode_concern_raise
from homesafe.meetings.choices import DifferenceStatus, DifferenceSubject
from homesafe.meetings.models import DifferenceStep
from homesafe.meetings.queries import difference_view_for_user, differences_visible_to
from homesafe.profiles.queries import profile_page_for_user_or_404
from homesafe.screening.queries import screenings_list_for_user
from homesafe.story.episode_concerns import episode_concerns_view


def not_found(what: str) -> dict:
    return {404: OpenApiResponse(ErrorSerializer, description=f"No such {what}, or not yours.")}


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
        **not_found("child"),
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
    responses={200: ChildConcernsOutputSerializer, **not_found("child"), **_READ_ERRORS},
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
    responses={200: PersonDetailOutputSerializer, **not_found("person"), **_READ_ERRORS},
)
class PersonDetailView(_SignedInRead, generics.RetrieveAPIView):
    """A person of concern, with only the links and actions about children you may see."""

    serializer_class = PersonDetailOutputSerializer

    def get_object(self):
        return person_get_for_user_or_404(
            user=self.request.user, person_id=_id_or_404(self.kwargs["person_id"])
        )


# --- Exploitation and trafficking concerns about an episode --------------------------------


class RaisedConcernOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ConcernKind.choices)
    source = serializers.ChoiceField(
        choices=["report", "professional", "return_interview", "screening"],
        help_text="What raised it: the report, a professional (page or API), the return home "
        "interview's indicators, or a screening in the significant band or above.",
    )
    raised_at = serializers.DateTimeField(
        allow_null=True, help_text="When it was raised; null when known at the report."
    )
    raised_by = serializers.SerializerMethodField(help_text="Who raised it (professional only).")
    note = serializers.SerializerMethodField()
    interview_id = serializers.IntegerField(source="interview.pk", default=None, allow_null=True)
    screening_id = serializers.IntegerField(source="screening.pk", default=None, allow_null=True)

    def get_raised_by(self, concern) -> str:
        record = concern.record
        return str(record.raised_by) if record and record.raised_by else ""

    def get_note(self, concern) -> str:
        return concern.record.note if concern.record else ""


class EpisodeConcernsOutputSerializer(serializers.Serializer):
    episode_id = serializers.IntegerField(source="episode.pk")
    concerns = RaisedConcernOutputSerializer(source="raised", many=True)


@extend_schema_serializer(component_name="ConcernRaising")
class EpisodeConcernInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ConcernKind.choices)
    raised_at = serializers.DateTimeField(
        required=False,
        help_text="When the concern arose (ISO 8601): not in the future, nor before the report; "
        "now if absent. consider_mace / consider_nrm are planned from this time.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=10000, help_text="Why it is raised."
    )


class EpisodeConcernsView(_SignedInRead, APIView):
    """The exploitation and trafficking concerns raised about an episode (GET), and raising one
    (POST): those who may record the child's concerns (concerns.policy). A concern is raised
    once per episode; the service audits it and re-plans the child's duties."""

    InputSerializer = EpisodeConcernInputSerializer

    @extend_schema(
        tags=["casework"],
        responses={200: EpisodeConcernsOutputSerializer, **not_found("episode"), **_READ_ERRORS},
    )
    def get(self, request, episode_id: int):
        episode = episode_for_concern_or_404(user=request.user, episode_id=_id_or_404(episode_id))
        view = episode_concerns_view(user=request.user, episode=episode)
        return Response(EpisodeConcernsOutputSerializer(view).data)

    @extend_schema(
        tags=["casework"],
        request=EpisodeConcernInputSerializer,
        responses={
            201: OpenApiResponse(EpisodeConcernsOutputSerializer, description="Raised."),
            400: OpenApiResponse(
                ErrorSerializer, description="Not valid, or already raised: nothing changed."
            ),
            403: OpenApiResponse(
                ErrorSerializer, description="Not signed in, no CSRF token, or not yours to do."
            ),
            **not_found("episode"),
        },
    )
    def post(self, request, episode_id: int):
        episode = episode_for_concern_or_404(user=request.user, episode_id=_id_or_404(episode_id))
        if not can_record_concerns(request.user, episode.child):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        episode_concern_raise(episode=episode, actor=request.user, **serializer.validated_data)
        view = episode_concerns_view(user=request.user, episode=episode)
        return Response(EpisodeConcernsOutputSerializer(view).data, status=status.HTTP_201_CREATED)


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
        **not_found("professional difference"),
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
