"""API keys: hashed, shown once, scoped, revocable, throttled."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from clients.models import ApiKey
from clients.services import api_key_check, api_key_create, api_key_revoke
from core.errors import ApplicationError


def test_keys_are_stored_hashed_and_checked(db):
    key, plaintext = api_key_create(name="CMS", scopes=["claims:read"])
    assert plaintext.startswith("cdk_")
    assert plaintext not in key.hashed_key
    assert plaintext[4:12] == key.prefix
    assert api_key_check(plaintext) == key
    assert api_key_check(plaintext + "x") is None
    assert api_key_check("cdk_nope_nope") is None
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_unknown_scopes_are_refused(db):
    with pytest.raises(ApplicationError):
        api_key_create(name="x", scopes=["claims:write_everything"])
    with pytest.raises(ApplicationError):
        api_key_create(name="x", scopes=[])


@pytest.mark.parametrize(
    "header", ["Api-Key cdk_00000000_bad", "Bearer cdk_00000000_bad", "Api-Key garbage"]
)
def test_bad_keys_get_401_problem(workflow, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/claims")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "Api-Key" in response["WWW-Authenticate"]


def test_no_credentials_get_401(workflow):
    response = APIClient().get("/api/v1/claims")
    assert response.status_code == 401


def test_revoked_keys_stop_working(workflow):
    key, plaintext = api_key_create(name="old", scopes=["claims:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert client.get("/api/v1/claims").status_code == 200
    api_key_revoke(key=key)
    assert client.get("/api/v1/claims").status_code == 401


def test_missing_scope_is_403_naming_it(workflow, key_client):
    reader = key_client("claims:read")
    response = reader.post("/api/v1/articles", {"text": "Some claim here."}, format="json")
    assert response.status_code == 403
    assert "articles:write" in response.json()["detail"]
    writer = key_client("articles:write")
    assert writer.get("/api/v1/claims").status_code == 403


def test_throttled_keys_get_429_with_retry_after(workflow, key_client, settings):
    settings.CLAIMDESK_API_RATE = "3/min"
    client = key_client("claims:read")
    cache.delete_many([f"throttle_api_key_{k.pk}" for k in ApiKey.objects.all()])
    codes = [client.get("/api/v1/verdicts").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/verdicts")
    assert int(response["Retry-After"]) > 0
    assert response.json()["status"] == 429


def test_create_api_key_command_prints_the_key_once(db, capsys):
    call_command("create_api_key", "Research group", "--scope", "claims:read")
    out = capsys.readouterr().out
    plaintext = out.strip().splitlines()[-1]
    assert api_key_check(plaintext) is not None
    assert ApiKey.objects.get().hashed_key not in out


def test_head_and_options_need_what_get_needs(workflow, key_client):
    hooks_only = key_client("webhooks:manage")
    assert hooks_only.head("/api/v1/claims").status_code == 403
    assert hooks_only.head("/api/v1/search?q=sea").status_code == 403
    assert hooks_only.options("/api/v1/claims").status_code == 403
    assert key_client("claims:read").head("/api/v1/claims").status_code == 200


def test_keys_of_deactivated_users_stop_working(workflow, settings):
    from tests.factories import UserFactory

    settings.CLAIMDESK_API_KEY_CACHE_S = 0  # as once the reuse window has passed
    owner = UserFactory.create(username="partner")
    _, plaintext = api_key_create(name="cms", scopes=["claims:read"], owner=owner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert client.get("/api/v1/claims").status_code == 200
    owner.is_active = False
    owner.save()
    assert client.get("/api/v1/claims").status_code == 401
    owner.delete()
    assert not ApiKey.objects.exists()  # a key does not outlive its user
