"""What a log line is about, on every line: the request id, and in the pipeline the article or
claim id, without passing them down to every logger call.

`log_context(article_id=...)` binds ids for the code inside it (a context variable, so threads
and nested calls each see their own); `ContextFilter`, on the console handler
(config/settings/logs.py), copies the bound ids onto each record, where the JSON formatter
writes them as fields and `PlainFormatter` appends them. The request id is bound by
`core.middleware.RequestIdMiddleware`; a Celery task's ids (its name and id, the
`article_id`, `claim_id` or `delivery_id` it was given, and the id of the request that sent
it) around each task run, by the signal handlers below.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import MappingProxyType
from typing import Any

from celery import Task
from celery.signals import before_task_publish, task_postrun, task_prerun

# The ids a line can carry, in the order PlainFormatter shows them.
FIELDS = ("request_id", "task_name", "task_id", "article_id", "claim_id", "delivery_id")
# Task arguments that name what a task works on.
_TASK_IDS = ("article_id", "claim_id", "delivery_id")

Context = Mapping[str, object]
_context: ContextVar[Context] = ContextVar("log_context", default=MappingProxyType({}))


def bind(**fields: object) -> Token[Context]:
    """Add `fields` to the current context until `unbind(token)` (for paired callbacks that
    cannot share a `with` block, like Celery's prerun and postrun)."""
    return _context.set(MappingProxyType({**_context.get(), **fields}))


def unbind(token: Token[Context]) -> None:
    _context.reset(token)


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Every line logged inside carries `fields` (besides those bound around it)."""
    token = bind(**fields)
    try:
        yield
    finally:
        unbind(token)


def current() -> Context:
    return _context.get()


class ContextFilter(logging.Filter):
    """Copies the bound ids onto every record (only those bound: no empty fields)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context.get().items():
            setattr(record, name, value)
        return True


class PlainFormatter(logging.Formatter):
    """Human-readable lines, ending with the bound ids: `... [request_id=ab12 article_id=7]`."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # logging names it so
        line = super().formatMessage(record)
        ids = " ".join(
            f"{name}={getattr(record, name)}" for name in FIELDS if hasattr(record, name)
        )
        return f"{line} [{ids}]" if ids else line


# A task sent while a request is handled carries the request's id in its message headers, so
# the worker's lines for it name the request that caused them.
REQUEST_ID_HEADER = "claimdesk_request_id"


@before_task_publish.connect
def _send_request_id(*, headers: dict[str, Any], **_: object) -> None:
    request_id = _context.get().get("request_id")
    if request_id is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


# Celery runs each task between these two signals, in the same thread, for eager tasks too.
_task_tokens: dict[str, Token[Context]] = {}


@task_prerun.connect
def _bind_task(
    *, task_id: str, task: Task[Any, Any], kwargs: dict[str, Any] | None = None, **_: object
) -> None:
    ids = {name: value for name, value in (kwargs or {}).items() if name in _TASK_IDS}
    # A message's headers are attributes of the task's request (eager tasks run inside the
    # request and see its id already).
    request_id = getattr(task.request, REQUEST_ID_HEADER, None)
    if request_id is not None:
        ids["request_id"] = request_id
    _task_tokens[task_id] = bind(task_name=task.name, task_id=task_id, **ids)


@task_postrun.connect
def _unbind_task(*, task_id: str, **_: object) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        unbind(token)
