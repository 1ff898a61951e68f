"""Webhook fixtures: endpoints on the local HTTP server, short timeouts, no retry waits."""

from __future__ import annotations

import pytest

from config.celery_app import app as celery_app
from tests.factories import UserFactory
from webhooks.models import WebhookEndpoint
from webhooks.services import endpoint_create


@pytest.fixture
def webhook_settings(settings, local_server):
    settings.CLAIMDESK_WEBHOOK_ALLOW_HTTP = True  # the local server speaks plain http
    settings.CLAIMDESK_WEBHOOK_TIMEOUT_S = 0.5
    settings.CLAIMDESK_WEBHOOK_MAX_ATTEMPTS = 4
    settings.CLAIMDESK_WEBHOOK_DISABLE_AFTER = 3
    return settings


@pytest.fixture
def owner(workflow):
    """Managing webhooks needs the webhooks:manage scope: a reviewing role gives it."""
    return UserFactory.create(username="integrator", roles=["Editors"])


@pytest.fixture
def make_endpoint(webhook_settings, local_server, owner):
    def make(path: str = "/hook", events: list[str] | None = None, **kwargs) -> WebhookEndpoint:
        return endpoint_create(
            url=local_server.url(path),
            events=events or ["claim.published"],
            owner=kwargs.pop("owner", owner),
            **kwargs,
        )

    return make


@pytest.fixture
def endpoint(make_endpoint):
    return make_endpoint()


@pytest.fixture
def eager_retries(webhook_settings):
    """Eager tasks re-run a retry at once, but only when errors do not propagate (otherwise
    `self.retry()`'s Retry reaches the caller as an exception). With no backoff, so each
    retry is also due at once (a delivery is not attempted before its next_attempt_at)."""
    webhook_settings.CLAIMDESK_WEBHOOK_RETRY_BASE_S = 0
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True
