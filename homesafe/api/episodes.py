"""The REST API's changes to an episode: correct its details with a reason, or mark it
recorded in error (void) with a reason.

Both name the version they change (If-Match: the ETag of the client's last read of the
episode, GET /api/v1/episodes/{id}/): a change made on an older version is refused with 412
naming the fields changed meanwhile, one without a version with 428. Who may: as on the pages
(homesafe.episodes.policy). The services audit the change and re-plan the child's duties.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from homesafe.access.choices import OrganisationType
from homesafe.access.models import Organisation
from homesafe.api.errors import etag
from homesafe.api.views import (
    EpisodeOutputSerializer,
    ErrorSerializer,
    StaleSerializer,
    _id_or_404,
    _if_match,
    _SignedInRead,
)
from homesafe.episodes.choices import (
    EpisodeType,
    FoundBy,
    PrePlannedIndicator,
    ReportedBy,
    RiskGrade,
)
from homesafe.episodes.policy import can_correct_episode
from homesafe.episodes.queries import episode_get_for_user_or_404
from homesafe.episodes.services_corrections import (
    REASON_MAX_LENGTH,
    episode_correct,
    episode_edit_version,
    episode_void,
)

NOT_ALLOWED = "You may not correct this episode."


@extend_schema_serializer(component_name="EpisodeCorrection")
class EpisodeCorrectInputSerializer(serializers.Serializer):
    """The details to correct (only those sent; a value equal to the current one is left out of
    the correction) and why. Places are corrected on the episode's page."""

    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, help_text="Why: what was wrong and how you know."
    )
    episode_type = serializers.ChoiceField(choices=EpisodeType.choices, required=False)
    last_seen_at = serializers.DateTimeField(required=False)
    reported_at = serializers.DateTimeField(required=False)
    reported_by = serializers.ChoiceField(choices=ReportedBy.choices, required=False)
    reported_by_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    police_force = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.filter(type=OrganisationType.POLICE),
        required=False,
        allow_null=True,
        help_text="The force's code.",
    )
    police_reference = serializers.CharField(max_length=50, required=False, allow_blank=True)
    risk = serializers.ChoiceField(
        choices=RiskGrade.choices,
        required=False,
        help_text="Corrects the current grading's grade (recorded wrongly); not a re-grading.",
    )
    pre_planned_indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=PrePlannedIndicator.choices),
        required=False,
        max_length=len(PrePlannedIndicator.choices),
    )
    exploitation_concern = serializers.BooleanField(required=False)
    trafficking_concern = serializers.BooleanField(required=False)
    circumstances = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    description_and_clothing = serializers.CharField(
        max_length=5000, required=False, allow_blank=True
    )
    returned_at = serializers.DateTimeField(required=False, help_text="A returned episode only.")
    found_by = serializers.ChoiceField(
        choices=FoundBy.choices, required=False, help_text="A returned episode only."
    )
    stayed_where = serializers.CharField(max_length=300, required=False, allow_blank=True)
    stayed_with = serializers.CharField(max_length=300, required=False, allow_blank=True)


@extend_schema_serializer(component_name="EpisodeVoid")
class EpisodeVoidInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        help_text="Why the episode was recorded in error (the wrong child, recorded twice...).",
    )


_IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of your last read of the episode: the version you change.",
)
_ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 412],
    description="The episode's version after the change (412: the current version).",
)


def _responses(done: str) -> dict:
    return {
        200: OpenApiResponse(EpisodeOutputSerializer, description=done),
        400: OpenApiResponse(
            ErrorSerializer, description="Not valid (`errors` names the field): nothing changed."
        ),
        403: OpenApiResponse(
            ErrorSerializer, description="Not signed in, no CSRF token, or not yours to change."
        ),
        404: OpenApiResponse(ErrorSerializer, description="No such episode, or not yours."),
        409: OpenApiResponse(
            ErrorSerializer, description="The episode is recorded in error (`episode_voided`)."
        ),
        412: OpenApiResponse(
            StaleSerializer,
            description="Changed by someone else since your read: `changed` names the fields; "
            "the ETag header is the current version. Nothing changed.",
        ),
        428: OpenApiResponse(ErrorSerializer, description="No If-Match header."),
    }


class _EpisodeChange(_SignedInRead, APIView, ABC):
    """Parse, authorise, call one service, answer with the episode and its new version."""

    InputSerializer: type[serializers.Serializer]

    @abstractmethod
    def change(self, *, episode, data: dict, version: str) -> None:
        """Call the one service this operation is, with the checked input and If-Match."""

    def post(self, request, episode_id: int):
        episode = episode_get_for_user_or_404(
            user=request.user, episode_id=_id_or_404(episode_id), log_read=False
        )
        if not can_correct_episode(request.user, episode.child):
            raise DjangoPermissionDenied(NOT_ALLOWED)
        version = _if_match(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A rule broken, a stale version or a field problem: homesafe.api.errors answers.
        self.change(episode=episode, data=dict(serializer.validated_data), version=version)
        episode = episode_get_for_user_or_404(
            user=request.user, episode_id=episode.pk, log_read=False
        )
        response = Response(EpisodeOutputSerializer(episode).data)
        response["ETag"] = etag(episode_edit_version(episode))
        return response


class EpisodeCorrectView(_EpisodeChange):
    """Correct an episode's details, with the reason: the values before are kept in its
    history and the audit, and the child's duties are re-planned. For an episode the police
    reported, their next download or update puts their times back."""

    InputSerializer = EpisodeCorrectInputSerializer

    def change(self, *, episode, data: dict, version: str) -> None:
        reason = data.pop("reason")
        episode_correct(
            episode=episode, changes=data, reason=reason, actor=self.request.user, version=version
        )

    @extend_schema(
        tags=["changes"],
        summary="Correct an episode (If-Match: the ETag of your last read)",
        request=EpisodeCorrectInputSerializer,
        parameters=[_IF_MATCH, _ETAG],
        responses=_responses("Corrected: the episode as it is now."),
    )
    def post(self, request, episode_id: int):
        return super().post(request, episode_id)


class EpisodeVoidView(_EpisodeChange):
    """Mark an episode recorded in error, with the reason: its open duties are closed as not
    needed with that reason, it leaves every list and count, and stays readable (status
    `voided`) for the record."""

    InputSerializer = EpisodeVoidInputSerializer

    def change(self, *, episode, data: dict, version: str) -> None:
        episode_void(
            episode=episode, reason=data["reason"], actor=self.request.user, version=version
        )

    @extend_schema(
        tags=["changes"],
        summary="Mark an episode recorded in error (If-Match: the ETag of your last read)",
        request=EpisodeVoidInputSerializer,
        parameters=[_IF_MATCH, _ETAG],
        responses=_responses("Marked recorded in error: the episode as it is now."),
    )
    def post(self, request, episode_id: int):
        return super().post(request, episode_id)
