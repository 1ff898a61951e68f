"""Prometheus metrics: the plumbing every app records through, and what /metrics serves.

Two kinds of numbers, each taken where it is exact:

- **Events** (requests, pipeline steps, Celery task outcomes, webhook attempts, take-next
  latency, a provider's circuit as last seen) are counted by prometheus_client in the process
  where they happen. With PROMETHEUS_MULTIPROC_DIR set (`make run`; see the README for
  production), every process, gunicorn workers and Celery pool processes alike, writes its
  values to files in that folder, and a scrape of any web process adds them all up
  (prometheus_client's multiprocess mode). Without it, a scrape sees only the process that
  answers it: fine for one process, wrong for several.
- **Levels** (articles per pipeline state, review items per status, how long the oldest
  article in the pipeline has waited) are read from the database at scrape time, by the
  collectors apps register here from their AppConfig.ready(). Every process already shares
  the database, so these need no files, survive restarts and are never stale. Each is one
  grouped query.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Task
from celery.signals import task_failure, task_retry, task_success
from prometheus_client import REGISTRY as PROCESS_REGISTRY
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

HTTP_REQUESTS = Counter(
    "claimdesk_http_requests",
    "HTTP responses by view (URL pattern name), method and status.",
    ["view", "method", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "claimdesk_http_request_duration_seconds",
    "Time to build an HTTP response, by view.",
    ["view"],
)
CELERY_TASKS = Counter(
    "claimdesk_celery_tasks",
    "Celery task runs by task name and outcome: success, failure (final), retry (scheduled).",
    ["task", "outcome"],
)

# Database-derived collectors by name (a second registration under a name replaces the first:
# AppConfig.ready() may run again in tests).
_level_collectors: dict[str, Collector] = {}


def register_level_collector(name: str, collector: Collector) -> None:
    _level_collectors[name] = collector


def exposition() -> bytes:
    """The text format a scrape gets: every process's events, then the database's levels."""
    multiprocess_dir = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if multiprocess_dir:
        events = CollectorRegistry()
        MultiProcessCollector(events, path=multiprocess_dir)  # type: ignore[no-untyped-call]
        text = generate_latest(events)
    else:
        text = generate_latest(PROCESS_REGISTRY)
    levels = CollectorRegistry()
    for collector in _level_collectors.values():
        levels.register(collector)
    return text + generate_latest(levels)


def _task_name(sender: object) -> str:
    return str(getattr(sender, "name", sender))


@task_success.connect
def _count_success(*, sender: Task[Any, Any] | None = None, **_: object) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), outcome="success").inc()


@task_failure.connect
def _count_failure(*, sender: Task[Any, Any] | None = None, **_: object) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), outcome="failure").inc()


@task_retry.connect
def _count_retry(*, sender: Task[Any, Any] | None = None, **_: object) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), outcome="retry").inc()
