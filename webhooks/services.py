"""Webhooks: register endpoints, publish events, deliver them (with retries) and redeliver.

Delivery is at least once: every attempt of one event carries the same event id, which
receivers use to drop repeats. One attempt runs at a time per delivery (`locked_until`).
"""

from __future__ import annotations

import json
import random
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import http_client
from core.conf import conf as core_conf
from core.errors import ApplicationError, PermanentError, TransientError
from core.tasks import enqueue_on_commit
from webhooks import signing
from webhooks.conf import conf
from webhooks.metrics import DELIVERY_ATTEMPTS
from webhooks.models import PING_EVENT, WebhookDelivery, WebhookEndpoint, WebhookEvent

SECRET_PREFIX = "whsec_"  # noqa: S105  (a recognisable label, not a secret)
# How much of a receiver's answer is kept on the delivery, and how many attempts are logged.
RESPONSE_EXCERPT_BYTES = 1024
ATTEMPT_LOG_KEEP = 20


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _field_error(field: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, extra={"errors": {field: [message]}})


def _check_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if unknown:
        raise _field_error("events", f"Unknown events: {', '.join(unknown)}.", "unknown_event")
    if not events:
        raise _field_error("events", "Subscribe to at least one event.", "no_events")
    return sorted(set(events))


def endpoint_url_check(url: str) -> None:
    """Refuse URLs deliveries could never (or should never) reach, when they are registered
    rather than at the first delivery. The delivery itself checks the address again."""
    parts = urlsplit(url)
    schemes = {"https", "http"} if conf().allow_http else {"https"}
    if parts.scheme not in schemes:
        raise _field_error("url", f"The URL must use {' or '.join(sorted(schemes))}.", "bad_url")
    if parts.username or parts.password:
        raise _field_error(
            "url", "The URL must not contain credentials; verify the signature instead.", "bad_url"
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise _field_error("url", "The URL has an invalid port.", "bad_url") from exc
    if not parts.hostname:
        raise _field_error("url", "The URL has no host.", "bad_url")
    try:
        http_client.resolve_checked(parts.hostname, port)
    except http_client.BlockedAddressError as exc:
        raise _field_error(
            "url",
            f"{parts.hostname} resolves to a private or reserved address; "
            "webhooks are only sent to public addresses.",
            "blocked_address",
        ) from exc
    except PermanentError as exc:
        raise _field_error("url", f"{parts.hostname} is not a valid host name.", "bad_url") from exc
    except TransientError as exc:
        raise _field_error("url", f"{parts.hostname} does not resolve.", "bad_url") from exc


# endpoint_create and endpoint_update make one write each, and are not wrapped in a
# transaction: the URL check resolves DNS, which must not hold SQLite's write lock.
def endpoint_create(
    *,
    url: str,
    events: list[str],
    description: str = "",
    owner: User | None = None,
    client_name: str = "",
) -> WebhookEndpoint:
    """Register an endpoint with a new secret (the caller shows it once)."""
    endpoint_url_check(url)
    endpoint = WebhookEndpoint(
        owner=owner,
        client_name=client_name,
        url=url,
        description=description,
        events=_check_events(events),
        secret=_new_secret(),
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    if url is not None and url != endpoint.url:
        endpoint_url_check(url)
        endpoint.url = url
    if events is not None:
        endpoint.events = _check_events(events)
    if description is not None:
        endpoint.description = description
    if is_active is True and not endpoint.is_active:
        _reenable(endpoint)
    elif is_active is False and endpoint.is_active:
        endpoint.is_active = False
        endpoint.disabled_reason = "Disabled by hand."
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def _reenable(endpoint: WebhookEndpoint) -> None:
    endpoint.is_active = True
    endpoint.disabled_reason = ""
    endpoint.consecutive_failures = 0


@transaction.atomic
def endpoint_enable(*, endpoint_id: int) -> WebhookEndpoint:
    """Turn a disabled endpoint back on with a clean failure count (admin action)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    _reenable(endpoint)
    endpoint.save(update_fields=["is_active", "disabled_reason", "consecutive_failures"])
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """Replace the secret at once (deliveries from now on are signed with the new one)."""
    endpoint.secret = _new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint.secret


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def _delivery_build(
    endpoint: WebhookEndpoint, event: str, event_id: uuid.UUID, at: datetime, data: dict[str, Any]
) -> WebhookDelivery:
    payload = {"id": str(event_id), "event": event, "created_at": at.isoformat(), "data": data}
    return WebhookDelivery(
        endpoint=endpoint, event=event, event_id=event_id, payload=payload, next_attempt_at=at
    )


def _enqueue(delivery_id: int) -> None:
    enqueue_on_commit("webhooks.deliver", delivery_id=delivery_id)


@transaction.atomic
def event_publish(*, event: str, data: dict[str, Any]) -> int:
    """Queue `event` for every active endpoint subscribed to it; return how many deliveries.

    Runs inside the caller's transaction: the deliveries are enqueued once it commits, so a
    change that is rolled back is never announced.
    """
    if event not in WebhookEvent.values:
        raise ApplicationError(f"Unknown webhook event {event!r}.", code="unknown_event")
    # `events` is a JSON list, which SQLite cannot search inside; active endpoints are few.
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if event in e.events]
    event_id, now = uuid.uuid4(), timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [_delivery_build(endpoint, event, event_id, now, data) for endpoint in endpoints]
    )
    for delivery in deliveries:
        _enqueue(delivery.pk)
    return len(deliveries)


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.is_active:
        raise ApplicationError(
            f"The endpoint is disabled ({endpoint.disabled_reason}); enable it first.",
            code="endpoint_disabled",
            status=409,
        )


@transaction.atomic
def endpoint_ping(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a `ping` event to this endpoint only, so its owner can test the receiver."""
    _require_active(endpoint)
    now = timezone.now()
    delivery = _delivery_build(endpoint, PING_EVENT, uuid.uuid4(), now, {"endpoint": endpoint.pk})
    delivery.save()
    _enqueue(delivery.pk)
    return delivery


@transaction.atomic
def delivery_redeliver(*, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again, with the same event id and payload and a fresh signature.

    It starts a new round of attempts (with retries); the attempt log keeps the old ones.
    """
    delivery = (
        WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
    )
    _require_active(delivery.endpoint)
    now = timezone.now()
    if delivery.locked_until is not None and delivery.locked_until > now:
        # The attempt in flight would record its outcome over the redelivery's.
        raise ApplicationError(
            "The delivery is being sent right now; try again in a minute.",
            code="delivery_in_progress",
            status=409,
        )
    delivery.state = WebhookDelivery.State.PENDING
    delivery.attempts = 0
    delivery.delivered_at = None
    delivery.next_attempt_at = now
    delivery.save(update_fields=["state", "attempts", "delivered_at", "next_attempt_at"])
    _enqueue(delivery.pk)
    return delivery


def retry_delay_s(attempts: int) -> float:
    """Seconds to wait after `attempts` failed attempts: base × 3^(attempts − 1), capped.

    ±20 % jitter, so endpoints that failed together (a receiver's outage) are not all retried
    in the same second.
    """
    delay = conf().retry_base_s * 3 ** (attempts - 1)
    capped = min(delay, conf().retry_max_s)
    return float(capped * random.uniform(0.8, 1.2))  # noqa: S311  (spreading load, not security)


@dataclass(frozen=True)
class _Outcome:
    status: int | None
    error: str
    excerpt: str
    retryable: bool = False
    gone: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _send(delivery: WebhookDelivery) -> _Outcome:
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": core_conf().fetch_user_agent,
        "ClaimDesk-Event": delivery.event,
        "ClaimDesk-Delivery": str(delivery.event_id),
        "ClaimDesk-Signature": signing.sign(endpoint.secret, body),
    }
    try:
        response = http_client.post(
            endpoint.url,
            content=body,
            headers=headers,
            timeout=conf().timeout_s,
            excerpt_bytes=RESPONSE_EXCERPT_BYTES,
        )
    except http_client.BlockedAddressError as exc:
        return _Outcome(None, f"Blocked by the SSRF guard: {exc}", "")
    except TransientError as exc:
        return _Outcome(None, str(exc), "", retryable=True)
    except PermanentError as exc:
        return _Outcome(None, str(exc), "")
    status = response.status
    # PostgreSQL text cannot hold NUL, and a receiver may answer with anything.
    excerpt = response.body_excerpt.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    if 200 <= status < 300:
        return _Outcome(status, "", excerpt)
    if status == 410:
        return _Outcome(status, "HTTP 410 Gone: the receiver asked to stop.", excerpt, gone=True)
    if status == 429 or status >= 500:
        return _Outcome(status, f"HTTP {status}", excerpt, retryable=True)
    if 300 <= status < 400:
        where = f" to {response.location}" if response.location else ""
        return _Outcome(status, f"HTTP {status}: redirect{where} not followed.", excerpt)
    return _Outcome(status, f"HTTP {status}", excerpt)


def delivery_attempt(*, delivery_id: int) -> float | None:
    """Make one attempt; return the seconds to wait before retrying, or None when done.

    A no-op for a delivery that is finished (succeeded or failed) or being sent by another
    worker right now, so a task message delivered twice sends once.
    """
    now = timezone.now()
    # No attempt outlives the task's hard time limit, so the lock only outlives a dead worker.
    lease = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, state=WebhookDelivery.State.PENDING)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        # A duplicate or early message (a sweep, a redelivery over a scheduled retry) must not
        # attempt before the backoff says so.
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(locked_until=now + lease)
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not delivery.endpoint.is_active:
        reason = f"Not sent: the endpoint is disabled ({delivery.endpoint.disabled_reason})."
        outcome = _Outcome(None, reason, "")
        DELIVERY_ATTEMPTS.labels(outcome="skipped").inc()
        return _record(delivery_id=delivery_id, outcome=outcome, duration_ms=None, sent=False)
    started = time.monotonic()
    outcome = _send(delivery)
    duration_ms = round((time.monotonic() - started) * 1000)
    retry_in = _record(delivery_id=delivery_id, outcome=outcome, duration_ms=duration_ms, sent=True)
    ended = "succeeded" if outcome.ok else "failed" if retry_in is None else "retrying"
    DELIVERY_ATTEMPTS.labels(outcome=ended).inc()
    return retry_in


@transaction.atomic
def _record(
    *, delivery_id: int, outcome: _Outcome, duration_ms: int | None, sent: bool
) -> float | None:
    delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None:  # the endpoint was deleted while we were sending
        return None
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    now = timezone.now()
    if sent:
        delivery.attempts += 1
        delivery.last_status = outcome.status
        delivery.last_error = outcome.error
        delivery.last_response_excerpt = outcome.excerpt
        delivery.last_duration_ms = duration_ms
    entry = {
        "at": now.isoformat(),
        "status": outcome.status,
        "error": outcome.error,
        "duration_ms": duration_ms,
    }
    delivery.attempt_log = [*delivery.attempt_log, entry][-ATTEMPT_LOG_KEEP:]
    delivery.locked_until = None
    delivery.next_attempt_at = None
    retry_in: float | None = None
    if outcome.ok:
        delivery.state = WebhookDelivery.State.SUCCEEDED
        delivery.delivered_at = now
        endpoint.consecutive_failures = 0
    elif outcome.retryable and delivery.attempts < conf().max_attempts:
        retry_in = retry_delay_s(delivery.attempts)
        delivery.next_attempt_at = now + timedelta(seconds=retry_in)
    else:
        delivery.state = WebhookDelivery.State.FAILED
        if sent:
            endpoint.consecutive_failures += 1
    if outcome.gone:
        _disable(endpoint, "The receiver answered 410 Gone.")
    elif endpoint.consecutive_failures >= conf().disable_after:
        _disable(endpoint, f"{endpoint.consecutive_failures} deliveries in a row failed.")
    delivery.save()
    endpoint.save(update_fields=["is_active", "disabled_reason", "consecutive_failures"])
    return retry_in


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    if endpoint.is_active:
        endpoint.is_active = False
        endpoint.disabled_reason = reason


def deliveries_resume_stalled() -> int:
    """Re-enqueue pending deliveries whose attempt is long overdue and not in progress.

    Their task message was lost (a worker killed mid-attempt, whose redelivered message found
    the delivery still locked; a broker that lost its queue). Run by beat.
    """
    now = timezone.now()
    overdue = now - timedelta(seconds=conf().stalled_after_s)
    ids = list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING, next_attempt_at__lt=overdue
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .values_list("pk", flat=True)[:1000]
    )
    for delivery_id in ids:
        _enqueue(delivery_id)
    return len(ids)
