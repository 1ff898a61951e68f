"""A real `celery worker` subprocess on the test database and the configured broker.

Phase 1 of `make test` runs it on the SQLite file database with the SQLite-backed broker (the
embedded default `make run` uses); phase 2 on PostgreSQL with Redis.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings as django_settings
from django.db import connection

from benchmarks.support import WorkerProcess, WorkerStartError
from config.celery_app import app as celery_app


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_environment(**extra: str) -> dict[str, str]:
    """The environment of a real worker on this test run's database and broker."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
        # Webhook retries within a test's patience (the default first wait is 30 s).
        "CLAIMDESK_WEBHOOK_RETRY_BASE_S": "0.5",
        **extra,
    }


@pytest.fixture(scope="session")
def celery_worker_process(
    django_db_setup: None, django_db_blocker, tmp_path_factory
) -> Iterator[WorkerProcess]:
    index_dir = tmp_path_factory.mktemp("worker-ann-indexes")
    with django_db_blocker.unblock():
        env = worker_environment(CLAIMDESK_DENSE_INDEX_DIR=str(index_dir))
    # Stale messages from an earlier, interrupted run must not reach this run's worker.
    celery_app.control.purge()
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    queues = ",".join(
        (django_settings.CELERY_TASK_DEFAULT_QUEUE, django_settings.CLAIMDESK_WEBHOOK_QUEUE)
    )
    try:
        worker = WorkerProcess(env, log_path, queue=queues)
    except WorkerStartError as exc:
        pytest.fail(str(exc))
    yield worker
    worker.stop()


@pytest.fixture
def live_pipeline(celery_worker_process: WorkerProcess) -> Iterator[WorkerProcess]:
    """Tasks go to the broker and the real worker (not in-process) for this test."""
    celery_app.conf.task_always_eager = False
    try:
        yield celery_worker_process
    finally:
        celery_app.conf.task_always_eager = True


@pytest.fixture
def start_worker(django_db_setup: None, tmp_path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real workers (two processes each, with beat) on a queue of this test's own, where
    the test's tasks go; `settings` become their environment. For tests that kill a worker or
    need settings of their own: the session's worker never sees their tasks, and messages a
    killed worker strands are handed out again (an hour later) to a queue no one reads."""
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    workers: list[WorkerProcess] = []

    def start(**settings: str) -> WorkerProcess:
        n = len(workers)
        try:
            worker = WorkerProcess(
                worker_environment(CELERY_TASK_DEFAULT_QUEUE=queue, **settings),
                tmp_path / f"worker-{n}.log",
                queue=queue,
                concurrency=2,
                beat_schedule=tmp_path / f"beat-schedule-{n}",
            )
        except WorkerStartError as exc:
            pytest.fail(str(exc))
        workers.append(worker)
        return worker

    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()
        celery_app.conf.task_default_queue = django_settings.CELERY_TASK_DEFAULT_QUEUE
        celery_app.conf.task_always_eager = True


def wait_for(condition: Callable[[], bool], *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s waiting for {what or condition}")
