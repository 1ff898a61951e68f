"""Enqueueing from services: by the task's registered name, after the transaction commits; and
how many messages wait in a queue, for the sweepers.

Services never import their app's task module (the tasks import the services), and a worker
never picks up an id whose row is not committed yet.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import current_app
from django.core.cache import cache
from django.db import transaction
from kombu.exceptions import ChannelError


def enqueue_on_commit(task_name: str, /, **kwargs: Any) -> None:
    """Send `task_name` with `kwargs` once the current transaction commits (at once outside one).

    The task is looked up in the app's registry, so eager mode (tests, `make run`) and routing
    apply as if the task object itself had been called.
    """
    task = current_app.tasks[task_name]
    transaction.on_commit(partial(task.delay, **kwargs))


def messages_waiting(queue: str | None = None) -> int:
    """How many messages wait in the broker's `queue` (None: the default queue, where tasks
    without a route go), not counting those workers hold. 0 when tasks run eagerly in-process,
    as nothing is ever queued then."""
    if current_app.conf.task_always_eager:
        return 0
    with current_app.connection_for_read() as conn:
        # Every transport's channel has queue_declare (the stubs' base class lacks it).
        channel: Any = conn.default_channel
        try:
            _, waiting, _ = channel.queue_declare(
                queue=queue or current_app.conf.task_default_queue, passive=True
            )
        except ChannelError:  # no such queue (Redis drops a list once it is empty)
            return 0
    return int(waiting)


def enqueue_folded_on_commit(task_name: str, /, *, pending_key: str) -> None:
    """Send `task_name` (no arguments) once the transaction commits, unless one is already
    queued: for work that redoes everything each run, such as an index refresh that re-saves a
    whole file. The task deletes `pending_key` as it starts, so what is written from then on
    queues a new run and nothing is ever missed. The flag is set at commit, so a rolled-back
    transaction leaves none behind; a lost message leaves it for an hour at most, and beat runs
    such tasks as a safety net meanwhile."""
    task = current_app.tasks[task_name]

    def send() -> None:
        if cache.add(pending_key, True, timeout=3600):
            task.delay()

    transaction.on_commit(send)
