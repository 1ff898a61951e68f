"""Admin paths that go through the services: creation shows the secret once; redelivery."""

from __future__ import annotations

import pytest

from webhooks.models import WebhookDelivery, WebhookEndpoint


@pytest.fixture
def admin_with_hooks(admin_client, webhook_settings):
    return admin_client


def test_admin_creates_an_endpoint_and_shows_the_secret_once(admin_with_hooks, local_server, owner):
    response = admin_with_hooks.post(
        "/admin/webhooks/webhookendpoint/add/",
        {
            "owner": owner.pk,
            "client_name": "",
            "url": local_server.url("/hook"),
            "description": "partner",
            "events": ["claim.published", "article.processed"],
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["article.processed", "claim.published"]
    assert endpoint.secret in response.content.decode()
    change = f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/"
    page = admin_with_hooks.get(change)
    assert page.status_code == 200
    assert endpoint.secret not in page.content.decode()

    response = admin_with_hooks.post(
        change,
        {"url": endpoint.url, "description": "changed", "events": ["claim.updated"]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.description, endpoint.events) == ("changed", ["claim.updated"])
    assert not endpoint.is_active  # the unticked box disables it, with a reason
    assert endpoint.disabled_reason == "Disabled by hand."


def test_admin_refuses_a_private_url(admin_with_hooks, settings, owner):
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []
    response = admin_with_hooks.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"owner": owner.pk, "url": "http://127.0.0.1:9/x", "events": ["claim.published"]},
    )
    assert response.status_code == 200
    assert "private or reserved" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_admin_reenables_and_redelivers(
    admin_with_hooks, endpoint, local_server, django_capture_on_commit_callbacks
):
    local_server.routes["/hook"] = (200, {}, b"ok")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason="10 deliveries in a row failed.", consecutive_failures=10
    )
    admin_with_hooks.post(
        "/admin/webhooks/webhookendpoint/",
        {"action": "enable", "_selected_action": [endpoint.pk]},
    )
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 0)

    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="claim.published",
        event_id="2" * 32,
        payload={"id": "x"},
        state=WebhookDelivery.State.FAILED,
    )
    assert admin_with_hooks.get("/admin/webhooks/webhookdelivery/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        admin_with_hooks.post(
            "/admin/webhooks/webhookdelivery/",
            {"action": "redeliver", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.SUCCEEDED
    [request] = local_server.received
    assert request.headers["claimdesk-delivery"] == str(delivery.event_id)
