"""Production settings are secure by default: `check --deploy` is clean, https is enforced
(redirect, HSTS, secure cookies), X-Forwarded-Proto is believed only from a trusted proxy, and
the Content-Security-Policy lets images come from the configured logo's host alone.

Production settings are loaded in a subprocess, with the variables a deployment must set given
sample values, because this process already runs on the test settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "sample-" + "k3y-for-the-deploy-check-" * 3,
    "DJANGO_ALLOWED_HOSTS": "claims.example.org",
    "CLAIMDESK_PUBLIC_BASE_URL": "https://claims.example.org",
}
HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


def _run(args: list[str], tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    # Only the sample deployment's variables: none of this shell's DJANGO_*/CLAIMDESK_* ones.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLAIMDESK_"))}
    env |= SAMPLE_ENV | {"CLAIMDESK_VAR_DIR": str(tmp_path)} | overrides
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _production_settings(
    tmp_path: Path, names: list[str] = HTTPS_SETTINGS, **overrides: str
) -> dict[str, Any]:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = _run(["-c", code], tmp_path, **overrides)
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    if header := values.get("SECURE_PROXY_SSL_HEADER"):
        values["SECURE_PROXY_SSL_HEADER"] = tuple(header)
    return values


def test_check_deploy_is_clean(tmp_path):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_is_enforced_by_default_and_each_switch_is_an_env_var(tmp_path):
    assert _production_settings(tmp_path) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }
    assert _production_settings(
        tmp_path,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="3600",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        DJANGO_SECURE_HSTS_PRELOAD="true",
        CLAIMDESK_TRUSTED_PROXIES="1",
    ) == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


@pytest.fixture(scope="module")
def direct(tmp_path_factory) -> dict[str, Any]:
    """Production's https settings for clients that connect directly (no trusted proxy)."""
    return _production_settings(tmp_path_factory.mktemp("direct"))


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> dict[str, Any]:
    return _production_settings(tmp_path_factory.mktemp("proxied"), CLAIMDESK_TRUSTED_PROXIES="1")


def _login_over_http(settings, https_settings: dict[str, Any], forwarded_proto: str):
    for name, value in https_settings.items():
        setattr(settings, name, value)
    UserFactory.create(username="desk")
    client = Client()  # a new client loads the middleware with these settings
    response = client.post(
        "/accounts/login/",
        {"username": "desk", "password": "pw-for-tests"},
        HTTP_X_FORWARDED_PROTO=forwarded_proto,
    )
    return response, "_auth_user_id" in client.session


def test_a_forged_forwarded_proto_over_http_gets_no_login(db, settings, direct):
    """Plain http claiming https by itself: redirected to https, not logged in."""
    response, logged_in = _login_over_http(settings, direct, "https")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    assert not logged_in
    assert "sessionid" not in response.cookies


def test_a_trusted_proxy_forwarding_https_logs_in(db, settings, proxied):
    response, logged_in = _login_over_http(settings, proxied, "https")
    assert response.status_code == 302
    assert logged_in
    assert response.cookies["sessionid"]["secure"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_through_a_trusted_proxy_is_redirected(db, settings, proxied):
    response, logged_in = _login_over_http(settings, proxied, "http")
    assert response.status_code == 301
    assert not logged_in


def test_the_policy_allows_images_from_the_logos_host_only(tmp_path):
    def img_src(**env: str):
        policy = _production_settings(tmp_path, ["CONTENT_SECURITY_POLICY"], **env)
        return policy["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]

    assert img_src() == ["'self'"]
    logo = "https://cdn.newsroom.example/brand/logo.svg"
    assert img_src(CLAIMDESK_ORGANIZATION_LOGO_URL=logo) == [
        "'self'",
        "https://cdn.newsroom.example",
    ]
