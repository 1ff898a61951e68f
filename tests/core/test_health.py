"""/healthz and /readyz: unauthenticated probes, each readiness check timed, 503 naming what
is not ready, logged as a warning rather than a server error."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator

import pytest
from django.test import Client

from claims.extraction import checkworthiness
from config.celery_app import app as celery_app

CHECKS = {
    "database",
    "migrations",
    "broker",
    "model_checkworthiness",
    "model_embedder",
    "model_stance",
    "model_relevance",
}


def test_healthz_answers_without_touching_the_database(client: Client):
    # No django_db mark: a database query would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"


@contextlib.contextmanager
def socket_that_refuses() -> Iterator[int]:
    """A port on 127.0.0.1 where nothing listens (bound but not listening: not reused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.mark.django_db
def test_readyz_reports_every_check_with_its_duration(client: Client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert isinstance(check["duration_ms"], float)
        assert check["duration_ms"] >= 0


@pytest.mark.django_db
def test_an_unreachable_broker_makes_it_not_ready(client: Client, monkeypatch, caplog):
    with socket_that_refuses() as port:
        monkeypatch.setitem(celery_app.conf, "broker_url", f"redis://127.0.0.1:{port}/0")
        with caplog.at_level(logging.INFO, logger="django.request"):
            response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"]["status"] == "fail"
    assert "refused" in body["checks"]["broker"]["error"].lower()
    assert body["checks"]["database"]["status"] == "ok"  # the others still ran
    # A probe's finding, not a server error.
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Not ready: broker"


@pytest.mark.django_db
def test_a_missing_model_makes_it_not_ready(client: Client, monkeypatch, tmp_path):
    missing = tmp_path / "checkworthiness.skops"
    monkeypatch.setattr(checkworthiness, "MODEL_PATH", missing)
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["model_checkworthiness"]
    assert check["status"] == "fail"
    assert str(missing) in check["error"]


@pytest.mark.django_db
def test_a_model_that_does_not_load_makes_it_not_ready(client: Client, monkeypatch, tmp_path):
    broken = tmp_path / "checkworthiness.skops"
    broken.write_bytes(b"not a skops file")
    monkeypatch.setattr(checkworthiness, "MODEL_PATH", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["model_checkworthiness"]["status"] == "fail"
