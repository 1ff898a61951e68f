"""Background delivery of webhooks: thin wrappers around the services.

The service catches network errors itself (it records each attempt on the delivery and counts
them against CLAIMDESK_WEBHOOK_MAX_ATTEMPTS), so the task has no `autoretry_for`: it only
schedules the retry the service asked for, after the delay the service chose.
"""

from __future__ import annotations

from celery import Task, shared_task

from webhooks import services


@shared_task(bind=True, name="webhooks.deliver", acks_late=True, max_retries=None)
def deliver(self: Task, *, delivery_id: int) -> None:  # type: ignore[type-arg]
    retry_in = services.delivery_attempt(delivery_id=delivery_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name="webhooks.deliveries_resume_stalled", acks_late=True)
def deliveries_resume_stalled() -> int:
    return services.deliveries_resume_stalled()
