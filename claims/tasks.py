"""Celery tasks of the pipeline: thin wrappers that call services with ids.

All tasks are `acks_late` (a crash mid-task means redelivery) and safe to run twice, because
the services check the article's state before doing anything. Only transient errors are
retried, with exponential backoff; a final failure is recorded on the article.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded

from claims.services import pipeline
from core.errors import TransientError


class PipelineTask(Task):  # type: ignore[type-arg]
    acks_late = True
    autoretry_for = (TransientError,)
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """Retries exhausted or an unexpected error: the article shows failed, with the reason."""
        article_id = kwargs.get("article_id")
        if article_id is None and "claim_id" in kwargs:
            article_id = pipeline.claim_article_id(claim_id=kwargs["claim_id"])
        if article_id is not None:
            reason = "Timed out." if isinstance(exc, SoftTimeLimitExceeded) else str(exc)
            pipeline.article_mark_failed(
                article_id=article_id, reason=f"{type(exc).__name__}: {reason}"
            )


@shared_task(base=PipelineTask, name="claims.article_fetch")
def article_fetch(*, article_id: int) -> None:
    pipeline.article_fetch(article_id=article_id)


@shared_task(base=PipelineTask, name="claims.article_extract")
def article_extract(*, article_id: int) -> None:
    pipeline.article_extract(article_id=article_id)


@shared_task(base=PipelineTask, name="claims.claim_gather_evidence")
def claim_gather_evidence(*, claim_id: int) -> None:
    pipeline.claim_gather_evidence(claim_id=claim_id)


@shared_task(base=PipelineTask, name="claims.article_finish")
def article_finish(*, article_id: int) -> None:
    pipeline.article_finish(article_id=article_id)


@shared_task(name="claims.pipeline_sweep_stuck", acks_late=True)
def pipeline_sweep_stuck() -> int:
    return pipeline.pipeline_sweep_stuck()
