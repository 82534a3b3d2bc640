"""The REST API's "send a notification" (homesafe.duties.sending): for a notification whose told
party has no HomeSafe users, GET lists the told organisation's directory contacts; POST sends
the templated message to one of its secure mailboxes, idempotently by the client's key."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from homesafe.access.errors import ApplicationError
from homesafe.access.models import OrganisationContact
from homesafe.api.views import MAX_ID, ErrorSerializer, _id_or_404, _SignedInRead
from homesafe.duties.choices import MessageState
from homesafe.duties.models import OutboundMessage
from homesafe.duties.queries import duty_get_for_user_or_404
from homesafe.duties.sending import (
    ALREADY_SENDING,
    NOT_SENDABLE,
    SEND_FAILED,
    duty_send,
    duty_telling_directory,
)
from homesafe.duties.views import _can_work_on

NOT_ALLOWED = "You may not work on this duty."


class ContactOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    takes = serializers.CharField(help_text="`missing` (missing-child notifications) or `general`.")
    email = serializers.CharField()
    email_secure = serializers.BooleanField(help_text="A secure mailbox: the only kind sent to.")
    phone = serializers.CharField()
    out_of_hours_phone = serializers.CharField()


class TellingOutputSerializer(serializers.Serializer):
    tells_role = serializers.CharField()
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")
    contacts = ContactOutputSerializer(many=True)


@extend_schema_serializer(component_name="DutySend")
class DutySendInputSerializer(serializers.Serializer):
    contact = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The id of one of the told organisation's contacts with a secure mailbox.",
    )
    idempotency_key = serializers.CharField(
        min_length=8,
        max_length=40,
        help_text="Your own unique key for this send (e.g. a UUID): sending again with the same "
        "key sends nothing and answers with the first attempt.",
    )


class OutboundMessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    duty_id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=MessageState.choices)
    channel = serializers.CharField(help_text="`email` (the e-mail backend) or `notify`.")
    to_address = serializers.CharField()
    to_label = serializers.CharField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    failure = serializers.CharField()
    provider_reference = serializers.CharField()


_ERRORS = {
    403: OpenApiResponse(ErrorSerializer, description="Not signed in, or not yours to work on."),
    404: OpenApiResponse(ErrorSerializer, description="No such duty, or not yours to see."),
    409: OpenApiResponse(
        ErrorSerializer,
        description="Not an open notification whose told party is outside HomeSafe "
        "(`not_sendable`), or already being sent (`already_sending`).",
    ),
}


class DutySendView(_SignedInRead, APIView):
    """Tell a notification's told party from outside HomeSafe: its owners and those who may
    change the child's record (as on the duty's page)."""

    def _duty(self, request, duty_id: int):
        duty = duty_get_for_user_or_404(user=request.user, duty_id=_id_or_404(duty_id))
        return duty, _can_work_on(request.user, duty)

    @extend_schema(tags=["duties"], responses={200: TellingOutputSerializer, **_ERRORS})
    def get(self, request, duty_id: int):
        duty, allowed = self._duty(request, duty_id)
        if not allowed:
            raise ApplicationError(NOT_ALLOWED, code="not_allowed")
        directory = duty_telling_directory(duty)
        if directory is None:
            raise ApplicationError(NOT_SENDABLE, code="not_sendable")
        return Response(
            TellingOutputSerializer(
                {
                    "tells_role": duty.tells_role,
                    "organisation": directory.organisation,
                    "contacts": directory.contacts,
                }
            ).data
        )

    @extend_schema(
        tags=["duties"],
        request=DutySendInputSerializer,
        responses={
            201: OpenApiResponse(
                OutboundMessageOutputSerializer, description="Sent: the duty is done."
            ),
            200: OpenApiResponse(
                OutboundMessageOutputSerializer,
                description="This idempotency key was used before: its attempt, nothing sent.",
            ),
            400: OpenApiResponse(
                ErrorSerializer, description="Not valid (e.g. not a secure mailbox): nothing sent."
            ),
            502: OpenApiResponse(
                ErrorSerializer,
                description="The e-mail service refused it (`send_failed`): recorded, the duty "
                "stays open. `message` is the attempt.",
            ),
            **_ERRORS,
        },
    )
    def post(self, request, duty_id: int):
        duty, allowed = self._duty(request, duty_id)
        if not allowed:
            raise ApplicationError(NOT_ALLOWED, code="not_allowed")
        serializer = DutySendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token = f"api:{request.user.pk}:{data['idempotency_key']}"
        earlier = OutboundMessage.objects.filter(token=token, duty=duty).first()
        if earlier is not None:
            return Response(OutboundMessageOutputSerializer(earlier).data)
        contact = OrganisationContact.objects.filter(pk=data["contact"]).first()
        if contact is None:
            raise serializers.ValidationError({"contact": ["No such contact."]})
        message = duty_send(duty=duty, contact=contact, token=token, actor=request.user)
        answer = OutboundMessageOutputSerializer(message).data
        if message.state == MessageState.FAILED:
            detail = SEND_FAILED.format(to=message.to_label, failure=message.failure)
            return Response(
                {"code": "send_failed", "detail": detail, "message": answer},
                status=status.HTTP_502_BAD_GATEWAY,
            )
        if message.state == MessageState.SENDING:
            raise ApplicationError(ALREADY_SENDING, code="already_sending")
        return Response(answer, status=status.HTTP_201_CREATED)
