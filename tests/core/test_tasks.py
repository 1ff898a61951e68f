"""The broker as the sweeper sees it: how many messages wait in a queue (the test broker:
SQLite-backed in the first phase, Redis in the second)."""

import uuid
from collections.abc import Iterator

import pytest

from config.celery_app import app as celery_app
from core.tasks import messages_waiting


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of this test's own on the real broker, emptied afterwards."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    try:
        yield name
    finally:
        celery_app.conf.task_always_eager = True
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge(name)  # type: ignore[attr-defined]


def test_messages_waiting_counts_what_waits_in_the_queue(queue):
    assert messages_waiting(queue) == 0  # nothing was ever sent there
    for _ in range(2):
        celery_app.send_task("claims.article_finish", kwargs={"article_id": 0}, queue=queue)
    assert messages_waiting(queue) == 2


def test_nothing_waits_when_tasks_run_in_process():
    assert celery_app.conf.task_always_eager
    assert messages_waiting() == 0
