"""The REST API, version 1: police events in (API key per force) and need-to-know reads (signed in).

One class per operation, each with its input and output serializers; the work is the services'
(homesafe.intake.services) and the reads go through the access gate (queries modules).
"""

from __future__ import annotations

import datetime as dt
import logging

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from homesafe.access.audit import audit_children_shown
from homesafe.access.choices import AuditVerb
from homesafe.access.policy import can_change_child
from homesafe.access.times import not_in_future
from homesafe.api.authentication import IsPoliceClient, PoliceApiKeyAuthentication, client_actor
from homesafe.api.errors import api_exception_handler, etag
from homesafe.api.pagination import BoundedPagination
from homesafe.duties.choices import DUTY_KIND_CHOICES, DutyState
from homesafe.duties.owners import duties_owned_q
from homesafe.duties.queries import duties_visible_to, duty_get_for_user_or_404
from homesafe.episodes.choices import EpisodeStatus, FoundBy, RiskGrade
from homesafe.episodes.queries import episode_get_for_user_or_404, episodes_visible_to
from homesafe.episodes.services_corrections import episode_edit_version
from homesafe.intake.choices import EventOutcome, PoliceEventType
from homesafe.intake.notifications import NotificationError, notification_parse
from homesafe.intake.services import WRONG_FORCE, police_event_receive
from homesafe.people.choices import Sex
from homesafe.people.queries import child_get_for_user_or_404, children_visible_to
from homesafe.people.services import child_details_version, child_update

logger = logging.getLogger(__name__)

VERSION_REQUIRED = (
    "Send the version you changed: the ETag of your last read of the record, in If-Match."
)
MAX_ID = 2**63 - 1  # the largest id a database holds: a larger one cannot exist


def _id_or_404(value: int) -> int:
    if value > MAX_ID:
        raise Http404
    return value


ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(required=False),
    },
)


class EventOutputSerializer(serializers.Serializer):
    event_id = serializers.CharField()
    police_reference = serializers.CharField()
    event_type = serializers.ChoiceField(choices=PoliceEventType.choices)
    outcome = serializers.ChoiceField(choices=EventOutcome.choices)
    duplicate = serializers.BooleanField(help_text="True: this event was already received.")
    episode_id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(allow_blank=True, help_text="Why a rejected event was refused.")
    message = serializers.CharField(allow_blank=True)


class EventInputSerializer(serializers.Serializer):
    force = serializers.CharField(
        max_length=20, help_text="The force's code (its organisation code)."
    )
    police_reference = serializers.CharField(max_length=50)
    event_id = serializers.CharField(
        max_length=100, help_text="Unique per report; sending the same event again changes nothing."
    )
    occurred_at = serializers.DateTimeField(help_text="When it happened (ISO 8601).")

    def validate_occurred_at(self, value: dt.datetime) -> dt.datetime:
        not_in_future(value)
        return value

    def validate_police_reference(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Enter the police reference.")
        return value.strip()

    def payload(self) -> dict:
        """The event's own details, JSON-safe, as stored with the event."""
        common = {"force", "police_reference", "event_id", "occurred_at"}
        payload = {}
        for name, value in self.validated_data.items():
            if name in common:
                continue
            payload[name] = value.isoformat() if isinstance(value, dt.date) else value
        return payload


class _PoliceEventView(APIView):
    """Receive one kind of police event for the key's own force."""

    authentication_classes = [PoliceApiKeyAuthentication]
    permission_classes = [IsPoliceClient]
    event_type: str = ""
    InputSerializer = EventInputSerializer

    def get_exception_handler(self):
        return api_exception_handler

    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        force = request.auth.organisation
        if data["force"] != force.code:
            return Response(
                {"code": "wrong_force", "detail": WRONG_FORCE}, status=status.HTTP_403_FORBIDDEN
            )
        received = police_event_receive(
            force=force,
            event_type=self.event_type,
            police_reference=data["police_reference"],
            event_id=data["event_id"],
            occurred_at=data["occurred_at"],
            payload=serializer.payload(),
            actor=client_actor(request.auth),
        )
        event = received.event
        body = EventOutputSerializer(
            {
                "event_id": event.event_id,
                "police_reference": event.police_reference,
                "event_type": event.event_type,
                "outcome": event.outcome,
                "duplicate": received.duplicate,
                "episode_id": event.episode_id,
                "code": event.outcome_code,
                "message": event.outcome_message,
            }
        ).data
        if received.duplicate:
            return Response(body, status=status.HTTP_200_OK)
        if event.outcome == EventOutcome.REJECTED:
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(body, status=status.HTTP_201_CREATED)


def _event_schema(input_serializer, summary: str):
    return extend_schema(
        summary=summary,
        request=input_serializer,
        responses={
            201: OpenApiResponse(
                EventOutputSerializer, description="Received and applied or kept."
            ),
            200: OpenApiResponse(EventOutputSerializer, description="Already received: no change."),
            409: OpenApiResponse(EventOutputSerializer, description="Received, but refused."),
            400: OpenApiResponse(ErrorSerializer, description="Not valid: nothing stored."),
            401: OpenApiResponse(ErrorSerializer, description="No valid API key."),
            403: OpenApiResponse(ErrorSerializer, description="Another force's event."),
        },
        tags=["police events"],
    )


class MissingReportedEventView(_PoliceEventView):
    event_type = PoliceEventType.MISSING_REPORTED

    @extend_schema_serializer(component_name="MissingReportedEvent")
    class InputSerializer(EventInputSerializer):
        person_id = serializers.CharField(max_length=50, required=False, allow_blank=True)
        la_child_id = serializers.CharField(max_length=30, required=False, allow_blank=True)
        nhs_number = serializers.CharField(max_length=12, required=False, allow_blank=True)
        forename = serializers.CharField(max_length=100, required=False, allow_blank=True)
        surname = serializers.CharField(max_length=100, required=False, allow_blank=True)
        aliases = serializers.ListField(
            child=serializers.CharField(max_length=200), required=False, max_length=20
        )
        date_of_birth = serializers.DateField(required=False, allow_null=True)
        sex = serializers.ChoiceField(choices=Sex.choices, required=False)
        postcode = serializers.CharField(max_length=8, required=False, allow_blank=True)
        reported_at = serializers.DateTimeField(
            required=False, help_text="When reported to police; the event's time if not given."
        )
        last_seen_at = serializers.DateTimeField(required=False)
        last_seen_location = serializers.CharField(max_length=300, required=False, allow_blank=True)
        risk = serializers.ChoiceField(choices=RiskGrade.choices)
        pre_planned = serializers.BooleanField(required=False, default=False)

        def validate(self, attrs):
            values = {**attrs, "reported_at": attrs.get("reported_at") or attrs["occurred_at"]}
            try:
                self.notification = notification_parse(values, codes={}, now=timezone.now())
            except NotificationError as error:
                raise serializers.ValidationError({error.field: [error.reason]}) from None
            return attrs

        def payload(self) -> dict:
            values = self.notification.as_json()
            values.pop("police_reference")
            if not self.notification.last_seen_known:
                # Stored without it, so that the police's record is not taken to know a
                # last-seen time when it gave none (homesafe.intake.police_times).
                values.pop("last_seen_at")
            return values

    @_event_schema(InputSerializer, "A child is reported missing")
    def post(self, request):
        return super().post(request)


class RiskRegradedEventView(_PoliceEventView):
    event_type = PoliceEventType.RISK_REGRADED

    @extend_schema_serializer(component_name="RiskRegradedEvent")
    class InputSerializer(EventInputSerializer):
        risk = serializers.ChoiceField(choices=RiskGrade.choices)
        rationale = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    @_event_schema(InputSerializer, "The police re-graded the risk")
    def post(self, request):
        return super().post(request)


class SightingEventView(_PoliceEventView):
    event_type = PoliceEventType.SIGHTING

    @extend_schema_serializer(component_name="SightingEvent")
    class InputSerializer(EventInputSerializer):
        location = serializers.CharField(max_length=300, required=False, allow_blank=True)
        postcode = serializers.RegexField(
            r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$",
            max_length=8,
            required=False,
            allow_blank=True,
        )
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    @_event_schema(InputSerializer, "A sighting of, or update about, the missing child")
    def post(self, request):
        return super().post(request)


class FoundEventView(_PoliceEventView):
    event_type = PoliceEventType.FOUND

    @extend_schema_serializer(component_name="FoundEvent")
    class InputSerializer(EventInputSerializer):
        found_by = serializers.ChoiceField(choices=FoundBy.choices, required=False)
        found_location = serializers.CharField(max_length=300, required=False, allow_blank=True)

    @_event_schema(InputSerializer, "The child was found or returned (at occurred_at)")
    def post(self, request):
        return super().post(request)


class ClosedEventView(_PoliceEventView):
    event_type = PoliceEventType.CLOSED

    @extend_schema_serializer(component_name="ClosedEvent")
    class InputSerializer(EventInputSerializer):
        closed_reason = serializers.CharField(
            max_length=200, help_text="The police closing reason, in the force's words."
        )
        found_by = serializers.ChoiceField(choices=FoundBy.choices, required=False)

        def validate_closed_reason(self, value: str) -> str:
            if not value.strip():
                raise serializers.ValidationError("Enter the closing reason.")
            return value.strip()

    @_event_schema(InputSerializer, "The police closed the report, with their reason")
    def post(self, request):
        return super().post(request)


# --- Reads for signed-in people, through the access gate ---------------------------------------


class ChildFilter(django_filters.FilterSet):
    date_of_birth = django_filters.DateFilter()
    la_child_id = django_filters.CharFilter()


class ChildOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    sex = serializers.CharField()
    la_child_id = serializers.CharField()
    police_person_id = serializers.CharField()
    responsible_la = serializers.CharField(source="responsible_la.code")


class _SignedInRead:
    pagination_class = BoundedPagination

    def get_exception_handler(self):
        return api_exception_handler


def _child_ids_in(items, *, children: bool) -> list[int]:
    """The children an answer's items name: each item's `child_id` or `child_ids` (or, for a
    list of children, its `id`)."""
    found: list[int] = []
    for item in items:
        if children:
            found.append(item["id"])
        if item.get("child_id") is not None:
            found.append(item["child_id"])
        found.extend(item.get("child_ids") or [])
    return found


class _AuditedList(_SignedInRead):
    """A list read: one audit entry naming the filters used (not their values) and every child
    the answer names (ids, read from the answer itself, so nothing shown goes unrecorded)."""

    audit_verb: AuditVerb
    audit_target_type: str

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        data = response.data
        items = data.get("results", []) if isinstance(data, dict) else data
        audit_children_shown(
            actor=request.user,
            verb=self.audit_verb,
            target_type=self.audit_target_type,
            child_ids=_child_ids_in(items, children=self.audit_target_type == "people.child"),
            payload={"api": True, "filters": sorted(request.query_params)},
        )
        return response


_READ_ERRORS = {
    403: OpenApiResponse(ErrorSerializer, description="Not signed in."),
}
_LIST_ERRORS = {
    **_READ_ERRORS,
    400: OpenApiResponse(ErrorSerializer, description="A filter is not valid."),
}


@extend_schema(tags=["reads"], responses={200: ChildOutputSerializer(many=True), **_LIST_ERRORS})
class ChildListView(_AuditedList, generics.ListAPIView):
    """Children the signed-in user may see."""

    serializer_class = ChildOutputSerializer
    filterset_class = ChildFilter
    audit_verb = AuditVerb.CHILDREN_SEARCHED
    audit_target_type = "people.child"

    def get_queryset(self):
        return (
            # A record merged into another is kept for the log, not listed (as in search).
            children_visible_to(user=self.request.user)
            .filter(merged_into__isnull=True)
            .select_related("responsible_la")
            .order_by("pk")
        )


class VersionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = VERSION_REQUIRED
    default_code = "version_required"


def _if_match(request) -> str:
    """The version the client changed: If-Match's entity tag (one, as the ETag gave it)."""
    tag = request.headers.get("If-Match", "").strip().removeprefix("W/")
    if not tag or tag == "*":
        raise VersionRequired
    return tag.strip('"')


class ChildChangeInputSerializer(serializers.Serializer):
    """The details to change (only those sent); the rest stay as they are."""

    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    date_of_birth = serializers.DateField(required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    la_child_id = serializers.CharField(max_length=30, required=False, allow_blank=True)
    police_person_id = serializers.CharField(max_length=50, required=False, allow_blank=True)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )


StaleSerializer = inline_serializer(
    name="StaleEdit",
    fields={
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "changed": serializers.ListField(child=serializers.CharField()),
    },
)


_ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 412],
    description="The version of the child's details: send it as If-Match with a change.",
)


@extend_schema(
    tags=["reads"],
    parameters=[_ETAG],
    responses={
        200: ChildOutputSerializer,
        404: OpenApiResponse(ErrorSerializer, description="No such child, or not yours to see."),
        **_READ_ERRORS,
    },
)
class ChildDetailView(_SignedInRead, generics.RetrieveAPIView):
    """A child; the ETag header is the version to send back in If-Match with a change."""

    serializer_class = ChildOutputSerializer

    def get_object(self):
        return child_get_for_user_or_404(
            user=self.request.user, child_id=_id_or_404(self.kwargs["child_id"])
        )

    def retrieve(self, request, *args, **kwargs):
        child = self.get_object()
        response = Response(ChildOutputSerializer(child).data)
        response["ETag"] = etag(child_details_version(child))
        return response

    @extend_schema(
        tags=["changes"],
        summary="Change a child's details (If-Match: the ETag of your last read)",
        request=ChildChangeInputSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="The ETag of your last read of the child: the version you changed.",
            ),
            _ETAG,
        ],
        responses={
            200: ChildOutputSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Not valid: nothing changed."),
            403: OpenApiResponse(ErrorSerializer, description="Not yours to change."),
            404: OpenApiResponse(ErrorSerializer, description="No such child, or not yours."),
            412: OpenApiResponse(
                StaleSerializer,
                description="Changed by someone else since your read: `changed` names the "
                "fields; the ETag header is the current version. Nothing changed.",
            ),
            428: OpenApiResponse(ErrorSerializer, description="No If-Match header."),
        },
    )
    def patch(self, request, child_id: int):
        child = child_get_for_user_or_404(
            user=request.user, child_id=_id_or_404(child_id), log_read=False
        )
        if not can_change_child(request.user, child):
            raise DjangoPermissionDenied
        version = _if_match(request)
        serializer = ChildChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        child = child_update(
            child=child, actor=request.user, version=version, **serializer.validated_data
        )
        response = Response(ChildOutputSerializer(child).data)
        response["ETag"] = etag(child_details_version(child))
        return response


class EpisodeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=EpisodeStatus.choices,
        help_text="`voided`: the episodes recorded in error, left out of the list otherwise.",
    )
    child = django_filters.NumberFilter(field_name="child_id", min_value=1, max_value=MAX_ID)


class EpisodeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    episode_type = serializers.CharField()
    status = serializers.CharField()
    last_seen_at = serializers.DateTimeField()
    reported_at = serializers.DateTimeField()
    police_force = serializers.CharField(source="police_force.code", allow_null=True, default=None)
    police_reference = serializers.CharField()
    current_risk = serializers.CharField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    found_by = serializers.CharField()
    police_closed_reason = serializers.CharField()
    voided_at = serializers.DateTimeField(
        allow_null=True, help_text="When it was marked recorded in error (status `voided`)."
    )
    void_reason = serializers.CharField(help_text="Why it was recorded in error.")


@extend_schema(tags=["reads"], responses={200: EpisodeOutputSerializer(many=True), **_LIST_ERRORS})
class EpisodeListView(_AuditedList, generics.ListAPIView):
    """Missing episodes of the children the signed-in user may see."""

    serializer_class = EpisodeOutputSerializer
    filterset_class = EpisodeFilter
    audit_verb = AuditVerb.EPISODES_LISTED
    audit_target_type = "episodes.missingepisode"

    def get_queryset(self):
        voided = self.request.query_params.get("status") == EpisodeStatus.VOIDED
        return (
            episodes_visible_to(user=self.request.user, include_voided=voided)
            .select_related("police_force")
            .order_by("-last_seen_at", "-pk")
        )


@extend_schema(
    tags=["reads"],
    parameters=[
        OpenApiParameter(
            "ETag",
            str,
            OpenApiParameter.HEADER,
            response=[200],
            description="The version of the episode: send it as If-Match with a correction "
            "or a void.",
        )
    ],
    responses={
        200: EpisodeOutputSerializer,
        404: OpenApiResponse(ErrorSerializer, description="No such episode, or not yours to see."),
        **_READ_ERRORS,
    },
)
class EpisodeDetailView(_SignedInRead, generics.RetrieveAPIView):
    """An episode (one recorded in error too, with status `voided`); the ETag header is the
    version to send back in If-Match with a correction or a void."""

    serializer_class = EpisodeOutputSerializer

    def get_object(self):
        return episode_get_for_user_or_404(
            user=self.request.user, episode_id=_id_or_404(self.kwargs["episode_id"])
        )

    def retrieve(self, request, *args, **kwargs):
        episode = self.get_object()
        response = Response(EpisodeOutputSerializer(episode).data)
        response["ETag"] = etag(episode_edit_version(episode))
        return response


class DutyFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=DutyState.choices)
    kind = django_filters.ChoiceFilter(choices=DUTY_KIND_CHOICES)
    child = django_filters.NumberFilter(field_name="child_id", min_value=1, max_value=MAX_ID)
    episode = django_filters.NumberFilter(field_name="episode_id", min_value=1, max_value=MAX_ID)
    mine = django_filters.BooleanFilter(method="filter_mine", label="Only duties I own")

    def filter_mine(self, queryset, name, value):
        return queryset.filter(duties_owned_q(self.request.user)) if value else queryset


class DutyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    child_id = serializers.IntegerField()
    episode_id = serializers.IntegerField()
    kind = serializers.CharField()
    state = serializers.CharField()
    overdue = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField()
    owner_role = serializers.CharField()
    owner_organisation = serializers.CharField(source="owner_organisation.code")
    owner_user_id = serializers.IntegerField(allow_null=True)
    needs_owner = serializers.CharField(
        help_text="Why nobody could be named to act or to be told (blank when someone is)."
    )
    tells_role = serializers.CharField(
        help_text="For a notification or alert, the role told (never owner_role); else blank."
    )
    told_organisation = serializers.CharField(
        source="told_organisation.code", allow_null=True, default=None
    )
    told_user_id = serializers.IntegerField(allow_null=True)
    told_at = serializers.DateTimeField(allow_null=True)
    rule = serializers.CharField()
    reason = serializers.CharField()
    protocol_version = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_overdue(self, duty) -> bool:
        return duty.is_overdue()


@extend_schema(tags=["reads"], responses={200: DutyOutputSerializer(many=True), **_LIST_ERRORS})
class DutyListView(_AuditedList, generics.ListAPIView):
    """Duties of the children the signed-in user may see (`mine=true`: only those they own)."""

    serializer_class = DutyOutputSerializer
    filterset_class = DutyFilter
    audit_verb = AuditVerb.DUTIES_LISTED
    audit_target_type = "duties.duty"

    def get_queryset(self):
        return (
            duties_visible_to(user=self.request.user)
            .select_related("owner_organisation", "told_organisation")
            .order_by("due_at", "pk")
        )


@extend_schema(
    tags=["reads"],
    responses={
        200: DutyOutputSerializer,
        404: OpenApiResponse(ErrorSerializer, description="No such duty, or not yours to see."),
        **_READ_ERRORS,
    },
)
class DutyDetailView(_SignedInRead, generics.RetrieveAPIView):
    serializer_class = DutyOutputSerializer

    def get_object(self):
        return duty_get_for_user_or_404(
            user=self.request.user, duty_id=_id_or_404(self.kwargs["duty_id"])
        )
