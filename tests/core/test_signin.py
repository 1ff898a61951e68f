"""Password guessing on every login path is locked out (django-axes, core/signin.py): the desk's
form and the admin's lock after AXES_FAILURE_LIMIT failures, even for the right password; the
lock lifts after the cool-off or when an admin resets it; the API takes no password at all."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from core.signin import client_ip
from tests.factories import UserFactory

PASSWORD = "pw-for-tests"  # tests.factories.UserFactory's
DESK = "/accounts/login/"
ADMIN = "/admin/login/"
LOGIN_PATHS = [DESK, ADMIN]


@pytest.fixture
def lockout(settings, db):
    """Axes as configured for production (test settings switch it off for the rest)."""
    settings.AXES_ENABLED = True
    return settings


@pytest.fixture
def staff(workflow):
    # Staff, so the same person may log in on both paths.
    return UserFactory.create(username="desk", roles=["Editors"], is_staff=True)


def _login(client: Client, path: str, username: str, password: str, ip="203.0.113.7", **extra):
    data = {"username": username, "password": password}
    return client.post(path, data, REMOTE_ADDR=ip, **extra)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail_until_locked(client: Client, path: str, username: str, limit: int, **kwargs):
    for _ in range(limit - 1):
        response = _login(client, path, username, "wrong", **kwargs)
        assert response.status_code == 200  # the form again, with its error
    return _login(client, path, username, "wrong", **kwargs)


@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_the_limit_locks_the_account_even_for_the_right_password(lockout, staff, path):
    client = Client()
    locked = _fail_until_locked(client, path, "desk", lockout.AXES_FAILURE_LIMIT)
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(15 * 60)
    page = locked.content.decode()
    assert "Login locked" in page
    assert "Try again in 15 minutes" in page
    assert 'href="/static/css/claimdesk.css"' in page  # the desk's page, not a bare message

    right = _login(client, path, "desk", PASSWORD)
    assert right.status_code == 429
    assert not _logged_in(client)


@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_the_lock_lifts_after_the_cool_off(lockout, staff, path):
    client = Client()
    _fail_until_locked(client, path, "desk", lockout.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - lockout.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = _login(client, path, "desk", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


@pytest.mark.parametrize(
    ("command", "argument"),
    [("axes_reset_username", "desk"), ("axes_reset_ip", "203.0.113.7"), ("axes_reset", None)],
)
def test_an_admin_command_unlocks(lockout, staff, command, argument):
    client = Client()
    _fail_until_locked(client, DESK, "desk", lockout.AXES_FAILURE_LIMIT)
    call_command(command, *([argument] if argument else []), stdout=None)
    assert _login(client, DESK, "desk", PASSWORD).status_code == 302


def test_the_admin_site_unlocks(lockout, staff, admin_client):
    _fail_until_locked(Client(), DESK, "desk", lockout.AXES_FAILURE_LIMIT)
    changelist = "/admin/axes/accessattempt/"
    assert "desk" in admin_client.get(changelist).content.decode()
    admin_client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert not AccessAttempt.objects.exists()
    assert _login(Client(), DESK, "desk", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("parameters", "other_user_from_same_ip"),
    [
        # The default: a locked address is locked for everyone behind it.
        (["username", "ip_address"], 429),
        # Counted per username only: a colleague on the same network still gets in.
        (["username"], 302),
    ],
)
def test_a_different_user_from_the_same_address_follows_the_settings(
    lockout, staff, parameters, other_user_from_same_ip
):
    lockout.AXES_LOCKOUT_PARAMETERS = parameters
    UserFactory.create(username="colleague")
    _fail_until_locked(Client(), DESK, "desk", lockout.AXES_FAILURE_LIMIT, ip="203.0.113.7")
    colleague = _login(Client(), DESK, "colleague", PASSWORD, ip="203.0.113.7")
    assert colleague.status_code == other_user_from_same_ip
    # The locked username stays locked from anywhere.
    assert _login(Client(), DESK, "desk", PASSWORD, ip="198.51.100.9").status_code == 429


def test_every_lockout_is_logged_without_the_password(lockout, staff, caplog):
    with caplog.at_level(logging.WARNING, logger="core.signin"):
        _fail_until_locked(Client(), DESK, "desk", lockout.AXES_FAILURE_LIMIT)
        _login(Client(), DESK, "desk", PASSWORD)
    lines = [r.getMessage() for r in caplog.records if r.name == "core.signin"]
    assert len(lines) == 2  # the locking failure, then the refused right password
    for line in lines:
        assert "username='desk'" in line
        assert "ip=203.0.113.7" in line
        assert "path=/accounts/login/" in line
        assert PASSWORD not in line
        assert "wrong" not in line


def test_a_forged_forwarded_for_does_not_give_a_fresh_address(lockout, staff, settings):
    """Without a trusted proxy, X-Forwarded-For is the client's own word: ignored."""
    settings.CLAIMDESK_TRUSTED_PROXIES = 0
    UserFactory.create(username="colleague")
    client = Client()
    for n in range(lockout.AXES_FAILURE_LIMIT):
        _login(client, DESK, f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = _login(client, DESK, "colleague", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "remote", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.7", "203.0.113.7"),  # no proxy: the header is ignored
        (1, "192.0.2.1", "10.0.0.2", "192.0.2.1"),  # the proxy's own entry
        (1, "6.6.6.6, 192.0.2.1", "10.0.0.2", "192.0.2.1"),  # what the client wrote is skipped
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.9", "10.0.0.2", "192.0.2.1"),  # two proxies
        (1, "", "10.0.0.2", "10.0.0.2"),  # a proxy that sent none
        (1, "not-an-ip", "10.0.0.2", "10.0.0.2"),
        (2, "192.0.2.1", "10.0.0.2", "10.0.0.2"),  # fewer hops than proxies
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, forwarded_for, remote, expected
):
    settings.CLAIMDESK_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_the_api_takes_no_password(lockout, staff):
    """API clients use keys; HTTP Basic is not accepted, so it is no path for guessing."""
    basic = base64.b64encode(f"desk:{PASSWORD}".encode()).decode()
    api = APIClient()
    response = api.get("/api/v1/claims", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Api-Key")
    schemes = api.get("/api/schema/", {"format": "json"}).json()["components"]["securitySchemes"]
    assert set(schemes) == {"ApiKey", "cookieAuth"}
    assert not AccessAttempt.objects.exists()  # nothing even looked at the password
