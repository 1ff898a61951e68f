"""Reads for the webhooks API: an owner only ever sees their own endpoints."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoints_for_owner(*, owner: AbstractBaseUser | AnonymousUser) -> QuerySet[WebhookEndpoint]:
    if not owner.is_authenticated:
        # owner_id=None would match the endpoints registered for client names.
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(owner_id=owner.pk).order_by("-id")


def endpoint_get_for_owner(
    *, owner: AbstractBaseUser | AnonymousUser, endpoint_id: int
) -> WebhookEndpoint | None:
    return endpoints_for_owner(owner=owner).filter(pk=endpoint_id).first()


def deliveries_for_endpoint(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-id")


def delivery_get(*, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery | None:
    return deliveries_for_endpoint(endpoint=endpoint).filter(pk=delivery_id).first()
