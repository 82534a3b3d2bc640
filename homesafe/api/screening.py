"""The REST API's daily screening (homesafe.daily_screening): the missing coordinator's list of
police notifications in a range, and recording a decision on one. The same queries, service and
rules as the page: only missing coordinators, children through the access gate, reads logged,
decisions audited by the service."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from homesafe.api.views import MAX_ID, ErrorSerializer, _id_or_404, _SignedInRead
from homesafe.daily_screening.choices import NotificationKind, ScreeningOutcome
from homesafe.daily_screening.forms import ScreeningRangeForm
from homesafe.daily_screening.queries import (
    can_screen,
    screening_episode_for_user_or_404,
    screening_list_for_user,
)
from homesafe.daily_screening.services import NOTE_MAX, screening_decision_record

NOT_A_COORDINATOR = "Only missing coordinators screen police notifications."


class ScreeningDecisionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    episode_id = serializers.IntegerField()
    notification = serializers.ChoiceField(choices=NotificationKind.choices)
    decision = serializers.ChoiceField(choices=ScreeningOutcome.choices)
    note = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.__str__")
    decided_at = serializers.DateTimeField()


class PoliceTimeCorrectionOutputSerializer(serializers.Serializer):
    time = serializers.CharField(help_text="last_seen_at, reported_at or returned_at.")
    before = serializers.DateTimeField()
    after = serializers.DateTimeField()
    source = serializers.CharField(help_text="download or api.")
    corrected_at = serializers.DateTimeField()


class ScreeningNotificationOutputSerializer(serializers.Serializer):
    notification = serializers.ChoiceField(source="kind", choices=NotificationKind.choices)
    notified_at = serializers.DateTimeField(source="at")
    episode_id = serializers.IntegerField(source="episode.pk")
    child_id = serializers.IntegerField(source="episode.child_id")
    status = serializers.CharField(source="episode.status", help_text="missing or returned.")
    last_seen_at = serializers.DateTimeField(source="episode.last_seen_at")
    reported_at = serializers.DateTimeField(source="episode.reported_at")
    returned_at = serializers.DateTimeField(source="episode.returned_at", allow_null=True)
    police_risk = serializers.CharField(source="episode.current_risk", allow_null=True)
    duties = serializers.SerializerMethodField(
        help_text="What the episode set off: kind and state."
    )
    time_corrections = PoliceTimeCorrectionOutputSerializer(source="corrections", many=True)
    screened = serializers.BooleanField()
    decision = ScreeningDecisionOutputSerializer(allow_null=True, help_text="The current decision.")

    def get_duties(self, n) -> list[dict[str, str]]:
        return [{"kind": d.kind, "state": d.state} for d in n.episode.duties.all()]


class ScreeningCountsSerializer(serializers.Serializer):
    new = serializers.IntegerField()
    found = serializers.IntegerField()
    time_corrected = serializers.IntegerField()
    screened = serializers.IntegerField()
    to_screen = serializers.IntegerField()


class DailyScreeningOutputSerializer(serializers.Serializer):
    date_from = serializers.DateField(source="range.first_day")
    date_to = serializers.DateField(source="range.last_day")
    counts = ScreeningCountsSerializer()
    results = ScreeningNotificationOutputSerializer(source="notifications", many=True)


@extend_schema_serializer(component_name="ScreeningDecisionInput")
class ScreeningDecisionInputSerializer(serializers.Serializer):
    episode_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    notification = serializers.ChoiceField(choices=NotificationKind.choices)
    decision = serializers.ChoiceField(choices=ScreeningOutcome.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_MAX, help_text="Needed for 'other'."
    )


def _coordinator_only(request) -> None:
    if not can_screen(request.user):
        raise PermissionDenied(NOT_A_COORDINATOR)


_FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Not signed in, or not a missing coordinator."
)


class ScreeningListView(_SignedInRead, APIView):
    """Police notifications (new, found, times the police changed) about children you may see,
    newest first, with their decisions: since the last working day began unless a range is asked
    for. Missing coordinators only; logged as the page is."""

    @extend_schema(
        tags=["daily screening"],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD)."),
        ],
        responses={
            200: DailyScreeningOutputSerializer,
            400: OpenApiResponse(ErrorSerializer, description="The range is not valid."),
            403: _FORBIDDEN,
        },
    )
    def get(self, request):
        _coordinator_only(request)
        wanted = {k: request.query_params[k] for k in ("from", "to") if k in request.query_params}
        form = ScreeningRangeForm(wanted, now=timezone.now())
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            )
        screening = screening_list_for_user(user=request.user, range=form.screening_range())
        return Response(DailyScreeningOutputSerializer(screening).data)


class ScreeningDecisionView(_SignedInRead, APIView):
    """Record a decision on one notification; an earlier decision on it is kept, superseded."""

    @extend_schema(
        tags=["daily screening"],
        request=ScreeningDecisionInputSerializer,
        responses={
            201: OpenApiResponse(ScreeningDecisionOutputSerializer, description="Recorded."),
            400: OpenApiResponse(ErrorSerializer, description="Not valid: nothing recorded."),
            403: OpenApiResponse(
                ErrorSerializer,
                description="Not signed in, no CSRF token, or not a missing coordinator.",
            ),
            404: OpenApiResponse(ErrorSerializer, description="No such episode, or not yours."),
            409: OpenApiResponse(
                ErrorSerializer, description="The episode has no such notification."
            ),
        },
    )
    def post(self, request):
        _coordinator_only(request)
        serializer = ScreeningDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        episode = screening_episode_for_user_or_404(
            user=request.user, episode_id=_id_or_404(data["episode_id"])
        )
        decision = screening_decision_record(
            episode=episode,
            notification=data["notification"],
            decision=data["decision"],
            note=data.get("note", ""),
            actor=request.user,
        )
        return Response(
            ScreeningDecisionOutputSerializer(decision).data, status=status.HTTP_201_CREATED
        )
