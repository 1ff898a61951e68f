"""/metrics: closed without its token or an allowed network; with one, the Prometheus text of
every process's events and the database's levels."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from claims.services.articles import article_submit
from reviews.services.queue import take_next

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-me-0123456789"
ARTICLE = """Sea levels rising faster
Global sea level rose by about 20 centimetres between 1900 and 2018, according to the IPCC.
Carbon dioxide concentrations reached 420 parts per million in 2023, scientists reported."""

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client) -> Samples:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


@pytest.fixture
def token(settings):
    settings.CLAIMDESK_METRICS_TOKEN = TOKEN
    settings.CLAIMDESK_METRICS_ALLOWED_NETWORKS = []


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer"])
def test_without_the_token_a_scrape_is_refused(client, token, authorization):
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"claimdesk_" not in response.content


def test_metrics_are_closed_when_nothing_opens_them(client, settings):
    settings.CLAIMDESK_METRICS_TOKEN = ""
    settings.CLAIMDESK_METRICS_ALLOWED_NETWORKS = []
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403
    assert b"CLAIMDESK_METRICS_TOKEN" in response.content


@pytest.mark.django_db
def test_an_allowed_network_needs_no_token(client, settings):
    settings.CLAIMDESK_METRICS_TOKEN = ""
    settings.CLAIMDESK_METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics").status_code == 403  # the test client is 127.0.0.1
    settings.CLAIMDESK_METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "127.0.0.1"]
    assert client.get("/metrics").status_code == 200


@pytest.mark.django_db
def test_requests_pipeline_steps_and_take_next_are_measured(
    client, token, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article, _ = article_submit(text=ARTICLE)  # the whole pipeline, in eager tasks
    assert take_next(user=user) is not None
    assert client.get("/fact-checks/").status_code == 200

    metrics = scrape(client)

    def value(name: str, **labels: str) -> float:
        return metrics[(name, tuple(sorted(labels.items())))]

    assert value("claimdesk_http_requests_total", view="fact-checks", method="GET", status="200")
    assert value("claimdesk_http_request_duration_seconds_count", view="fact-checks")
    for step in ("claims.article_extract", "claims.claim_gather_evidence"):
        assert value("claimdesk_pipeline_step_duration_seconds_count", step=step)
        assert value("claimdesk_celery_tasks_total", task=step, outcome="success")
    assert value("claimdesk_take_next_duration_seconds_count", outcome="taken")
    # Levels, read from the database at this scrape.
    assert value("claimdesk_articles", state="ready") == 1
    assert value("claimdesk_articles", state="failed") == 0
    assert value("claimdesk_pipeline_oldest_waiting_seconds") == 0
    claims = article.claims.count()
    assert value("claimdesk_review_items", status="in-progress") == 1
    assert value("claimdesk_review_items", status="unstarted") == claims - 1
    assert value("claimdesk_review_items_unassigned") == claims - 1


@pytest.mark.django_db
def test_events_recorded_in_other_processes_are_scraped(client, token, tmp_path, monkeypatch):
    """Multiprocess mode: a process (a Celery worker's, here a plain subprocess running the
    same signal handler and step timer) writes its values under PROMETHEUS_MULTIPROC_DIR, and
    the web process serving the scrape adds them up."""
    worker = """
import django
django.setup()
from celery.signals import task_retry
from claims.metrics import step_observed
from config.celery_app import app
with step_observed("claims.article_fetch"):
    pass
task_retry.send(sender=app.tasks["claims.article_fetch"], request=None, reason="test")
"""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    for _ in range(2):  # two worker processes
        subprocess.run([sys.executable, "-c", worker], cwd=ROOT, env=env, check=True, timeout=120)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    metrics = scrape(client)

    fetch = (("step", "claims.article_fetch"),)
    assert metrics[("claimdesk_pipeline_step_duration_seconds_count", fetch)] == 2
    retried = (("outcome", "retry"), ("task", "claims.article_fetch"))
    assert metrics[("claimdesk_celery_tasks_total", retried)] == 2
    assert ("claimdesk_articles", (("state", "queued"),)) in metrics  # levels still come along
