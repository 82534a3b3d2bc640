"""The REST API of the search for a missing child (issue 16): an episode's sightings and leads
(read, record), its locate plan (read: actions, publicity, contacts with Missing People and the
UK Missing Persons Unit, the Safe and Well check; add an action; record an action's outcome).

Every call goes through the queries and policy the pages use (homesafe.locate): an episode the
user may not see is a 404, one they see but may not change a 403; reads are audited by the
episode's gate as the page's are, writes by their service.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from homesafe.access.models import Organisation
from homesafe.api.casework import not_found
from homesafe.api.views import _READ_ERRORS, ErrorSerializer, _id_or_404, _SignedInRead
from homesafe.episodes.choices import LocationKind
from homesafe.locate.choices import LocateActionKind, SightingKind, SightingSource
from homesafe.locate.policy import can_plan_locate, can_record_action_outcome, can_record_sighting
from homesafe.locate.queries import (
    episode_search,
    locate_action_get_for_user_or_404,
    search_episode_for_user_or_404,
    sightings_for_episode,
)
from homesafe.locate.services import (
    locate_action_add,
    locate_action_record_outcome,
    sighting_record,
)

_WRITE_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Not valid: nothing changed."),
    403: OpenApiResponse(
        ErrorSerializer, description="Not signed in, no CSRF token, or not yours to do."
    ),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The episode's state refuses it (recorded in error, returned; the action "
        "already done).",
    ),
}


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    description = serializers.CharField()
    postcode = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)


class SightingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    episode_id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    kind = serializers.CharField()
    seen_at = serializers.DateTimeField()
    place = PlaceSerializer(source="location", allow_null=True)
    source = serializers.CharField()
    source_detail = serializers.CharField()
    note = serializers.CharField()
    recorded_by_organisation = serializers.CharField(
        source="recorded_by_organisation.code", allow_null=True, default=None
    )
    recorded_by_system = serializers.CharField(source="recorded_by_label")


class EpisodeSightingsView(_SignedInRead, APIView):
    """An episode's sightings and leads in time order (GET), and recording one (POST): any
    agency that may see the child (locate.policy)."""

    @extend_schema_serializer(component_name="SightingInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=SightingKind.choices, default=SightingKind.SIGHTING)
        seen_at = serializers.DateTimeField()
        source = serializers.ChoiceField(choices=SightingSource.choices)
        source_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
        place = serializers.CharField(max_length=300, required=False, allow_blank=True)
        place_kind = serializers.ChoiceField(
            choices=LocationKind.choices, required=False, default=LocationKind.OTHER
        )
        postcode = serializers.RegexField(
            r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$",
            max_length=8,
            required=False,
            allow_blank=True,
        )
        note = serializers.CharField(max_length=10000, required=False, allow_blank=True)

    OutputSerializer = SightingOutputSerializer

    @extend_schema(
        tags=["locate"],
        operation_id="episode_sightings_list",
        responses={
            200: SightingOutputSerializer(many=True),
            **not_found("episode"),
            **_READ_ERRORS,
        },
    )
    def get(self, request, episode_id: int):
        episode = search_episode_for_user_or_404(
            user=request.user, episode_id=_id_or_404(episode_id)
        )
        sightings = sightings_for_episode(episode=episode)
        return Response(self.OutputSerializer(sightings, many=True).data)

    @extend_schema(
        tags=["locate"],
        operation_id="episode_sightings_create",
        request=InputSerializer,
        responses={
            201: OpenApiResponse(SightingOutputSerializer, description="Recorded."),
            **_WRITE_ERRORS,
            **not_found("episode"),
        },
    )
    def post(self, request, episode_id: int):
        episode = search_episode_for_user_or_404(
            user=request.user, episode_id=_id_or_404(episode_id), log_read=False
        )
        if not can_record_sighting(request.user, episode.child):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sighting = sighting_record(episode=episode, actor=request.user, **serializer.validated_data)
        return Response(self.OutputSerializer(sighting).data, status=status.HTTP_201_CREATED)


class LocateActionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    episode_id = serializers.IntegerField()
    kind = serializers.CharField()
    description = serializers.CharField()
    owner_organisation = serializers.CharField(source="owner_organisation.code")
    done = serializers.BooleanField(source="is_done")
    done_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()


class PublicityOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    decided_at = serializers.DateTimeField()
    decision = serializers.CharField()
    approved_by = serializers.CharField()
    channels = serializers.ListField(child=serializers.CharField())
    consent = serializers.CharField()
    reasons = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class MissingAgencyContactOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.CharField()
    contacted_at = serializers.DateTimeField()
    reference = serializers.CharField()
    note = serializers.CharField()


class SafeAndWellOutputSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField()
    police_force = serializers.CharField(source="police_force.code", allow_null=True, default=None)
    officer = serializers.CharField()
    findings = serializers.CharField()
    harm_disclosed = serializers.BooleanField()
    exploitation_indicators = serializers.BooleanField()


class LocatePlanOutputSerializer(serializers.Serializer):
    episode_id = serializers.IntegerField(source="episode.pk")
    actions = LocateActionOutputSerializer(many=True)
    publicity = PublicityOutputSerializer(many=True)
    publicity_to_withdraw = serializers.SerializerMethodField(
        help_text="Ids of approved publicity still out after the child returned."
    )
    contacts = MissingAgencyContactOutputSerializer(many=True)
    safe_and_well = SafeAndWellOutputSerializer(allow_null=True)

    def get_publicity_to_withdraw(self, search) -> list[int]:
        return [p.pk for p in search.publicity_to_withdraw]


class EpisodeLocatePlanView(_SignedInRead, APIView):
    """An episode's locate plan: its actions by agency, publicity, contacts with Missing People
    and the UK Missing Persons Unit, and the police Safe and Well check."""

    OutputSerializer = LocatePlanOutputSerializer

    @extend_schema(
        tags=["locate"],
        responses={200: LocatePlanOutputSerializer, **not_found("episode"), **_READ_ERRORS},
    )
    def get(self, request, episode_id: int):
        episode = search_episode_for_user_or_404(
            user=request.user, episode_id=_id_or_404(episode_id)
        )
        return Response(
            self.OutputSerializer(episode_search(user=request.user, episode=episode)).data
        )


class LocateActionCreateView(_SignedInRead, APIView):
    """Add an action to an open episode's locate plan (those who plan the search)."""

    @extend_schema_serializer(component_name="LocateActionInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=LocateActionKind.choices)
        description = serializers.CharField(max_length=500)
        owner_organisation = serializers.SlugRelatedField(
            slug_field="code",
            queryset=Organisation.objects.all(),
            help_text="The acting agency's code (`homesafe organisations` lists them).",
        )

    OutputSerializer = LocateActionOutputSerializer

    @extend_schema(
        tags=["locate"],
        request=InputSerializer,
        responses={
            201: OpenApiResponse(LocateActionOutputSerializer, description="Added."),
            **_WRITE_ERRORS,
            **not_found("episode"),
        },
    )
    def post(self, request, episode_id: int):
        episode = search_episode_for_user_or_404(
            user=request.user, episode_id=_id_or_404(episode_id), log_read=False
        )
        if not can_plan_locate(request.user, episode.child):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = locate_action_add(episode=episode, actor=request.user, **serializer.validated_data)
        return Response(self.OutputSerializer(action).data, status=status.HTTP_201_CREATED)


class LocateActionOutcomeView(_SignedInRead, APIView):
    """Record the outcome of an action: it is done (those who plan, and the owning agency)."""

    @extend_schema_serializer(component_name="LocateActionOutcomeInput")
    class InputSerializer(serializers.Serializer):
        outcome = serializers.CharField(max_length=10000)
        done_at = serializers.DateTimeField(required=False)

    OutputSerializer = LocateActionOutputSerializer

    @extend_schema(
        tags=["locate"],
        request=InputSerializer,
        responses={
            200: OpenApiResponse(LocateActionOutputSerializer, description="Done."),
            **_WRITE_ERRORS,
            **not_found("action"),
        },
    )
    def post(self, request, action_id: int):
        action = locate_action_get_for_user_or_404(
            user=request.user, action_id=_id_or_404(action_id)
        )
        if not can_record_action_outcome(request.user, action):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = locate_action_record_outcome(
            action=action, actor=request.user, **serializer.validated_data
        )
        return Response(self.OutputSerializer(action).data)
