"""Celery tasks of the pipeline: thin wrappers that call services with ids.

All tasks are `acks_late` (a crash mid-task means redelivery) and safe to run twice, because
the services check the article's state before doing anything. Only transient errors are
retried, with exponential backoff; a final failure is recorded on the article.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache

from claims import dispatch
from claims.errors import TransientError
from claims.evidence.dense import passage_index_refresh
from claims.evidence.search import refresh_lexical_stats
from claims.services import indexing, pipeline


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


@shared_task(name="claims.library_refresh_stats", acks_late=True)
def library_refresh_stats() -> None:
    refresh_lexical_stats()


@shared_task(name="claims.source_document_index", acks_late=True)
def source_document_index(*, document_id: int) -> None:
    indexing.source_document_index(document_id=document_id)


@shared_task(name="claims.library_index_missing", acks_late=True)
def library_index_missing() -> int:
    return indexing.library_index_missing(limit=settings.CLAIMDESK_EMBED_BATCH * 100)


@shared_task(name="claims.dense_index_refresh", acks_late=True)
def dense_index_refresh() -> None:
    cache.delete(dispatch.DENSE_REFRESH_PENDING)  # vectors written from now on need a new run
    passage_index_refresh()


@shared_task(name="claims.pipeline_sweep_stuck", acks_late=True)
def pipeline_sweep_stuck() -> int:
    return pipeline.pipeline_sweep_stuck()
