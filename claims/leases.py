"""Step leases: which run is doing a pipeline step now, kept alive by a heartbeat while it works.

A worker killed whole (the machine, or the main process with its pool) leaves its messages
unacknowledged in the broker; Redis hands them out again only after the visibility timeout (an
hour), and the SQLite-backed broker never does. The lease tells the sweeper much sooner: the run
renews it every quarter of CLAIMDESK_PIPELINE_DEAD_AFTER_S from a background thread, so an
expired lease belongs to a worker that stopped beating, and the sweeper re-enqueues its step
(claims/steps.py). A healthy step keeps renewing, however long it takes, and is left alone.

Every change of a lease other than extending it happens under the article's row lock, and so do
the runner's commit checks: the run holding the lease is the only one whose results are written.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import DatabaseError, connection
from django.utils import timezone

from claims.conf import conf
from claims.models import StepLease

logger = logging.getLogger(__name__)


def worker_name() -> str:
    """host:pid of this process, so people can tell from a lease which worker runs the step."""
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_take(
    *, article_id: int, claim_id: int | None, task: str, task_id: str
) -> StepLease | None:
    """Take the lease on the article's step (`claim_id` None) or a claim's evidence step for
    this run; None when a live run of another message holds it. The caller holds the article's
    row lock.

    A lease of the same `task_id` is taken over even while it is live: the message is being
    delivered again, so the run that held it is gone (its pool process was killed and the
    message rejected back to the queue), or it is this task's retry. (Should that run still be
    going, after its worker lost the broker connection, its commit is refused.)
    """
    now = timezone.now()
    lease = (
        StepLease.objects.select_for_update().filter(article_id=article_id, claim=claim_id).first()
    )
    if lease is not None and lease.expires_at > now and lease.task_id != task_id:
        return None
    if lease is None:
        lease = StepLease(article_id=article_id, claim_id=claim_id)
    lease.task = task
    lease.task_id = task_id
    lease.token = uuid.uuid4()
    lease.owner = worker_name()[:200]
    lease.expires_at = now + conf().pipeline_dead_after
    lease.save()
    return lease


def lease_holds(lease: StepLease) -> bool:
    """Whether `lease` is still this run's (under the article's row lock, before committing)."""
    return StepLease.objects.filter(pk=lease.pk, token=lease.token).exists()


def lease_release(lease: StepLease) -> None:
    StepLease.objects.filter(pk=lease.pk, token=lease.token).delete()


def lease_hold_for_retry(*, task_id: str, until: datetime) -> None:
    """Keep the lease of `task_id` until its retry is due, plus the usual margin: the retry
    message waits in a worker meanwhile, nothing beats, and the sweeper must not take the wait
    for a death. (The retry has the same task id, so it takes the lease back.)"""
    StepLease.objects.filter(task_id=task_id).update(expires_at=until + conf().pipeline_dead_after)


@contextmanager
def lease_kept(lease: StepLease) -> Iterator[None]:
    """Renew `lease` from a background thread while the block runs."""
    stop = threading.Event()
    beat = threading.Thread(
        target=_beat, args=(lease.pk, lease.token, stop), name=f"lease-{lease.pk}", daemon=True
    )
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()


def _beat(pk: int, token: uuid.UUID, stop: threading.Event) -> None:
    dead_after = conf().pipeline_dead_after
    try:
        while not stop.wait(dead_after.total_seconds() / 4):
            try:
                renewed = StepLease.objects.filter(pk=pk, token=token).update(
                    expires_at=timezone.now() + dead_after
                )
            except DatabaseError:
                # Keep trying: if the database stays away, the lease expires, another run
                # takes the step over and this run's commit check discards its results.
                logger.warning("could not renew step lease %s", pk, exc_info=True)
                continue
            if not renewed:
                logger.warning("step lease %s was taken over; this run will not commit", pk)
                return
    finally:
        connection.close()  # this thread's own connection (Django's are per thread)
