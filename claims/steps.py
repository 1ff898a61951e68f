"""The article pipeline as one table, STEPS: which step runs from which state, the state it
works in, and the state it leaves the article in.

    queued ─fetch─▶ extracting ─extract─▶ gathering ─evidence per claim, then finish─▶ ready
    (an article submitted as text or HTML goes from queued straight to extract)

Adding a pipeline step: one entry in STEPS plus its function (claims/services/pipeline.py),
and the State it works in (claims/models.py). The Celery tasks (claims/tasks.py), the sweeper
and `enqueue_next_step` all read the table.

Every step is idempotent through the article's state and the step's lease: `run_step` claims the
article and takes the step's lease (claims/leases.py) under a row lock, runs the work outside the
lock while a heartbeat renews the lease, then writes the results only if the article is still in
the step's working state and the lease is still this run's. So a step that runs twice
(redelivery after a crash, the sweeper re-enqueuing) runs once at a time, finds nothing to do
the second time, and a run presumed dead and taken over cannot commit over the newer one.
Evidence is gathered the same way per claim. The sweeper re-enqueues a step as soon as its
lease expires (its worker stopped beating), and owed work that nobody holds.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from claims import leases, ports
from claims.conf import conf
from claims.metrics import step_observed
from claims.models import Article, Claim, StepLease
from claims.services import pipeline
from claims.services.pipeline import StepFailed, Write
from core.logs import log_context
from core.tasks import enqueue_on_commit, messages_waiting

logger = logging.getLogger(__name__)
State = Article.State


def _always(article: Article) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    task: str  # the Celery task's name: a wire contract, never renamed
    starts_from: tuple[State, ...]  # the states in which the step may pick the article up
    working: State  # the article's state while the step runs (restarts count `attempts`)
    then: State  # the state the step leaves the article in when it is done
    # The work, for `run_step`: it runs outside the lock and returns what to write under it.
    # None: the step runs per claim (see `enqueue`) and does not claim the article itself.
    run: Callable[[Article], Write] | None = None
    # Whether this is the step for an article in one of `starts_from`, where two steps start
    # from the same state (the first in STEPS that wants the article runs).
    wanted: Callable[[Article], bool] = _always
    # How to start the step for an article; None: its task once, with the article's id.
    enqueue: Callable[[Article], None] | None = None


def _needs_download(article: Article) -> bool:
    return article.input_kind == Article.InputKind.URL and not article.raw_content


EVIDENCE_TASK = "claims.claim_gather_evidence"
FINISH_TASK = "claims.article_finish"


def enqueue_claim_evidence(claim_ids: Iterable[int]) -> None:
    """Evidence tasks for the claims, CLAIMDESK_EVIDENCE_CLAIMS_PER_TASK claims each: a long
    article's evidence is still gathered in parallel, without a task hop (and a fan-in check)
    per claim. Each claim keeps its own lease and commit (`claims_gather_evidence`)."""
    ids = list(claim_ids)
    size = conf().evidence_claims_per_task
    for start in range(0, len(ids), size):
        enqueue_on_commit(EVIDENCE_TASK, claim_ids=ids[start : start + size])


def _enqueue_gather(article: Article) -> None:
    """Fan-out: one evidence task per pending claim, each of which ends with the fan-in
    (`article_finish`); with no claim pending, the fan-in alone."""
    pending = article.claims.filter(evidence_state=Claim.EvidenceState.PENDING)
    claim_ids = list(pending.values_list("pk", flat=True))
    if claim_ids:
        enqueue_claim_evidence(claim_ids)
    else:
        enqueue_on_commit(FINISH_TASK, article_id=article.pk)


STEPS: tuple[Step, ...] = (
    Step(
        task="claims.article_fetch",
        starts_from=(State.QUEUED, State.FETCHING),
        working=State.FETCHING,
        then=State.EXTRACTING,
        run=pipeline.article_fetch,
        wanted=_needs_download,
    ),
    Step(
        task="claims.article_extract",
        starts_from=(State.QUEUED, State.EXTRACTING),
        working=State.EXTRACTING,
        then=State.GATHERING,
        run=pipeline.article_extract,
    ),
    Step(
        task=EVIDENCE_TASK,
        starts_from=(State.GATHERING,),
        working=State.GATHERING,
        then=State.READY,
        enqueue=_enqueue_gather,
    ),
)

# States in which a worker still owes the article some work (the sweeper watches these).
WORKING_STATES: tuple[State, ...] = tuple(
    dict.fromkeys(state for step in STEPS for state in (*step.starts_from, step.working))
)
_BY_TASK = {step.task: step for step in STEPS}
_GATHER = _BY_TASK[EVIDENCE_TASK]


def next_step(article: Article) -> Step | None:
    """The step that moves `article` on from its current state (None: nothing left to do)."""
    for step in STEPS:
        if article.state in step.starts_from and step.wanted(article):
            return step
    return None


def enqueue_next_step(article: Article) -> None:
    """Enqueue the task(s) that move `article` on from its current state (after commit)."""
    step = next_step(article)
    if step is None:
        return
    if step.enqueue is not None:
        step.enqueue(article)
    else:
        enqueue_on_commit(step.task, article_id=article.pk)


def _claim_step(step: Step, article_id: int, task_id: str) -> tuple[Article, StepLease] | None:
    """Move the article into the step's working state and give this run the step's lease, if
    the article is in one of the step's starting states and no live run holds the step; None
    means nothing to do."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.state not in step.starts_from:
            return None
        lease = leases.lease_take(
            article_id=article_id, claim_id=None, task=step.task, task_id=task_id
        )
        if lease is None:
            return None  # a live run has it; should its worker die, the sweeper re-enqueues it
        # Attempts count starts of the current step, so the sweeper's limit is per step.
        article.attempts = article.attempts + 1 if article.state == step.working else 1
        article.state = step.working
        article.progressed_at = timezone.now()
        article.save(update_fields=["state", "attempts", "progressed_at", "updated_at"])
        return article, lease


def run_step(task: str, *, article_id: int, task_id: str | None = None) -> None:
    """Run the article step named `task`: claim the article and the step's lease, do the work
    outside the lock while a heartbeat keeps the lease, write the results if the lease is still
    this run's, and enqueue what comes next.

    `task_id` is the Celery message's (a redelivery of it may take the lease over); None for a
    run of its own. A StepFailed from the work marks the article failed; a TransientError
    propagates, so the task retries (the article stays in the working state, owed work, and the
    lease waits for the retry: PipelineTask.on_retry).
    """
    step = _BY_TASK[task]
    if step.run is None:
        raise ValueError(f"{task} runs per claim, not per article.")
    with log_context(article_id=article_id):
        _run_article_step(step, step.run, article_id, task_id or uuid.uuid4().hex)


def _run_article_step(
    step: Step, run: Callable[[Article], Write], article_id: int, task_id: str
) -> None:
    claimed = _claim_step(step, article_id, task_id)
    if claimed is None:
        return
    article, lease = claimed
    started = time.perf_counter()
    try:
        with leases.lease_kept(lease), step_observed(step.task):
            write = run(article)
    except StepFailed as exc:
        article_mark_failed(article_id=article_id, reason=exc.reason, lease=lease)
        return
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article_id)
        if locked.state != step.working or not leases.lease_holds(lease):
            logger.info("article %s moved on or another run took %s over", article_id, step.task)
            return
        write(locked)
        if locked.state == step.working:  # unless the write ended it (a duplicate)
            locked.state = step.then
        locked.progressed_at = timezone.now()
        locked.save()
        leases.lease_release(lease)
        enqueue_next_step(locked)
    _log_done(f"article {article_id}", step.task, started, f", now {locked.state}")


def _log_done(subject: str, task: str, started: float, tail: str = "") -> None:
    """One line per finished step, in the worker's log: benchmarks.pipeline reads the time each
    step took from these lines (the worker side of its per-stage breakdown)."""
    logger.info(
        "%s: %s done in %.1f ms%s", subject, task, (time.perf_counter() - started) * 1000, tail
    )


def _claim_evidence_step(claim_id: int, task_id: str) -> tuple[Claim, StepLease | None] | None:
    """The claim, with its evidence lease for this run if it still needs evidence (no lease: it
    has its evidence, go on to the fan-in); None when it is gone or a live run holds it."""
    article_id = claim_article_id(claim_id=claim_id)
    if article_id is None:
        return None
    with transaction.atomic():
        # Leases change under the article's row lock only (claims/leases.py).
        Article.objects.select_for_update().filter(pk=article_id).first()
        claim = Claim.objects.filter(pk=claim_id).first()
        if claim is None:
            return None
        if claim.evidence_state != Claim.EvidenceState.PENDING:
            return claim, None
        lease = leases.lease_take(
            article_id=article_id, claim_id=claim_id, task=EVIDENCE_TASK, task_id=task_id
        )
        return None if lease is None else (claim, lease)


def claims_gather_evidence(*, claim_ids: Iterable[int], task_id: str | None = None) -> None:
    """The evidence task: gather for each claim in turn under its own lease and commit it (as
    `run_step` does for an article step), as if each had a task of its own; then try the fan-in
    of their articles. A retry (same task id) takes its claims' leases over and skips those
    already done."""
    task_id = task_id or uuid.uuid4().hex
    finish: dict[int, None] = {}  # the articles to try the fan-in of, in order
    for claim_id in claim_ids:
        with log_context(claim_id=claim_id):
            article_id = _gather_claim_evidence(claim_id, task_id)
        if article_id is not None:
            finish[article_id] = None
    for article_id in finish:
        with log_context(article_id=article_id):
            article_finish(article_id=article_id)


def claim_gather_evidence(*, claim_id: int, task_id: str | None = None) -> None:
    """`claims_gather_evidence` for one claim."""
    claims_gather_evidence(claim_ids=[claim_id], task_id=task_id)


def _gather_claim_evidence(claim_id: int, task_id: str) -> int | None:
    """Gather and commit the claim's evidence unless it has it; returns its article's id for
    the fan-in (None: the claim is gone, or another run holds or took over its evidence)."""
    taken = _claim_evidence_step(claim_id, task_id)
    if taken is None:
        return None
    claim, lease = taken
    if lease is not None:
        started = time.perf_counter()
        with leases.lease_kept(lease), step_observed(EVIDENCE_TASK):
            write = pipeline.claim_gather_evidence(claim)
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=claim.article_id)
            if not leases.lease_holds(lease):
                logger.info("claim %s: another run took its evidence over", claim_id)
                return None
            write()
            article.progressed_at = timezone.now()
            article.save(update_fields=["progressed_at", "updated_at"])
            leases.lease_release(lease)
        _log_done(f"claim {claim_id}", EVIDENCE_TASK, started)
    return claim.article_id


def article_finish(*, article_id: int) -> None:
    """Fan-in: once every claim has its evidence, mark the article ready and queue its claims.

    Every evidence task calls this after committing its own claim, so the last one to finish
    always sees all claims done; the row lock makes sure only one of them does the hand-off,
    inside the transaction that marks the article ready ("ready" always means "queued").
    """
    started = time.perf_counter()
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.state != _GATHER.working:
            return
        if article.claims.filter(evidence_state=Claim.EvidenceState.PENDING).exists():
            return
        article.state = _GATHER.then
        article.progressed_at = timezone.now()
        article.save(update_fields=["state", "progressed_at", "updated_at"])
        ports.get_review_handoff()(article_id=article_id)
    _log_done(f"article {article_id}", FINISH_TASK, started, f", now {article.state}")


def article_mark_failed(*, article_id: int, reason: str, lease: StepLease | None = None) -> None:
    """Record a final failure, unless the article is already finished or, for a failure found
    by a run holding `lease`, a newer run has taken the step over."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.state not in WORKING_STATES:
            return
        if lease is not None and not leases.lease_holds(lease):
            return
        article.state = State.FAILED
        article.last_error = reason[:2000]
        article.progressed_at = timezone.now()
        article.save(update_fields=["state", "last_error", "progressed_at", "updated_at"])
        article.leases.all().delete()  # runs still going will not commit
    logger.warning("article %s failed: %s", article_id, reason)


def pipeline_sweep_stuck() -> int:
    """Re-enqueue owed work that no live worker is doing; give up after too many attempts.

    - A step whose lease expired: its worker stopped beating (it died, or lost the database)
      CLAIMDESK_PIPELINE_DEAD_AFTER_S ago. Re-enqueued at once; with the queue empty, together
      with the article's other work that no run holds (the dead worker's reserved messages).
    - Owed work no run holds (its message was lost, e.g. reserved by a worker that was killed):
      re-enqueued once the article has not moved for CLAIMDESK_PIPELINE_DEAD_AFTER_S while the
      pipeline's queue is empty. While messages wait there, the article may only be waiting its
      turn behind them, so after CLAIMDESK_PIPELINE_STUCK_AFTER_S.
    A step under a live lease is left alone, however long it runs.

    Returns how many articles were re-enqueued or failed.
    """
    now = timezone.now()
    queue_empty = messages_waiting() == 0
    idle_cutoff = now - (conf().pipeline_dead_after if queue_empty else conf().pipeline_stuck_after)
    live = StepLease.objects.filter(article=OuterRef("pk"), expires_at__gte=now)
    expired = StepLease.objects.filter(expires_at__lt=now).values("article_id")
    idle = Q(state__in=WORKING_STATES, progressed_at__lt=idle_cutoff) & ~Exists(live)
    article_ids = list(
        Article.objects.filter(Q(pk__in=expired) | idle)
        .order_by("progressed_at")
        .values_list("pk", flat=True)[:500]
    )
    return sum(
        _sweep_article(pk, now=now, idle_cutoff=idle_cutoff, queue_empty=queue_empty)
        for pk in article_ids
    )


def _lease_task_kwargs(lease: StepLease) -> dict[str, int | list[int]]:
    return {"claim_ids": [lease.claim_id]} if lease.claim_id else {"article_id": lease.article_id}


def _sweep_article(
    article_id: int, *, now: datetime, idle_cutoff: datetime, queue_empty: bool
) -> bool:
    """Re-enqueue the article's steps whose leases expired, or everything it is owed when no
    run holds any of it and it has been idle since `idle_cutoff`; or give up on it. Returns
    whether it did either."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            return False
        expired = list(article.leases.select_for_update().filter(expires_at__lt=now))
        # Gone for good: a dead run that comes back finds its lease missing and does not commit.
        StepLease.objects.filter(pk__in=[lease.pk for lease in expired]).delete()
        if article.state not in WORKING_STATES:
            return False
        # With nothing queued, the other messages a dead worker had reserved for this article
        # (its other claims' evidence) were lost with it: restart all that nobody holds.
        idle = article.progressed_at < idle_cutoff or (bool(expired) and queue_empty)
        restart_all = idle and not article.leases.exists()
        if not (restart_all or expired):
            return False
        step = next_step(article)
        if article.attempts >= conf().pipeline_max_attempts:
            article.last_error = (
                f"Gave up after {article.attempts} attempts: the article stopped moving "
                f"while {article.get_state_display()}."
            )
            article.state = State.FAILED
            article.leases.all().delete()
        elif step is not None and step.run is None:
            # Per-claim tasks do not count starts (there is one per claim), so the sweeper
            # counts its own re-enqueues of the step towards the limit.
            article.attempts += 1
        article.progressed_at = timezone.now()
        article.save(
            update_fields=["state", "attempts", "last_error", "progressed_at", "updated_at"]
        )
        if article.state == State.FAILED:
            logger.warning("sweeper gives up on article %s: %s", article_id, article.last_error)
            return True
        why = "its worker stopped beating" if expired else "no worker holds it"
        logger.info("sweeper re-enqueues article %s (%s): %s", article_id, article.state, why)
        if restart_all:
            enqueue_next_step(article)
        else:  # other runs still hold some of the article's work: only the dead ones' part
            for lease in expired:
                enqueue_on_commit(lease.task, **_lease_task_kwargs(lease))
        return True


def claim_article_id(*, claim_id: int) -> int | None:
    return Claim.objects.filter(pk=claim_id).values_list("article_id", flat=True).first()
