"""Background work of the review queue: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from claims.errors import TransientError
from reviews.services import citations, queue


@shared_task(
    name="reviews.citation_fetch",
    acks_late=True,
    autoretry_for=(TransientError,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def citation_fetch(*, citation_id: int) -> None:
    citations.citation_fetch(citation_id=citation_id)


@shared_task(name="reviews.leases_expire", acks_late=True)
def leases_expire() -> int:
    return queue.leases_expire()
