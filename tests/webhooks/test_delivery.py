"""Publishing and delivering events to a real local HTTP server (no outside network)."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from prometheus_client import REGISTRY

from core.errors import ApplicationError
from webhooks import services, tasks
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.signing import verify

pytestmark = pytest.mark.django_db

OK: tuple[int, dict[str, str], bytes] = (200, {}, b"thanks")


def attempts_ending(outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "claimdesk_webhook_delivery_attempts_total", {"outcome": outcome}
    )
    return value or 0.0


def publish(capture, event: str = "claim.published", **data) -> int:
    with capture(execute=True):
        return services.event_publish(event=event, data=data or {"claim": {"id": 7}})


def test_publish_signs_and_sends_to_subscribed_active_endpoints(
    make_endpoint, local_server, django_capture_on_commit_callbacks
):
    subscribed = make_endpoint("/a", events=["claim.published", "claim.updated"])
    make_endpoint("/b", events=["article.processed"])
    disabled = make_endpoint("/c", events=["claim.published"])
    WebhookEndpoint.objects.filter(pk=disabled.pk).update(is_active=False)
    local_server.routes["/a"] = OK
    succeeded = attempts_ending("succeeded")

    assert publish(django_capture_on_commit_callbacks, claim={"id": 7}) == 1
    assert attempts_ending("succeeded") == succeeded + 1  # /metrics counts it

    [request] = local_server.received
    assert request.method == "POST"
    assert request.path == "/a"
    delivery = WebhookDelivery.objects.get()
    body = json.loads(request.body)
    assert body == {
        "id": str(delivery.event_id),
        "event": "claim.published",
        "created_at": body["created_at"],
        "data": {"claim": {"id": 7}},
    }
    assert request.headers["content-type"] == "application/json"
    assert request.headers["claimdesk-event"] == "claim.published"
    assert request.headers["claimdesk-delivery"] == str(delivery.event_id)
    assert request.headers["user-agent"].startswith("ClaimDesk")
    assert verify(subscribed.secret, request.headers["claimdesk-signature"], request.body)
    assert not verify("whsec_wrong", request.headers["claimdesk-signature"], request.body)
    assert delivery.state == WebhookDelivery.State.SUCCEEDED
    assert (delivery.attempts, delivery.last_status) == (1, 200)
    assert delivery.last_response_excerpt == "thanks"
    assert delivery.delivered_at is not None
    assert delivery.last_duration_ms is not None


def test_unknown_event_is_refused(db):
    with pytest.raises(ApplicationError) as info:
        services.event_publish(event="claim.deleted", data={})
    assert info.value.code == "unknown_event"


def test_nothing_is_sent_when_the_transaction_rolls_back(
    endpoint, local_server, django_capture_on_commit_callbacks
):
    local_server.routes["/hook"] = OK

    def publish_then_fail() -> None:
        with transaction.atomic():
            assert services.event_publish(event="claim.published", data={}) == 1
            raise RuntimeError("the change that published failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        publish_then_fail()
    assert callbacks == []
    assert not WebhookDelivery.objects.exists()
    assert local_server.received == []


def test_task_running_twice_sends_once(endpoint, local_server, django_capture_on_commit_callbacks):
    local_server.routes["/hook"] = OK
    publish(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    tasks.deliver.delay(delivery_id=delivery.pk)  # a redelivered message
    assert len(local_server.received) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_delivery_being_sent_elsewhere_is_skipped(endpoint, local_server):
    with transaction.atomic():
        services.event_publish(event="claim.published", data={})  # not enqueued: no commit
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        locked_until=timezone.now() + timedelta(minutes=5)  # another worker is sending
    )
    assert services.delivery_attempt(delivery_id=delivery.pk) is None
    assert local_server.received == []


def _pending(endpoint) -> WebhookDelivery:
    """A delivery created but not yet attempted (its task is left to the test)."""
    with transaction.atomic():
        services.event_publish(event="claim.published", data={})
    return WebhookDelivery.objects.filter(endpoint=endpoint).latest("id")


def _make_due(delivery: WebhookDelivery) -> None:
    """Let the backoff pass (instead of waiting it out)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_receiver_that_trickles_its_answer_fails_at_the_deadline_and_is_retried(
    webhook_settings, drip_server, owner
):
    """A receiver that answers one byte a second never trips the per-read timeout; the whole
    request deadline ends the attempt, recorded like any timeout, with a retry scheduled."""
    webhook_settings.CLAIMDESK_WEBHOOK_TIMEOUT_S = 5
    webhook_settings.CLAIMDESK_FETCH_DEADLINE_S = 2
    server = drip_server(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    endpoint = services.endpoint_create(
        url=server.url("/hook"), events=["claim.published"], owner=owner
    )
    delivery = _pending(endpoint)

    retrying = attempts_ending("retrying")
    started = time.monotonic()
    retry_in = services.delivery_attempt(delivery_id=delivery.pk)
    assert 2 <= time.monotonic() - started < 3.5
    assert attempts_ending("retrying") == retrying + 1  # /metrics counts it
    delivery.refresh_from_db()
    assert retry_in is not None
    assert delivery.state == WebhookDelivery.State.PENDING
    assert delivery.next_attempt_at is not None
    assert (delivery.attempts, delivery.last_status) == (1, None)
    assert delivery.last_error == (
        f"Gave up on {server.url('/hook')}: no complete answer within the 2 s deadline "
        "(CLAIMDESK_FETCH_DEADLINE_S)"
    )
    assert delivery.attempt_log[-1]["duration_ms"] >= 2000


def test_500_and_timeout_are_retried_with_growing_delays_then_succeed(
    endpoint, local_server, webhook_settings
):
    webhook_settings.CLAIMDESK_WEBHOOK_RETRY_BASE_S = 10
    webhook_settings.CLAIMDESK_WEBHOOK_TIMEOUT_S = 0.3
    answers = iter(["500", "slow", "200"])

    def flaky():
        answer = next(answers)
        if answer == "slow":
            time.sleep(1.0)  # longer than the timeout
        return (500, {}, b"oops") if answer == "500" else OK

    local_server.routes["/hook"] = flaky
    delivery = _pending(endpoint)

    first = services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert first is not None
    assert 8 <= first <= 12  # base, ±20 %
    assert delivery.state == WebhookDelivery.State.PENDING
    assert (delivery.last_status, delivery.last_error) == (500, "HTTP 500")
    assert delivery.next_attempt_at is not None

    assert services.delivery_attempt(delivery_id=delivery.pk) is None  # not due yet: no attempt
    assert len(local_server.received) == 1
    _make_due(delivery)
    second = services.delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert second is not None
    assert 24 <= second <= 36  # three times the first wait
    assert delivery.last_status is None
    assert "Timed out" in delivery.last_error

    _make_due(delivery)
    assert services.delivery_attempt(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.SUCCEEDED
    assert delivery.attempts == 3
    assert [entry["status"] for entry in delivery.attempt_log] == [500, None, 200]
    assert len({r.headers["claimdesk-delivery"] for r in local_server.received}) == 1


def test_retry_delays_are_capped(settings):
    settings.CLAIMDESK_WEBHOOK_RETRY_BASE_S = 30
    settings.CLAIMDESK_WEBHOOK_RETRY_MAX_S = 3600
    assert 24 <= services.retry_delay_s(1) <= 36
    assert 0.8 * 810 <= services.retry_delay_s(4) <= 1.2 * 810
    assert services.retry_delay_s(12) <= 1.2 * 3600


def test_task_retries_through_celery_until_attempts_run_out(
    endpoint, local_server, django_capture_on_commit_callbacks, eager_retries
):
    local_server.routes["/hook"] = (503, {}, b"down")
    publish(django_capture_on_commit_callbacks)  # eager: each retry runs at once
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.FAILED
    assert delivery.attempts == 4 == len(local_server.received)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_4xx_fails_without_retry(
    status, endpoint, local_server, django_capture_on_commit_callbacks
):
    local_server.routes["/hook"] = (status, {}, b"no")
    publish(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.FAILED
    assert (delivery.attempts, delivery.last_status) == (1, status)
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_410_disables_the_endpoint_at_once(
    endpoint, local_server, django_capture_on_commit_callbacks
):
    local_server.routes["/hook"] = (410, {}, b"gone")
    publish(django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "410" in endpoint.disabled_reason
    assert publish(django_capture_on_commit_callbacks) == 0  # no longer subscribed


def test_redirect_to_a_private_address_is_not_followed(
    endpoint, local_server, django_capture_on_commit_callbacks
):
    local_server.routes["/hook"] = (
        302,
        {"Location": f"http://localhost:{local_server.port}/internal"},
        b"",
    )
    local_server.routes["/internal"] = OK
    publish(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.FAILED
    assert delivery.attempts == 1
    assert delivery.last_status == 302
    assert "not followed" in delivery.last_error
    assert local_server.requests == ["/hook"]


def test_blocked_address_is_a_permanent_failure(
    endpoint, local_server, settings, django_capture_on_commit_callbacks
):
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []  # allowed at creation, not any more
    publish(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.FAILED
    assert delivery.attempts == 1
    assert "SSRF guard" in delivery.last_error
    assert local_server.received == []


def test_consecutive_failures_disable_the_endpoint_and_success_resets(
    endpoint, local_server, django_capture_on_commit_callbacks
):
    local_server.routes["/hook"] = (400, {}, b"no")
    publish(django_capture_on_commit_callbacks)
    publish(django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 2)

    local_server.routes["/hook"] = OK
    publish(django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0

    local_server.routes["/hook"] = (400, {}, b"no")
    for _ in range(3):
        publish(django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "3 deliveries in a row failed."


def test_pending_deliveries_of_a_disabled_endpoint_are_not_sent(endpoint, local_server):
    delivery = _pending(endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_reason="x")
    assert services.delivery_attempt(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.FAILED
    assert delivery.attempts == 0
    assert local_server.received == []


def test_redelivery_keeps_the_event_id_with_a_fresh_signature(
    endpoint, local_server, django_capture_on_commit_callbacks, monkeypatch
):
    local_server.routes["/hook"] = (400, {}, b"no")
    publish(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.FAILED

    local_server.routes["/hook"] = OK
    later = time.time() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_redeliver(delivery_id=delivery.pk)

    first, second = local_server.received
    assert first.body == second.body
    assert first.headers["claimdesk-delivery"] == second.headers["claimdesk-delivery"]
    assert first.headers["claimdesk-signature"] != second.headers["claimdesk-signature"]
    assert verify(endpoint.secret, second.headers["claimdesk-signature"], second.body, now=later)
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.SUCCEEDED
    assert [entry["status"] for entry in delivery.attempt_log] == [400, 200]


def test_ping_goes_to_one_endpoint(make_endpoint, local_server, django_capture_on_commit_callbacks):
    target = make_endpoint("/a")
    make_endpoint("/b")
    local_server.routes["/a"] = OK
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_ping(endpoint=target)
    [request] = local_server.received
    assert request.path == "/a"
    assert request.headers["claimdesk-event"] == "ping"
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.SUCCEEDED


def test_stalled_deliveries_are_enqueued_again(
    endpoint, local_server, settings, django_capture_on_commit_callbacks
):
    local_server.routes["/hook"] = OK
    delivery = _pending(endpoint)  # its task message was "lost"
    assert services.deliveries_resume_stalled() == 0  # not overdue yet
    settings.CLAIMDESK_WEBHOOK_STALLED_AFTER_S = -1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deliveries_resume_stalled.delay().get() == 1
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.SUCCEEDED


def test_an_endpoint_deleted_during_the_attempt_ends_the_task_quietly(
    endpoint, local_server, monkeypatch
):
    delivery = _pending(endpoint)
    send = services._send

    def send_then_delete(delivery):
        outcome = send(delivery)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
        return outcome

    local_server.routes["/hook"] = (500, {}, b"")
    monkeypatch.setattr(services, "_send", send_then_delete)
    assert services.delivery_attempt(delivery_id=delivery.pk) is None
    assert len(local_server.received) == 1
    assert not WebhookDelivery.objects.exists()


def test_redelivery_waits_for_an_attempt_in_flight(endpoint):
    delivery = _pending(endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        locked_until=timezone.now() + timedelta(minutes=5)  # another worker is sending
    )
    with pytest.raises(ApplicationError) as info:
        services.delivery_redeliver(delivery_id=delivery.pk)
    assert (info.value.code, info.value.status) == ("delivery_in_progress", 409)


def test_a_binary_answer_is_kept_as_text(
    endpoint, local_server, django_capture_on_commit_callbacks
):
    local_server.routes["/hook"] = (200, {}, b"ok\x00\xff" + b"z" * 5000)
    publish(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.State.SUCCEEDED
    assert delivery.last_response_excerpt.startswith("ok\ufffd\ufffdz")
    assert len(delivery.last_response_excerpt) == services.RESPONSE_EXCERPT_BYTES
