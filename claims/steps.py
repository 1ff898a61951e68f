"""The article pipeline as one table, STEPS: which step runs from which state, the state it
works in, and the state it leaves the article in.

    queued ─fetch─▶ extracting ─extract─▶ gathering ─evidence per claim, then finish─▶ ready
    (an article submitted as text or HTML goes from queued straight to extract)

Adding a pipeline step: one entry in STEPS plus its function (claims/services/pipeline.py),
and the State it works in (claims/models.py). The Celery tasks (claims/tasks.py), the sweeper
and `enqueue_next_step` all read the table.

Every step is idempotent through the article's state: `run_step` claims the article under a row
lock, runs the work outside the lock, then writes the results only if the article is still in
the step's working state, so a step that runs twice (redelivery after a crash, the sweeper
re-enqueuing) finds nothing to do the second time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from claims import ports
from claims.conf import conf
from claims.metrics import step_observed
from claims.models import Article, Claim
from claims.services import pipeline
from claims.services.pipeline import StepFailed, Write
from core.logs import log_context
from core.tasks import enqueue_on_commit

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
    """One evidence task per claim, so evidence for a long article is gathered in parallel."""
    for claim_id in claim_ids:
        enqueue_on_commit(EVIDENCE_TASK, claim_id=claim_id)


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


def _claim_step(article_id: int, allowed: tuple[str, ...], working: str) -> Article | None:
    """Move the article into `working` if it is in one of `allowed`; None means nothing to do."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.state not in allowed:
            return None
        # Attempts count starts of the current step, so the sweeper's limit is per step.
        article.attempts = article.attempts + 1 if article.state == working else 1
        article.state = working
        article.progressed_at = timezone.now()
        article.save(update_fields=["state", "attempts", "progressed_at", "updated_at"])
        return article


def run_step(task: str, *, article_id: int) -> None:
    """Run the article step named `task`: claim the article, do the work outside the lock,
    write the results if the article is still the step's, and enqueue what comes next.

    A StepFailed from the work marks the article failed; a TransientError propagates, so the
    task retries (the article stays in the working state, owed work).
    """
    step = _BY_TASK[task]
    if step.run is None:
        raise ValueError(f"{task} runs per claim, not per article.")
    with log_context(article_id=article_id):
        _run_article_step(step, step.run, article_id)


def _run_article_step(step: Step, run: Callable[[Article], Write], article_id: int) -> None:
    article = _claim_step(article_id, step.starts_from, step.working)
    if article is None:
        return
    started = time.perf_counter()
    try:
        with step_observed(step.task):
            write = run(article)
    except StepFailed as exc:
        article_mark_failed(article_id=article_id, reason=exc.reason)
        return
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article_id)
        if locked.state != step.working:
            return  # another run of this step got there first
        write(locked)
        if locked.state == step.working:  # unless the write ended it (a duplicate)
            locked.state = step.then
        locked.progressed_at = timezone.now()
        locked.save()
        enqueue_next_step(locked)
    logger.info(
        "article %s: %s done in %.0f ms, now %s",
        article_id,
        step.task,
        (time.perf_counter() - started) * 1000,
        locked.state,
    )


def claim_gather_evidence(*, claim_id: int) -> None:
    """The evidence task: gather for one claim, then try the article's fan-in."""
    with log_context(claim_id=claim_id):
        with step_observed(EVIDENCE_TASK):
            article_id = pipeline.claim_gather_evidence(claim_id=claim_id)
        if article_id is not None:
            with log_context(article_id=article_id):
                article_finish(article_id=article_id)


def article_finish(*, article_id: int) -> None:
    """Fan-in: once every claim has its evidence, mark the article ready and queue its claims.

    Every evidence task calls this after committing its own claim, so the last one to finish
    always sees all claims done; the row lock makes sure only one of them does the hand-off,
    inside the transaction that marks the article ready ("ready" always means "queued").
    """
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


def article_mark_failed(*, article_id: int, reason: str) -> None:
    """Record a final failure. Articles already finished are left alone."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.state not in WORKING_STATES:
            return
        article.state = State.FAILED
        article.last_error = reason[:2000]
        article.progressed_at = timezone.now()
        article.save(update_fields=["state", "last_error", "progressed_at", "updated_at"])
    logger.warning("article %s failed: %s", article_id, reason)


def pipeline_sweep_stuck() -> int:
    """Re-enqueue articles that stopped moving (lost message, dead worker); give up eventually.

    Returns how many articles were re-enqueued or failed.
    """
    cutoff = timezone.now() - conf().pipeline_stuck_after
    stuck_ids = list(
        Article.objects.filter(state__in=WORKING_STATES, progressed_at__lt=cutoff)
        .order_by("progressed_at")
        .values_list("pk", flat=True)[:500]
    )
    for article_id in stuck_ids:
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article_id)
            if article.state not in WORKING_STATES or article.progressed_at >= cutoff:
                continue
            step = next_step(article)
            if article.attempts >= conf().pipeline_max_attempts:
                article.last_error = (
                    f"Gave up after {article.attempts} attempts: the article stopped moving "
                    f"while {article.get_state_display()}."
                )
                article.state = State.FAILED
            elif step is not None and step.run is None:
                # Per-claim tasks do not count starts (there is one per claim), so the sweeper
                # counts its own re-enqueues of the step towards the limit.
                article.attempts += 1
            article.progressed_at = timezone.now()
            article.save(
                update_fields=["state", "attempts", "last_error", "progressed_at", "updated_at"]
            )
            logger.info("sweeper re-enqueues article %s (%s)", article_id, article.state)
            enqueue_next_step(article)
    return len(stuck_ids)


def claim_article_id(*, claim_id: int) -> int | None:
    return Claim.objects.filter(pk=claim_id).values_list("article_id", flat=True).first()
