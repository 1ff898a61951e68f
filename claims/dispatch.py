"""Enqueue pipeline tasks after the current transaction commits.

Services call these rather than the task objects, so a worker never picks up an id whose row
is not committed yet.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction


def _enqueue(task_name: str, **kwargs: int) -> None:
    # Imported here: the task module imports the services, which import this module.
    from claims import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(**kwargs))


def enqueue_fetch(article_id: int) -> None:
    _enqueue("article_fetch", article_id=article_id)


def enqueue_extract(article_id: int) -> None:
    _enqueue("article_extract", article_id=article_id)


def enqueue_gather(claim_ids: Iterable[int]) -> None:
    # Fan-out: one task per claim, so evidence for a long article is gathered in parallel.
    for claim_id in claim_ids:
        _enqueue("claim_gather_evidence", claim_id=claim_id)


def enqueue_finish(article_id: int) -> None:
    _enqueue("article_finish", article_id=article_id)


def enqueue_index_source(document_id: int) -> None:
    _enqueue("source_document_index", document_id=document_id)


# A refresh re-saves the whole ANN index file: refreshes asked for while one is already queued
# fold into it (the flag is cleared when the refresh starts, so none is ever missed).
DENSE_REFRESH_PENDING = "claims:dense-refresh-pending"


def enqueue_dense_refresh() -> None:
    if cache.add(DENSE_REFRESH_PENDING, True, timeout=3600):
        _enqueue("dense_index_refresh")
