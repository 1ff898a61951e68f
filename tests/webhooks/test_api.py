"""The webhooks API through APIClient: ownership, URL checks, the secret shown once."""

from __future__ import annotations

import socket

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from clients.services import api_key_create
from tests.factories import UserFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.signing import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(owner) -> APIClient:
    api = APIClient()
    api.force_authenticate(owner)
    return api


def test_create_shows_the_secret_once(client, local_server, webhook_settings):
    response = client.post(
        "/api/v1/webhooks",
        {"url": local_server.url("/hook"), "events": ["claim.published"], "description": "ours"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["secret"] == WebhookEndpoint.objects.get().secret
    detail = client.get(f"/api/v1/webhooks/{created['id']}").json()
    assert "secret" not in detail
    assert detail["events"] == ["claim.published"]
    listed = client.get("/api/v1/webhooks").json()["results"]
    assert [e["id"] for e in listed] == [created["id"]]
    assert "secret" not in listed[0]


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("ftp://hooks.example.org/x", "must use https"),
        ("https://user:pw@hooks.example.org/x", "credentials"),
        ("https://169.254.169.254/latest", "private or reserved"),
        ("https://10.0.0.5/hook", "private or reserved"),
        ("http://hooks.example.org/x", "must use https"),  # http only when a setting allows it
        ("https://" + "ü" * 60 + ".example/x", "not a valid host name"),  # IDNA cannot encode it
        ("https://nowhere.invalid/x", "does not resolve"),
    ],
)
def test_bad_urls_are_refused_with_400(client, url, fragment, settings):
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []
    response = client.post(
        "/api/v1/webhooks", {"url": url, "events": ["claim.published"]}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert fragment in problem["errors"]["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_a_description_that_is_not_a_string_is_refused(client, local_server, webhook_settings):
    response = client.post(
        "/api/v1/webhooks",
        {"url": local_server.url("/hook"), "events": ["claim.published"], "description": 5},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"description": ["Must be a string."]}
    assert not WebhookEndpoint.objects.exists()


def test_a_name_resolving_to_a_private_address_is_refused(client, monkeypatch, settings):
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []

    def fake_getaddrinfo(host, port, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.20", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    response = client.post(
        "/api/v1/webhooks",
        {"url": "https://hooks.example.org/x", "events": ["claim.published"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "blocked_address"


def test_unknown_events_are_refused(client, local_server, webhook_settings):
    response = client.post(
        "/api/v1/webhooks",
        {"url": local_server.url("/hook"), "events": ["claim.deleted"]},
        format="json",
    )
    assert response.status_code == 400
    assert "events" in response.json()["errors"]


def test_other_users_endpoints_are_404(client, make_endpoint):
    stranger = UserFactory.create(username="stranger")
    theirs = make_endpoint("/theirs", owner=stranger)
    delivery = WebhookDelivery.objects.create(
        endpoint=theirs, event="claim.published", event_id="0" * 32, payload={}
    )
    base = f"/api/v1/webhooks/{theirs.pk}"
    assert client.get(base).status_code == 404
    assert client.patch(base, {"description": "mine"}, format="json").status_code == 404
    assert client.delete(base).status_code == 404
    assert client.get(f"{base}/deliveries").status_code == 404
    assert client.post(f"{base}/ping").status_code == 404
    assert client.post(f"{base}/rotate-secret").status_code == 404
    assert client.post(f"{base}/deliveries/{delivery.pk}/redeliver").status_code == 404
    assert client.get("/api/v1/webhooks").json()["results"] == []
    assert WebhookEndpoint.objects.filter(pk=theirs.pk, description="").exists()


def test_anonymous_is_refused(db):
    assert APIClient().get("/api/v1/webhooks").status_code == 401


@pytest.mark.parametrize("roles", [["Fact-checkers"], ["Editors"]])
def test_reviewing_roles_manage_webhooks(roles, local_server, webhook_settings):
    api = APIClient()
    api.force_authenticate(UserFactory.create(username="reviewer", roles=roles))
    assert api.get("/api/v1/webhooks").status_code == 200
    response = api.post(
        "/api/v1/webhooks",
        {"url": local_server.url("/hook"), "events": ["claim.published"]},
        format="json",
    )
    assert response.status_code == 201


def test_a_user_without_a_role_is_refused(db, local_server, webhook_settings, make_endpoint):
    """Logged in, but no reviewing role and no key: no webhooks, as nothing else in the API."""
    nobody = UserFactory.create(username="nobody")
    theirs = make_endpoint(owner=nobody)
    api = APIClient()
    api.force_authenticate(nobody)
    base = f"/api/v1/webhooks/{theirs.pk}"
    responses = [
        api.get("/api/v1/webhooks"),
        api.post(
            "/api/v1/webhooks",
            {"url": local_server.url("/hook"), "events": ["claim.published"]},
            format="json",
        ),
        api.get(base),
        api.patch(base, {"description": "mine"}, format="json"),
        api.delete(base),
        api.get(f"{base}/deliveries"),
        api.post(f"{base}/ping"),
        api.post(f"{base}/rotate-secret"),
    ]
    assert [r.status_code for r in responses] == [403] * len(responses)
    assert responses[0]["Content-Type"] == "application/problem+json"
    assert "webhooks:manage" in responses[0].json()["detail"]
    assert WebhookEndpoint.objects.get().pk == theirs.pk
    assert not WebhookDelivery.objects.exists()


def _key_client(*scopes: str, owner: User | None) -> APIClient:
    _, plaintext = api_key_create(name="hooks", scopes=list(scopes), owner=owner)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return api


def test_api_keys_need_webhooks_manage(owner, local_server, webhook_settings):
    refused = _key_client("claims:read", "claims:read_all", "articles:write", owner=owner)
    response = refused.get("/api/v1/webhooks")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "webhooks:manage" in response.json()["detail"]

    allowed = _key_client("webhooks:manage", owner=owner)
    assert allowed.get("/api/v1/webhooks").status_code == 200
    response = allowed.post(
        "/api/v1/webhooks",
        {"url": local_server.url("/hook"), "events": ["claim.published"]},
        format="json",
    )
    assert response.status_code == 201
    assert WebhookEndpoint.objects.get().owner == owner


def test_a_key_without_an_owner_cannot_own_endpoints(db):
    response = _key_client("webhooks:manage", owner=None).get("/api/v1/webhooks")
    assert response.status_code == 403
    assert "belong to a user" in response.json()["detail"]


def test_update_delete_and_reenable(client, endpoint):
    url = f"/api/v1/webhooks/{endpoint.pk}"
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason="The receiver answered 410 Gone.", consecutive_failures=4
    )
    response = client.patch(
        url, {"is_active": True, "events": ["claim.updated", "claim.published"]}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["is_active"], body["disabled_reason"], body["consecutive_failures"]) == (
        True,
        "",
        0,
    )
    assert body["events"] == ["claim.published", "claim.updated"]
    assert client.delete(url).status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_ping_redeliver_and_rotate(
    client, endpoint, local_server, django_capture_on_commit_callbacks
):
    local_server.routes["/hook"] = (200, {}, b"ok")
    base = f"/api/v1/webhooks/{endpoint.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}/ping")
    assert response.status_code == 202
    ping_id = response.json()["id"]
    assert response.json()["event"] == "ping"

    new_secret = client.post(f"{base}/rotate-secret").json()["secret"]
    assert new_secret != endpoint.secret
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}/deliveries/{ping_id}/redeliver")
    assert response.status_code == 202
    first, second = local_server.received
    assert first.headers["claimdesk-delivery"] == second.headers["claimdesk-delivery"]
    assert verify(new_secret, second.headers["claimdesk-signature"], second.body)
    assert not verify(new_secret, first.headers["claimdesk-signature"], first.body)


def test_redeliver_to_a_disabled_endpoint_is_409(client, endpoint):
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="claim.published", event_id="1" * 32, payload={}
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_reason="x")
    response = client.post(f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver")
    assert response.status_code == 409
    assert response.json()["code"] == "endpoint_disabled"


def test_delivery_list_is_paginated_with_constant_queries(
    client, endpoint, django_assert_max_num_queries, django_assert_num_queries
):
    def add(n: int) -> None:
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                endpoint=endpoint,
                event="claim.published",
                event_id=f"{i + WebhookDelivery.objects.count():032x}",
                payload={"data": {"i": i}},
            )
            for i in range(n)
        )

    url = f"/api/v1/webhooks/{endpoint.pk}/deliveries"
    client.get(url)  # the role check loads the user's permissions once, then they are cached
    add(3)
    with django_assert_max_num_queries(10) as few:
        assert len(client.get(url).json()["results"]) == 3
    add(60)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).json()
    assert len(page["results"]) == 50
    ids = [d["id"] for d in page["results"]]
    assert ids == sorted(ids, reverse=True)
    rest = client.get(page["next"]).json()["results"]
    assert len(rest) == 13
    assert not {d["id"] for d in rest} & set(ids)


def test_schema_documents_the_webhooks_api(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert "/api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver" in paths
    assert "/api/v1/webhooks/{endpoint_id}/ping" in paths
    for path in ("/api/v1/webhooks", "/api/v1/webhooks/{endpoint_id}/deliveries"):
        ok = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        page = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
        assert {"next", "previous", "results"} <= set(page["properties"]), path
