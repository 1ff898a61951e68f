"""Background work of the review queue: thin wrappers around the services."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from core.errors import TransientError
from reviews.services import citations, notifications, queue


class CitationFetchTask(Task):  # type: ignore[type-arg]
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """Retries used up (or an unexpected error): show the reason on the citation."""
        citations.citation_fetch_failed(citation_id=kwargs["citation_id"], reason=str(exc))


@shared_task(
    base=CitationFetchTask,
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


@shared_task(name="reviews.bulk_apply", acks_late=True)
def bulk_apply(*, user_id: int, item_ids: list[int], action: str, value_id: int | None) -> None:
    # Safe to run twice: each claim's change is a no-op when it is already applied.
    queue.review_items_bulk_from_ids(
        user_id=user_id, item_ids=item_ids, action=action, value_id=value_id
    )


@shared_task(
    name="reviews.notification_email",
    acks_late=True,
    autoretry_for=(OSError,),  # SMTP trouble (smtplib's errors are OSErrors)
    retry_backoff=30,
    retry_jitter=True,
    max_retries=5,
)
def notification_email(*, notification_id: int) -> None:
    notifications.notification_email_send(notification_id=notification_id)
