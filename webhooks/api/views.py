"""Webhook endpoints over REST: each user manages their own; the secret is shown once."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import StrictCharField, StrictURLField
from core.errors import ApplicationError
from webhooks import services
from webhooks.api.permissions import CanManageWebhooks
from webhooks.models import WebhookEndpoint, WebhookEvent
from webhooks.selectors import (
    deliveries_for_endpoint,
    delivery_get,
    endpoint_get_for_owner,
    endpoints_for_owner,
)

ENDPOINT_EXAMPLE = {
    "id": 3,
    "url": "https://hooks.newsroom.example/claimdesk",
    "description": "Publish verdicts on our site",
    "events": ["claim.published", "claim.unpublished"],
    "is_active": True,
    "disabled_reason": "",
    "consecutive_failures": 0,
    "created_at": "2026-11-25T10:00:00Z",
    "updated_at": "2026-11-25T10:00:00Z",
}
SECRET_EXAMPLE = "whsec_3q2-7wXb0ZxXv1kZbq8Jm0nJ6yY4Qyq3G9cUu8fYw0s"  # noqa: S105  (docs example)
DELIVERY_EXAMPLE: dict[str, Any] = {
    "id": 41,
    "endpoint": 3,
    "event": "claim.published",
    "event_id": "0b9a3f3e-4c1e-4f6e-9d63-0d5c7d0b6a11",
    "payload": {
        "id": "0b9a3f3e-4c1e-4f6e-9d63-0d5c7d0b6a11",
        "event": "claim.published",
        "created_at": "2026-11-25T10:05:00+00:00",
        "data": {"claim": {"id": 812}},
    },
    "state": "succeeded",
    "attempts": 2,
    "last_status": 200,
    "last_error": "",
    "last_response_excerpt": "ok",
    "last_duration_ms": 84,
    "attempt_log": [
        {"at": "2026-11-25T10:05:01+00:00", "status": 503, "error": "HTTP 503", "duration_ms": 40},
        {"at": "2026-11-25T10:05:33+00:00", "status": 200, "error": "", "duration_ms": 84},
    ],
    "created_at": "2026-11-25T10:05:00Z",
    "delivered_at": "2026-11-25T10:05:33Z",
    "next_attempt_at": None,
}


class WebhookEndpointOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.URLField()
    description = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    disabled_reason = serializers.CharField()
    consecutive_failures = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class WebhookEndpointWithSecretOutputSerializer(WebhookEndpointOutputSerializer):
    secret = serializers.CharField(help_text="Shown only now: store it to verify signatures.")


class WebhookDeliveryOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    endpoint = serializers.IntegerField(source="endpoint_id")
    event = serializers.CharField()
    event_id = serializers.UUIDField()
    payload = serializers.JSONField()
    state = serializers.CharField()
    attempts = serializers.IntegerField()
    last_status = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    last_response_excerpt = serializers.CharField()
    last_duration_ms = serializers.IntegerField(allow_null=True)
    attempt_log = serializers.JSONField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)


class WebhookPagination(CursorPagination):
    ordering = "-id"
    page_size = 50


def _events_field(*, required: bool) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        min_length=1,  # for the schema (minItems); allow_empty gives the clearer message
        required=required,
    )


class WebhookApi(APIView):
    """Every webhooks view: one permission, and an owner only ever finds their own rows."""

    permission_classes = [CanManageWebhooks]

    def owner(self, request: Request) -> User:
        # The permission class lets only authenticated users through.
        return cast(User, request.user)

    def get_endpoint(self, request: Request, endpoint_id: int) -> WebhookEndpoint:
        endpoint = endpoint_get_for_owner(owner=self.owner(request), endpoint_id=endpoint_id)
        if endpoint is None:
            raise ApplicationError(
                f"No webhook endpoint with id {endpoint_id}.", code="not_found", status=404
            )
        return endpoint


class WebhookListCreateApi(WebhookApi):
    # Also tells drf-spectacular that the list is a cursor page.
    pagination_class = WebhookPagination

    @extend_schema_serializer(component_name="WebhookCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        url = StrictURLField(max_length=2048)
        events = _events_field(required=True)
        description = StrictCharField(required=False, allow_blank=True, max_length=500)

    @extend_schema(
        responses=WebhookEndpointOutputSerializer(many=True),
        summary="Your webhook endpoints",
        examples=[
            OpenApiExample(
                "A page",
                value={"next": None, "previous": None, "results": [ENDPOINT_EXAMPLE]},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        endpoints = endpoints_for_owner(owner=self.owner(request))
        page = paginator.paginate_queryset(endpoints, request, self)
        return paginator.get_paginated_response(
            WebhookEndpointOutputSerializer(page, many=True).data
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: WebhookEndpointWithSecretOutputSerializer},
        summary="Register a webhook endpoint",
        description=(
            "The URL must be https and resolve to a public address. The response carries the "
            "signing secret; it is not shown again (rotate it to get a new one)."
        ),
        examples=[
            OpenApiExample(
                "Register",
                value={
                    "url": "https://hooks.newsroom.example/claimdesk",
                    "events": ["claim.published", "claim.unpublished"],
                    "description": "Publish verdicts on our site",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Registered",
                value={**ENDPOINT_EXAMPLE, "secret": SECRET_EXAMPLE},
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.endpoint_create(owner=self.owner(request), **serializer.validated_data)
        return Response(
            WebhookEndpointWithSecretOutputSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )


class WebhookDetailApi(WebhookApi):
    @extend_schema_serializer(component_name="WebhookUpdateInput")
    class InputSerializer(serializers.Serializer[Any]):
        url = StrictURLField(max_length=2048, required=False)
        events = _events_field(required=False)
        description = StrictCharField(required=False, allow_blank=True, max_length=500)
        is_active = serializers.BooleanField(
            required=False, help_text="true re-enables a disabled endpoint."
        )

    @extend_schema(
        responses=WebhookEndpointOutputSerializer,
        summary="One of your webhook endpoints",
        examples=[OpenApiExample("Endpoint", value=ENDPOINT_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, endpoint_id: int) -> Response:
        return Response(
            WebhookEndpointOutputSerializer(self.get_endpoint(request, endpoint_id)).data
        )

    @extend_schema(
        request=InputSerializer,
        responses=WebhookEndpointOutputSerializer,
        summary="Change an endpoint (or re-enable it with is_active=true)",
        examples=[
            OpenApiExample("Re-enable", value={"is_active": True}, request_only=True),
            OpenApiExample("Endpoint", value=ENDPOINT_EXAMPLE, response_only=True),
        ],
    )
    def patch(self, request: Request, endpoint_id: int) -> Response:
        endpoint = self.get_endpoint(request, endpoint_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(endpoint=endpoint, **serializer.validated_data)
        return Response(WebhookEndpointOutputSerializer(endpoint).data)

    @extend_schema(responses={204: None}, summary="Delete an endpoint and its delivery log")
    def delete(self, request: Request, endpoint_id: int) -> Response:
        services.endpoint_delete(endpoint=self.get_endpoint(request, endpoint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListApi(WebhookApi):
    pagination_class = WebhookPagination

    @extend_schema(
        responses=WebhookDeliveryOutputSerializer(many=True),
        summary="The endpoint's delivery log, newest first",
        examples=[
            OpenApiExample(
                "A page",
                value={"next": None, "previous": None, "results": [DELIVERY_EXAMPLE]},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, endpoint_id: int) -> Response:
        endpoint = self.get_endpoint(request, endpoint_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            deliveries_for_endpoint(endpoint=endpoint), request, self
        )
        return paginator.get_paginated_response(
            WebhookDeliveryOutputSerializer(page, many=True).data
        )


class WebhookRedeliverApi(WebhookApi):
    @extend_schema(
        request=None,
        responses={202: WebhookDeliveryOutputSerializer},
        summary="Send a delivery again (same event id, fresh signature)",
        examples=[
            OpenApiExample(
                "Queued",
                value={**DELIVERY_EXAMPLE, "state": "pending", "attempts": 0},
                response_only=True,
                status_codes=["202"],
            )
        ],
    )
    def post(self, request: Request, endpoint_id: int, delivery_id: int) -> Response:
        endpoint = self.get_endpoint(request, endpoint_id)
        if delivery_get(endpoint=endpoint, delivery_id=delivery_id) is None:
            raise ApplicationError(
                f"No delivery with id {delivery_id} for this endpoint.",
                code="not_found",
                status=404,
            )
        delivery = services.delivery_redeliver(delivery_id=delivery_id)
        return Response(
            WebhookDeliveryOutputSerializer(delivery).data, status=status.HTTP_202_ACCEPTED
        )


class WebhookPingApi(WebhookApi):
    @extend_schema(
        request=None,
        responses={202: WebhookDeliveryOutputSerializer},
        summary="Send a ping event to the endpoint",
        examples=[
            OpenApiExample(
                "Queued",
                value={
                    **DELIVERY_EXAMPLE,
                    "event": "ping",
                    "state": "pending",
                    "attempts": 0,
                    "payload": {
                        **DELIVERY_EXAMPLE["payload"],
                        "event": "ping",
                        "data": {"endpoint": 3},
                    },
                },
                response_only=True,
                status_codes=["202"],
            )
        ],
    )
    def post(self, request: Request, endpoint_id: int) -> Response:
        delivery = services.endpoint_ping(endpoint=self.get_endpoint(request, endpoint_id))
        return Response(
            WebhookDeliveryOutputSerializer(delivery).data, status=status.HTTP_202_ACCEPTED
        )


class WebhookSecretOutputSerializer(serializers.Serializer[Any]):
    secret = serializers.CharField()


class WebhookRotateSecretApi(WebhookApi):
    @extend_schema(
        request=None,
        responses=WebhookSecretOutputSerializer,
        summary="Replace the signing secret (takes effect at once; shown only now)",
        examples=[OpenApiExample("New secret", value={"secret": SECRET_EXAMPLE})],
    )
    def post(self, request: Request, endpoint_id: int) -> Response:
        secret = services.endpoint_rotate_secret(endpoint=self.get_endpoint(request, endpoint_id))
        return Response(WebhookSecretOutputSerializer({"secret": secret}).data)
