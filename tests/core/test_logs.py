"""Log lines carry what they are about: the request id (taken from X-Request-ID when sane,
returned in the response) and, in the pipeline, the article or claim id; JSON in production,
human-readable elsewhere."""

from __future__ import annotations

import json
import logging
import logging.config
import os

import pytest
from celery.signals import before_task_publish, task_postrun, task_prerun

from claims.models import Article
from config.celery_app import app as celery_app
from config.settings.logs import logging_config
from core.logs import current, log_context

TEXT = "Arctic sea ice fell to 4.1 million square kilometres in September 2023, scientists said."


@pytest.fixture
def log_lines(capsys, settings, monkeypatch):
    """Logging as configured for `format` (production's JSON or the plain default), written
    to the captured stderr; restored afterwards."""
    monkeypatch.delenv("CLAIMDESK_LOG_FORMAT", raising=False)

    def configure(format_: str):
        logging.config.dictConfig(logging_config(default_format=format_))
        return lambda: capsys.readouterr().err.splitlines()

    yield configure
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.parametrize("incoming", ["3f2b9c1e-6a47-4d6b-9a1e-2f0c8d7b5e44", "abc123DEF456"])
def test_a_sane_incoming_request_id_is_kept_and_returned(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize("incoming", [None, "", "short", "has spaces in it", "x" * 129, "a\nb" * 5])
def test_otherwise_a_new_request_id_is_made(client, incoming):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    response = client.get("/healthz", **headers)
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Request-ID"] != incoming


@pytest.mark.django_db(transaction=True)
def test_a_pipeline_json_line_names_the_request_and_the_article(api_client, workflow, log_lines):
    """Submitted through the API with eager tasks, the pipeline runs inside the request (on
    commit): its lines carry the request id, the task and the article id."""
    read = log_lines("json")
    response = api_client.post(
        "/api/v1/articles", {"text": TEXT}, format="json", HTTP_X_REQUEST_ID="req-0123456789"
    )
    assert response.status_code == 202
    article = Article.objects.get()
    assert article.state == Article.State.READY

    lines = [json.loads(line) for line in read() if line.startswith("{")]
    [extracted] = [line for line in lines if "claims.article_extract done" in line["message"]]
    assert extracted["request_id"] == "req-0123456789"
    assert extracted["article_id"] == article.pk
    assert extracted["task_name"] == "claims.article_extract"
    assert extracted["level"] == "INFO"
    assert extracted["logger"] == "claims.steps"
    assert extracted["time"].endswith("+00:00")
    # Evidence is gathered per claim: those lines name the claim (and the request).
    claim = article.claims.get()
    evidence = [line for line in lines if line.get("claim_id") == claim.pk]
    assert evidence
    assert all(line["request_id"] == "req-0123456789" for line in evidence)


def test_plain_lines_stay_readable_and_end_with_the_ids(log_lines):
    read = log_lines("plain")
    with log_context(request_id="req-1", article_id=7):
        logging.getLogger("claims.steps").warning("article %s failed", 7)
    logging.getLogger("claims.steps").warning("no context here")
    first, second = read()[-2:]
    pid = os.getpid()
    assert first.endswith(
        f" WARNING claims.steps {pid} article 7 failed [request_id=req-1 article_id=7]"
    )
    assert second.endswith(f" WARNING claims.steps {pid} no context here")


def test_a_task_sent_during_a_request_logs_under_its_id_in_the_worker():
    """The id travels in the task message's headers; the worker binds it with the task's."""
    headers: dict[str, object] = {}
    with log_context(request_id="req-0123456789"):
        before_task_publish.send(sender="claims.article_fetch", body=None, headers=headers)
    assert headers == {"claimdesk_request_id": "req-0123456789"}

    task = celery_app.tasks["claims.article_fetch"]
    task.push_request(id="task-1", **headers)  # as a worker builds it from the message
    try:
        task_prerun.send(
            sender=task, task_id="task-1", task=task, args=(), kwargs={"article_id": 5}
        )
        assert current() == {
            "task_name": "claims.article_fetch",
            "task_id": "task-1",
            "article_id": 5,
            "request_id": "req-0123456789",
        }
        task_postrun.send(sender=task, task_id="task-1", task=task, args=(), kwargs={})
    finally:
        task.pop_request()
    assert current() == {}
