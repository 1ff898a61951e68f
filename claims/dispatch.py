"""Enqueue pipeline tasks after the current transaction commits.

Services call these rather than the task objects, so a worker never picks up an id whose row
is not committed yet.
"""

from collections.abc import Iterable

from core.tasks import enqueue_on_commit


def _enqueue(task_name: str, **kwargs: int) -> None:
    enqueue_on_commit(f"claims.{task_name}", **kwargs)


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
