"""A webhook delivered by a real worker process, through the broker, with one retry."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from tests.e2e.conftest import wait_for
from tests.factories import UserFactory
from webhooks.models import WebhookDelivery
from webhooks.services import endpoint_create, event_publish
from webhooks.signing import verify

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_worker_retries_and_delivers_a_signed_webhook(live_pipeline, local_server, settings):
    settings.CLAIMDESK_WEBHOOK_ALLOW_HTTP = True
    calls: list[int] = []

    def busy_then_ok():
        calls.append(1)
        return (503, {}, b"busy") if len(calls) == 1 else (200, {}, b"ok")

    local_server.routes["/hook"] = busy_then_ok
    endpoint = endpoint_create(
        url=local_server.url("/hook"),
        events=["article.processed"],
        owner=UserFactory.create(username="integrator"),
    )
    with transaction.atomic():
        assert event_publish(event="article.processed", data={"article": {"id": 5}}) == 1

    delivery = WebhookDelivery.objects.get()

    def delivered() -> bool:
        delivery.refresh_from_db()
        return delivery.state != WebhookDelivery.State.PENDING

    wait_for(delivered, timeout=60, what=f"the worker to deliver:\n{live_pipeline.log()}")
    assert delivery.state == WebhookDelivery.State.SUCCEEDED, delivery.last_error
    assert delivery.attempts == 2
    first, second = local_server.received
    assert first.body == second.body
    assert json.loads(second.body)["data"] == {"article": {"id": 5}}
    assert verify(endpoint.secret, second.headers["claimdesk-signature"], second.body)
