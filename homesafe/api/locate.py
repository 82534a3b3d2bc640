"""The REST API of the search for a missing child (issue 16): an episode's sightings and leads
(read, record), its locate plan (read: actions, publicity, contacts with Missing People and the
UK Missing Persons Unit, the Safe and Well check; add an action; record an action's outcome),
and records of publicity, of those contacts and of the Safe and Well check, from people and
from police systems (their force's API key), idempotently by the client's key.

Every call goes through the queries and policy the pages use (homesafe.locate): an episode the
user may not see is a 404, one they see but may not change a 403; reads are audited by the
episode's gate as the page's are, writes by their service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from homesafe.access.models import Organisation
from homesafe.api.authentication import PoliceApiKeyAuthentication, client_actor
from homesafe.api.casework import not_found
from homesafe.api.views import _READ_ERRORS, ErrorSerializer, _id_or_404, _SignedInRead
from homesafe.episodes.choices import LocationKind
from homesafe.intake.models import PoliceApiKey
from homesafe.locate.choices import (
    LocateActionKind,
    MissingAgency,
    PublicityChannel,
    PublicityConsent,
    PublicityDecisionKind,
    SightingKind,
    SightingSource,
)
from homesafe.locate.models import MissingAgencyContact, Publicity, SafeAndWellCheck
from homesafe.locate.policy import (
    can_plan_locate,
    can_record_action_outcome,
    can_record_safe_and_well,
    can_record_sighting,
)
from homesafe.locate.queries import (
    episode_search,
    locate_action_get_for_user_or_404,
    publicity_get_for_force_or_404,
    publicity_get_for_user_or_404,
    search_episode_for_force_or_404,
    search_episode_for_user_or_404,
    search_record_for_client_key,
    sightings_for_episode,
)
from homesafe.locate.services import (
    locate_action_add,
    locate_action_record_outcome,
    missing_agency_contact_record,
    publicity_record,
    publicity_withdraw,
    safe_and_well_record,
    sighting_record,
)

KEY_REQUIRED = "Police systems send an idempotency key with every record."

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


# --- Writes from police systems and people: publicity, contacts, the Safe and Well check ----


class _PoliceSystemOrPerson(BasePermission):
    """A signed-in person, or a police system with its force's API key."""

    message = "Sign in, or send the force's API key: Authorization: Api-Key <key>."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PoliceApiKey) or bool(
            request.user and request.user.is_authenticated
        )


def _idempotency_key() -> serializers.CharField:
    return serializers.CharField(
        min_length=8,
        max_length=40,
        required=False,
        help_text="Your own unique key for this record (e.g. a UUID; police systems must send "
        "one): sending again with the same key records nothing more and answers 200 with the "
        "first record.",
    )


_RECORD_ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description="Not valid, naming the field, or not now (`episode_closed`: the child has "
        "returned; `episode_open`: not yet returned): nothing recorded.",
    ),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in and no valid API key."),
    403: OpenApiResponse(ErrorSerializer, description="No CSRF token, or not yours to record."),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The episode was recorded in error (`episode_voided`), its Safe and Well "
        "check is already recorded (`safe_and_well_recorded`), or the key was used for another "
        "record (`client_key_used`).",
    ),
}


class _SearchWrite(_SignedInRead, APIView):
    """Record one thing of an episode's search, for a police system (episodes reported to its
    force) or a person (locate.policy: `allowed`), idempotently by the client's key."""

    authentication_classes = [PoliceApiKeyAuthentication, SessionAuthentication]
    permission_classes = [_PoliceSystemOrPerson]
    model: type
    allowed = staticmethod(can_plan_locate)
    OutputSerializer: type[serializers.Serializer]
    InputSerializer: type[serializers.Serializer]
    # The locate service that records it: (episode=, actor=, client_key=, **fields) -> record.
    record: Callable[..., Any]

    def post(self, request, episode_id: int):
        episode_id = _id_or_404(episode_id)
        serializer = self.InputSerializer(data=request.data)
        if isinstance(request.auth, PoliceApiKey):
            force = request.auth.organisation
            episode = search_episode_for_force_or_404(force=force, episode_id=episode_id)
            actor, owner = client_actor(request.auth), f"force:{force.code}"
            serializer.is_valid(raise_exception=True)
            if not serializer.validated_data.get("idempotency_key"):
                raise serializers.ValidationError({"idempotency_key": [KEY_REQUIRED]})
        else:
            episode = search_episode_for_user_or_404(
                user=request.user, episode_id=episode_id, log_read=False
            )
            if not self.allowed(request.user, episode.child):
                raise PermissionDenied
            actor, owner = request.user, f"user:{request.user.pk}"
            serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        key = data.pop("idempotency_key", "")
        client_key = f"{owner}:{key}" if key else ""
        earlier = search_record_for_client_key(self.model, episode=episode, client_key=client_key)
        if earlier is not None:
            return Response(self.OutputSerializer(earlier).data, status=status.HTTP_200_OK)
        made = self.record(episode=episode, actor=actor, client_key=client_key, **data)
        return Response(self.OutputSerializer(made).data, status=status.HTTP_201_CREATED)


def _write_schema(output, request, what: str):
    return extend_schema(
        tags=["locate"],
        request=request,
        responses={
            201: OpenApiResponse(output, description=f"{what} recorded."),
            200: OpenApiResponse(
                output, description="This key was sent before: the first record, nothing more."
            ),
            **_RECORD_ERRORS,
            **not_found("episode"),
        },
    )


@extend_schema_serializer(component_name="PublicityInput")
class PublicityInputSerializer(serializers.Serializer):
    decided_at = serializers.DateTimeField()
    decision = serializers.ChoiceField(choices=PublicityDecisionKind.choices)
    approved_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=PublicityChannel.choices),
        required=False,
        max_length=len(PublicityChannel.choices),
    )
    consent = serializers.ChoiceField(
        choices=PublicityConsent.choices, required=False, allow_blank=True
    )
    reasons = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    idempotency_key = _idempotency_key()


class PublicityRecordedSerializer(PublicityOutputSerializer):
    episode_id = serializers.IntegerField()


class EpisodePublicityView(_SearchWrite):
    """Record a publicity decision while the child is missing: approved (who approved it, the
    channels, whose consent) or not (why). Police systems and those who plan the search."""

    model = Publicity
    InputSerializer = PublicityInputSerializer
    OutputSerializer = PublicityRecordedSerializer

    record = staticmethod(publicity_record)

    @_write_schema(PublicityRecordedSerializer, PublicityInputSerializer, "Publicity decision")
    def post(self, request, episode_id: int):
        return super().post(request, episode_id)


@extend_schema_serializer(component_name="MissingAgencyContactInput")
class MissingAgencyContactInputSerializer(serializers.Serializer):
    agency = serializers.ChoiceField(choices=MissingAgency.choices)
    contacted_at = serializers.DateTimeField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    idempotency_key = _idempotency_key()


class MissingAgencyContactRecordedSerializer(MissingAgencyContactOutputSerializer):
    episode_id = serializers.IntegerField()


class EpisodeMissingAgencyContactView(_SearchWrite):
    """Record contact with Missing People or the UK Missing Persons Unit (when, their
    reference). Police systems and those who plan the search."""

    model = MissingAgencyContact
    InputSerializer = MissingAgencyContactInputSerializer
    OutputSerializer = MissingAgencyContactRecordedSerializer

    record = staticmethod(missing_agency_contact_record)

    @_write_schema(
        MissingAgencyContactRecordedSerializer, MissingAgencyContactInputSerializer, "Contact"
    )
    def post(self, request, episode_id: int):
        return super().post(request, episode_id)


@extend_schema_serializer(component_name="SafeAndWellInput")
class SafeAndWellInputSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField()
    findings = serializers.CharField(max_length=10000)
    officer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    harm_disclosed = serializers.BooleanField(required=False, default=False)
    exploitation_indicators = serializers.BooleanField(required=False, default=False)
    idempotency_key = _idempotency_key()


class SafeAndWellRecordedSerializer(SafeAndWellOutputSerializer):
    id = serializers.IntegerField()
    episode_id = serializers.IntegerField()


class EpisodeSafeAndWellView(_SearchWrite):
    """Record the police Safe and Well (prevention) check after the child's return, once per
    episode: the force's system, and those who record the child's episodes."""

    model = SafeAndWellCheck
    allowed = staticmethod(can_record_safe_and_well)
    InputSerializer = SafeAndWellInputSerializer
    OutputSerializer = SafeAndWellRecordedSerializer

    record = staticmethod(safe_and_well_record)

    @_write_schema(SafeAndWellRecordedSerializer, SafeAndWellInputSerializer, "Safe and Well check")
    def post(self, request, episode_id: int):
        return super().post(request, episode_id)


class PublicityWithdrawnView(_SignedInRead, APIView):
    """Record that approved publicity was taken down (due once the child returns): the force's
    system for its own episodes, and those who plan the search. Safe to send again: publicity
    already withdrawn answers 200 with the time first recorded, and nothing changes."""

    authentication_classes = [PoliceApiKeyAuthentication, SessionAuthentication]
    permission_classes = [_PoliceSystemOrPerson]

    @extend_schema_serializer(component_name="PublicityWithdrawnInput")
    class InputSerializer(serializers.Serializer):
        withdrawn_at = serializers.DateTimeField(required=False, help_text="Default: now.")

    OutputSerializer = PublicityRecordedSerializer

    @extend_schema(
        tags=["locate"],
        request=InputSerializer,
        responses={
            200: OpenApiResponse(
                PublicityRecordedSerializer, description="Withdrawn (now or before)."
            ),
            400: OpenApiResponse(
                ErrorSerializer, description="Not valid (in the future, before the decision)."
            ),
            401: _RECORD_ERRORS[401],
            403: _RECORD_ERRORS[403],
            409: OpenApiResponse(
                ErrorSerializer,
                description="Publicity that was not approved (`publicity_not_live`).",
            ),
            **not_found("publicity"),
        },
    )
    def post(self, request, publicity_id: int):
        publicity_id = _id_or_404(publicity_id)
        if isinstance(request.auth, PoliceApiKey):
            publicity = publicity_get_for_force_or_404(
                force=request.auth.organisation, publicity_id=publicity_id
            )
            actor = client_actor(request.auth)
        else:
            publicity = publicity_get_for_user_or_404(user=request.user, publicity_id=publicity_id)
            if not can_plan_locate(request.user, publicity.child):
                raise PermissionDenied
            actor = request.user
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if publicity.withdrawn_at is None:
            publicity = publicity_withdraw(
                publicity=publicity, actor=actor, **serializer.validated_data
            )
        return Response(self.OutputSerializer(publicity).data)
