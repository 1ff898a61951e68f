"""Celery tasks of the pipeline: thin wrappers, made from the step table (claims/steps.py),
that call services with ids (and their own task id, which a redelivery of the same message
shares, for the step's lease: claims/leases.py).

All tasks are `acks_late` (a crash mid-task means redelivery) and safe to run twice, because
the services check the article's state and the step's lease before doing anything. Only
transient errors are retried, with exponential backoff; a final failure is recorded on the
article.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.utils import timezone

from claims import leases, steps
from claims.services import matching
from core.errors import TransientError


class PipelineTask(Task):  # type: ignore[type-arg]
    acks_late = True
    autoretry_for = (TransientError,)
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5

    def on_retry(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """The retry message waits in a worker until it is due, with nothing beating: the
        step's lease must outlast the wait, or the sweeper would take it for a dead worker.
        The wait is at most Celery's backoff, `retry_backoff * 2 ** retries` capped at
        `retry_backoff_max` (the jitter only shortens it)."""
        wait_s = min(self.retry_backoff_max, self.retry_backoff * 2**self.request.retries)
        leases.lease_hold_for_retry(
            task_id=task_id, until=timezone.now() + timedelta(seconds=wait_s)
        )

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """Retries exhausted or an unexpected error: the article shows failed, with the reason."""
        article_id = kwargs.get("article_id")
        claim_ids = kwargs.get("claim_ids") or (
            [kwargs["claim_id"]] if "claim_id" in kwargs else []
        )
        if article_id is None and claim_ids:
            article_id = steps.claim_article_id(claim_id=claim_ids[0])
        if article_id is not None:
            reason = "Timed out." if isinstance(exc, SoftTimeLimitExceeded) else str(exc)
            steps.article_mark_failed(
                article_id=article_id, reason=f"{type(exc).__name__}: {reason}"
            )


def _register_article_step(task_name: str) -> None:
    @shared_task(base=PipelineTask, name=task_name, bind=True)
    def run(self: PipelineTask, *, article_id: int) -> None:
        steps.run_step(task_name, article_id=article_id, task_id=self.request.id)


# One task per article step of the table (claims.article_fetch, claims.article_extract).
for _step in steps.STEPS:
    if _step.run is not None:
        _register_article_step(_step.task)


@shared_task(base=PipelineTask, name=steps.EVIDENCE_TASK, bind=True)
def claim_gather_evidence(
    self: PipelineTask, *, claim_ids: list[int] | None = None, claim_id: int | None = None
) -> None:
    # A message sent before claims were grouped per task names one `claim_id`.
    ids = [claim_id] if claim_id is not None else claim_ids or []
    steps.claims_gather_evidence(claim_ids=ids, task_id=self.request.id)


@shared_task(base=PipelineTask, name=steps.FINISH_TASK)
def article_finish(*, article_id: int) -> None:
    steps.article_finish(article_id=article_id)


@shared_task(name="claims.pipeline_sweep_stuck", acks_late=True)
def pipeline_sweep_stuck() -> int:
    return steps.pipeline_sweep_stuck()


@shared_task(name="claims.claim_index_refresh", acks_late=True)
def claim_index_refresh(*, rebuild: bool = False) -> None:
    """The reviewed-claims indexes (English and multilingual vectors) of the machine that runs
    it (the others catch up by themselves: core/ann.py)."""
    cache.delete(matching.CLAIM_INDEX_REFRESH_PENDING)  # changes from now on need a new run
    matching.claim_index_refresh(rebuild=rebuild)
    matching.multilingual_claim_index_refresh(rebuild=rebuild)
