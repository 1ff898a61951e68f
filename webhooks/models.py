"""Clients' webhook endpoints and the log of every event delivered (or not) to them."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q


class WebhookEvent(models.TextChoices):
    """The events an endpoint can subscribe to."""

    CLAIM_PUBLISHED = "claim.published", "claim.published"
    CLAIM_UPDATED = "claim.updated", "claim.updated"
    CLAIM_UNPUBLISHED = "claim.unpublished", "claim.unpublished"
    ARTICLE_PROCESSED = "article.processed", "article.processed"


# Sent to one endpoint on request to test it; nobody subscribes to it.
PING_EVENT = "ping"


class WebhookEndpoint(models.Model):
    """A URL that receives the events it subscribes to, signed with its own secret.

    The secret is stored in plain text: an HMAC signature needs the key itself, so it cannot
    be hashed like an API key. It is shown once when created or rotated.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    # For endpoints an admin registers on behalf of a client that has no user account.
    client_name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2048)
    description = models.CharField(max_length=500, blank=True)
    events = models.JSONField(default=list, help_text="Event names this endpoint receives.")
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    # Deliveries that failed for good in a row; a success resets it.
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(client_name=""),
                name="webhook_endpoint_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: the exact payload sent, and how the last attempt went."""

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        SUCCEEDED = "succeeded", "succeeded"
        FAILED = "failed", "failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=64)
    # The same for every attempt and redelivery (and every endpoint) of one event, so
    # receivers can deduplicate.
    event_id = models.UUIDField()
    payload = models.JSONField(encoder=DjangoJSONEncoder, help_text="The JSON body sent.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_response_excerpt = models.TextField(blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # One entry per attempt: {"at", "status", "error", "duration_ms"} (the latest ones only).
    attempt_log = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker sends: a second copy of the task message skips the delivery until
    # then, and the sweeper knows the attempt is not lost.
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_endpoint"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id} → {self.endpoint_id}"
