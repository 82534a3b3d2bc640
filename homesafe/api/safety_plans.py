"""The REST API for the child's safety plan (issue 16): the plan in force, any version, and a
new version (the first plan, or a review after a return). The same gate, policy and audit as the
pages: a child the user may not see is a 404, a child they see whose plan is not theirs to see
a 403; each read is audited as the page's (`safety_plan.viewed`), each save by the service."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from homesafe.access.policy import can_record_safety_plan
from homesafe.api.views import _READ_ERRORS, MAX_ID, ErrorSerializer, _id_or_404, _SignedInRead
from homesafe.safety_plans.choices import AssessmentMethod, Indicator, RiskLevel
from homesafe.safety_plans.models import PLAN_TEXT_FIELDS
from homesafe.safety_plans.queries import (
    review_episode_choices,
    safety_plan_child_for_user_or_404,
    safety_plan_page_for_user_or_404,
    safety_plan_version_for_user_or_404,
)
from homesafe.safety_plans.services import safety_plan_save

NO_PLAN = "No safety plan has been made for this child"
REVIEW_EPISODE_NOT_FOUND = "No returned episode of this child has that id"


class SafetyPlanOutputSerializer(serializers.Serializer):
    child_id = serializers.IntegerField()
    version = serializers.IntegerField(source="number")
    saved_at = serializers.DateTimeField()
    saved_by = serializers.SerializerMethodField(help_text="Who saved it; blank for a client.")
    review_of_episode_id = serializers.IntegerField(allow_null=True, source="review_of_id")
    indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=Indicator.choices),
        help_text="Seed 004's indicators present, as codes (those the record shows included).",
    )
    method = serializers.ChoiceField(choices=AssessmentMethod.choices)
    score = serializers.IntegerField()
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    reasons = serializers.CharField()
    risks = serializers.CharField()
    triggers = serializers.CharField()
    curfew = serializers.CharField()
    family_time = serializers.CharField()
    contact = serializers.CharField()
    placement = serializers.CharField()
    who_does_what = serializers.CharField()
    child_words = serializers.CharField()
    carers_views = serializers.CharField()
    made_with_child = serializers.BooleanField()
    advocacy_offered = serializers.BooleanField()
    advocacy_notes = serializers.CharField()
    changed_fields = serializers.ListField(
        child=serializers.CharField(), help_text="What this version changed."
    )

    def get_saved_by(self, version) -> str:
        return str(version.saved_by) if version.saved_by else ""


@extend_schema_serializer(component_name="SafetyPlanVersionInput")
class SafetyPlanInputSerializer(serializers.Serializer):
    indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=Indicator.choices), required=False, default=list
    )
    method = serializers.ChoiceField(choices=AssessmentMethod.choices)
    risk_level = serializers.ChoiceField(
        choices=RiskLevel.choices,
        required=False,
        allow_null=True,
        help_text="Professional judgement only (with reasons).",
    )
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    risks = serializers.CharField(max_length=10000)
    who_does_what = serializers.CharField(max_length=10000)
    triggers = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    curfew = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    family_time = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    contact = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    placement = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    child_words = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    carers_views = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    advocacy_notes = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    made_with_child = serializers.BooleanField(required=False, default=False)
    advocacy_offered = serializers.BooleanField(required=False, default=False)
    review_of_episode_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="The returned episode this review follows.",
    )


_PLAN_ERRORS = {
    404: OpenApiResponse(ErrorSerializer, description="No such child, not yours, or no plan."),
    **_READ_ERRORS,
    403: OpenApiResponse(
        ErrorSerializer, description="Not signed in, or the child's plan is not yours to see."
    ),
}


class SafetyPlanView(_SignedInRead, APIView):
    """The child's safety plan in force (GET) and a new version of it (POST: the first plan or
    a review; those who may change the child). The service audits and re-plans: a version
    saved after a return closes that return's safety_plan_review duty."""

    InputSerializer = SafetyPlanInputSerializer
    OutputSerializer = SafetyPlanOutputSerializer

    @extend_schema(tags=["casework"], responses={200: SafetyPlanOutputSerializer, **_PLAN_ERRORS})
    def get(self, request, child_id: int):
        page = safety_plan_page_for_user_or_404(user=request.user, child_id=_id_or_404(child_id))
        if page.current is None:
            raise Http404(NO_PLAN)
        return Response(self.OutputSerializer(page.current).data)

    @extend_schema(
        tags=["casework"],
        request=SafetyPlanInputSerializer,
        responses={
            201: OpenApiResponse(SafetyPlanOutputSerializer, description="Saved as a version."),
            400: OpenApiResponse(ErrorSerializer, description="Not valid: nothing changed."),
            403: OpenApiResponse(
                ErrorSerializer, description="Not signed in, no CSRF token, or not yours to do."
            ),
            404: OpenApiResponse(ErrorSerializer, description="No such child, or not yours."),
        },
    )
    def post(self, request, child_id: int):
        child = safety_plan_child_for_user_or_404(
            user=request.user, child_id=_id_or_404(child_id), log_read=False
        )
        if not can_record_safety_plan(request.user, child):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        episode_id = data.pop("review_of_episode_id", None)
        review_of = None
        if episode_id is not None:
            review_of = review_episode_choices(child=child).filter(pk=episode_id).first()
            if review_of is None:
                raise serializers.ValidationError(
                    {"review_of_episode_id": [REVIEW_EPISODE_NOT_FOUND]}
                )
        text = {name: data.pop(name) for name in PLAN_TEXT_FIELDS if name in data}
        version = safety_plan_save(
            child=child, actor=request.user, review_of=review_of, **data, **text
        )
        return Response(self.OutputSerializer(version).data, status=status.HTTP_201_CREATED)


class SafetyPlanVersionView(_SignedInRead, APIView):
    """One version of the child's safety plan: old versions stay readable."""

    @extend_schema(tags=["casework"], responses={200: SafetyPlanOutputSerializer, **_PLAN_ERRORS})
    def get(self, request, child_id: int, number: int):
        version = safety_plan_version_for_user_or_404(
            user=request.user, child_id=_id_or_404(child_id), number=_id_or_404(number)
        )
        return Response(SafetyPlanOutputSerializer(version).data)
