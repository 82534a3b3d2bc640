"""The REST API's meetings and meeting actions: reads through homesafe.meetings.queries (a
meeting is seen through its children, and of a locality MACE only the parts about children the
user may see, never the others' ids), and one write, completing an action, through the
meetings service (which checks the policy again and audits)."""

from __future__ import annotations

import django_filters
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.api.views import (
    _LIST_ERRORS,
    _READ_ERRORS,
    MAX_ID,
    ErrorSerializer,
    _AuditedList,
    _id_or_404,
    _SignedInRead,
)
from homesafe.meetings.choices import FulfilledDuty, MeetingKind, MeetingStatus, NoteKind
from homesafe.meetings.models import MeetingChild
from homesafe.meetings.policy import can_complete_action, completes_seen_action
from homesafe.meetings.queries import (
    action_get_for_user_or_404,
    actions_visible_to,
    meeting_children_visible_to,
    meeting_view_for_user,
    meetings_visible_to,
)
from homesafe.meetings.services import ALREADY_COMPLETED, NOT_ALLOWED, meeting_complete_action
from homesafe.people.queries import children_visible_to


class MeetingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices)
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices)
    child = django_filters.NumberFilter(
        method="filter_child", min_value=1, max_value=MAX_ID, label="About this child"
    )
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="Held (or planned for) on or after"
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="Held (or planned for) on or before"
    )

    def filter_child(self, queryset, name, value):
        # Only a child the user may see: naming another child must not reveal their meetings.
        child = children_visible_to(user=self.request.user).filter(pk=value).values("pk")
        return queryset.filter(
            Exists(MeetingChild.objects.filter(meeting=OuterRef("pk"), child__in=child))
        )

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(
            Q(held_at__date__gte=value) | Q(held_at__isnull=True, planned_for__date__gte=value)
        )

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(
            Q(held_at__date__lte=value) | Q(held_at__isnull=True, planned_for__date__lte=value)
        )


class MeetingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(
        help_text="strategy, multi_agency, mace_child, mace_locality or missing_panel."
    )
    status = serializers.CharField(help_text="planned, held or cancelled.")
    local_authority = serializers.CharField(source="local_authority.code")
    planned_for = serializers.DateTimeField(allow_null=True)
    held_at = serializers.DateTimeField(allow_null=True)
    chair_name = serializers.CharField()
    chair_organisation = serializers.CharField(
        source="chair_organisation.code", allow_null=True, default=None
    )
    child_ids = serializers.SerializerMethodField(help_text="Only the children you may see.")
    others_hidden = serializers.SerializerMethodField(
        help_text="True: other children were discussed, not shown to you."
    )

    def get_child_ids(self, meeting) -> list[int]:
        return self.context["child_ids"].get(meeting.pk, [])

    def get_others_hidden(self, meeting) -> bool:
        return meeting.children_count > len(self.get_child_ids(meeting))


@extend_schema(
    tags=["meetings"], responses={200: MeetingOutputSerializer(many=True), **_LIST_ERRORS}
)
class MeetingListView(_AuditedList, generics.ListAPIView):
    """Meetings about at least one child the signed-in user may see, newest first."""

    serializer_class = MeetingOutputSerializer
    filterset_class = MeetingFilter
    audit_verb = AuditVerb.MEETINGS_LISTED
    audit_target_type = "meetings.meeting"

    def get_queryset(self):
        return (
            meetings_visible_to(user=self.request.user)
            .select_related("local_authority", "chair_organisation")
            .annotate(children_count=Count("child_links"))
            .order_by("-held_at", "-planned_for", "-pk")
        )

    def get_serializer(self, *args, **kwargs):
        meetings = list(args[0]) if args else []
        child_ids = meeting_children_visible_to(
            user=self.request.user, meeting_ids=[m.pk for m in meetings]
        )
        kwargs["context"] = {**self.get_serializer_context(), "child_ids": child_ids}
        return MeetingOutputSerializer(*args, **kwargs)


class ActionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting_id = serializers.IntegerField()
    child_id = serializers.IntegerField(allow_null=True, help_text="Null: the whole meeting.")
    description = serializers.CharField()
    owner_organisation = serializers.CharField(source="owner_organisation.code")
    owner_person_id = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField()
    overdue = serializers.BooleanField(source="is_overdue")
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_by_id = serializers.IntegerField(allow_null=True)
    completion_note = serializers.CharField()


class MeetingActionOutputSerializer(ActionOutputSerializer):
    can_complete = serializers.SerializerMethodField(help_text="You may complete it now.")

    def get_can_complete(self, action) -> bool:
        view = self.context["view"]
        return completes_seen_action(self.context["user"], action, can_record=view.can_record)


class FulfilmentOutputSerializer(serializers.Serializer):
    episode_id = serializers.IntegerField()
    duty = serializers.ChoiceField(
        choices=FulfilledDuty.choices,
        help_text="The episode's duty (its kind) the meeting fulfils: done once it is held.",
    )


class MeetingChildOutputSerializer(serializers.Serializer):
    child_id = serializers.IntegerField()
    episode_ids = serializers.SerializerMethodField()
    fulfils = FulfilmentOutputSerializer(source="fulfilments.all", many=True)

    def get_episode_ids(self, link) -> list[int]:
        return [episode.pk for episode in link.episodes.all()]


class InvitationOutputSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")
    attendance = serializers.CharField()
    attendee_name = serializers.CharField()


class NoteOutputSerializer(serializers.Serializer):
    child_id = serializers.IntegerField(allow_null=True, help_text="Null: the whole meeting.")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class MeetingPlaceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField(source="__str__")


class DiscussedPersonOutputSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    name = serializers.CharField(source="person.name")
    child_id = serializers.IntegerField(help_text="The child (one you may see) it was about.")
    link_id = serializers.IntegerField(source="pk")


class MeetingDetailOutputSerializer(MeetingOutputSerializer):
    persons_discussed = serializers.CharField(help_text="As the meeting described them.")
    persons_of_concern = serializers.SerializerMethodField(
        help_text="Persons of concern linked from this meeting, about children you may see."
    )
    places = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()
    invitations = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    risks = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_child_ids(self, meeting) -> list[int]:
        return [link.child_id for link in self.context["view"].children]

    def get_others_hidden(self, meeting) -> bool:
        return self.context["view"].others_hidden

    @extend_schema_field(DiscussedPersonOutputSerializer(many=True))
    def get_persons_of_concern(self, meeting):
        return DiscussedPersonOutputSerializer(self.context["view"].person_links, many=True).data

    @extend_schema_field(MeetingPlaceOutputSerializer(many=True))
    def get_places(self, meeting):
        return MeetingPlaceOutputSerializer(self.context["view"].locations, many=True).data

    @extend_schema_field(MeetingChildOutputSerializer(many=True))
    def get_children(self, meeting):
        return MeetingChildOutputSerializer(self.context["view"].children, many=True).data

    @extend_schema_field(InvitationOutputSerializer(many=True))
    def get_invitations(self, meeting):
        return InvitationOutputSerializer(self.context["view"].invitations, many=True).data

    def _notes(self, kind: str):
        notes = [n for n in self.context["view"].notes if n.kind == kind]
        return NoteOutputSerializer(notes, many=True).data

    @extend_schema_field(NoteOutputSerializer(many=True))
    def get_decisions(self, meeting):
        return self._notes(NoteKind.DECISION)

    @extend_schema_field(NoteOutputSerializer(many=True))
    def get_risks(self, meeting):
        return self._notes(NoteKind.RISK)

    @extend_schema_field(MeetingActionOutputSerializer(many=True))
    def get_actions(self, meeting):
        return MeetingActionOutputSerializer(
            self.context["view"].actions, many=True, context=self.context
        ).data


@extend_schema(
    tags=["meetings"],
    responses={
        200: MeetingDetailOutputSerializer,
        404: OpenApiResponse(ErrorSerializer, description="No such meeting, or not yours."),
        **_READ_ERRORS,
    },
)
class MeetingDetailView(_SignedInRead, generics.GenericAPIView):
    """A meeting as the user may see it: of a locality MACE, only the parts about their children."""

    serializer_class = MeetingDetailOutputSerializer

    def get(self, request, meeting_id: int):
        view = meeting_view_for_user(user=request.user, meeting_id=_id_or_404(meeting_id))
        context = {"view": view, "user": request.user}
        return Response(MeetingDetailOutputSerializer(view.meeting, context=context).data)


ACTION_STATES = [
    ("open", "Not completed"),
    ("overdue", "Not completed and past its due date"),
    ("completed", "Completed"),
]


class ActionFilter(django_filters.FilterSet):
    owner_organisation = django_filters.CharFilter(
        field_name="owner_organisation__code", label="The owning agency's code"
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label="Only actions I own")
    state = django_filters.ChoiceFilter(choices=ACTION_STATES, method="filter_state")
    child = django_filters.NumberFilter(
        field_name="child_id", min_value=1, max_value=MAX_ID, label="About this child"
    )
    meeting = django_filters.NumberFilter(field_name="meeting_id", min_value=1, max_value=MAX_ID)
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    def filter_mine(self, queryset, name, value):
        return queryset.filter(owner_person_id=self.request.user.pk) if value else queryset

    def filter_state(self, queryset, name, value):
        if value == "completed":
            return queryset.filter(completed_at__isnull=False)
        queryset = queryset.filter(completed_at__isnull=True)
        if value == "overdue":
            queryset = queryset.filter(due_on__lt=timezone.localdate())
        return queryset


@extend_schema(
    tags=["meetings"], responses={200: ActionOutputSerializer(many=True), **_LIST_ERRORS}
)
class ActionListView(_AuditedList, generics.ListAPIView):
    """Actions from meetings the user may see, about their children or the whole meeting."""

    serializer_class = ActionOutputSerializer
    filterset_class = ActionFilter
    audit_verb = AuditVerb.MEETING_ACTIONS_LISTED
    audit_target_type = "meetings.meetingaction"

    def get_queryset(self):
        return (
            actions_visible_to(user=self.request.user)
            .select_related("owner_organisation")
            .order_by("due_on", "pk")
        )


@extend_schema_serializer(component_name="ActionCompletion")
class ActionCompleteInputSerializer(serializers.Serializer):
    completed_at = serializers.DateTimeField(
        required=False,
        help_text="When it was done (ISO 8601): not in the future, nor before the meeting or the "
        "action was recorded; now if absent.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="What was done."
    )


class ActionCompleteView(_SignedInRead, APIView):
    """Complete a meeting action: those who may record the meeting, the action's owner, and a
    police coordinator of the owning force (meetings.policy); audited by the service."""

    InputSerializer = ActionCompleteInputSerializer

    @extend_schema(
        tags=["meetings"],
        request=ActionCompleteInputSerializer,
        responses={
            200: OpenApiResponse(ActionOutputSerializer, description="Completed."),
            400: OpenApiResponse(ErrorSerializer, description="Not valid: nothing changed."),
            403: OpenApiResponse(
                ErrorSerializer, description="Not signed in, no CSRF token, or not yours to do."
            ),
            404: OpenApiResponse(ErrorSerializer, description="No such action, or not yours."),
            409: OpenApiResponse(ErrorSerializer, description="Already completed."),
        },
    )
    def post(self, request, action_id: int):
        action = action_get_for_user_or_404(user=request.user, action_id=_id_or_404(action_id))
        if action.completed_at is not None:
            raise ApplicationError(ALREADY_COMPLETED, code="action_completed")
        if not can_complete_action(request.user, action):
            raise ApplicationError(NOT_ALLOWED, code="not_allowed")
        serializer = self.InputSerializer(data=request.data, context={"action": action})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        action = meeting_complete_action(
            action=action,
            completed_at=data.get("completed_at") or timezone.now(),
            note=data.get("note", ""),
            actor=request.user,
        )
        return Response(ActionOutputSerializer(action).data)
