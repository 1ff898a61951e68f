"""Enqueueing from services: by the task's registered name, after the transaction commits.

Services never import their app's task module (the tasks import the services), and a worker
never picks up an id whose row is not committed yet.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction


def enqueue_on_commit(task_name: str, /, **kwargs: Any) -> None:
    """Send `task_name` with `kwargs` once the current transaction commits (at once outside one).

    The task is looked up in the app's registry, so eager mode (tests, `make run`) and routing
    apply as if the task object itself had been called.
    """
    task = current_app.tasks[task_name]
    transaction.on_commit(partial(task.delay, **kwargs))
