"""Step leases and the sweeper: a step whose worker stopped beating is re-enqueued, a step that
still beats is left alone, and however often a step is re-enqueued it has one effect."""

import dataclasses
import time
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from claims import leases, steps
from claims.models import Article, Claim, Evidence, StepLease
from claims.services import pipeline
from claims.services.articles import article_submit
from claims.tasks import claim_gather_evidence
from core.errors import TransientError
from reviews.models import ReviewItem

EXTRACT = "claims.article_extract"
ARTICLE = """Sea levels rising faster
Global sea level rose by about 20 centimetres between 1900 and 2018, according to the IPCC.
"The rate of rise has doubled since the 1990s," said Dr. Jane Smith, an oceanographer.
Carbon dioxide concentrations reached 420 parts per million in 2023, scientists reported."""


def _running(article: Article, *, expires_in: timedelta, task_id: str = "m1") -> StepLease:
    """The article mid-extract under a lease, as a worker leaves it when it dies there."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Article.objects.filter(pk=article.pk).update(
        state=Article.State.EXTRACTING, attempts=1, progressed_at=an_hour_ago
    )
    return StepLease.objects.create(
        article=article,
        task=EXTRACT,
        task_id=task_id,
        token=uuid.uuid4(),
        owner="gone:1",
        expires_at=timezone.now() + expires_in,
    )


def _wrap_step(monkeypatch, task: str, around) -> None:
    """Run `around(article, work)` as the step's work, `work` being the real one."""
    step = steps._BY_TASK[task]
    real = step.run
    wrapped = dataclasses.replace(step, run=lambda article: around(article, real))
    monkeypatch.setitem(steps._BY_TASK, task, wrapped)


def test_a_step_holds_its_lease_while_it_runs_and_releases_it_when_it_commits(
    workflow, run_tasks, monkeypatch
):
    seen = []

    def around(article, work):
        lease = StepLease.objects.get(article=article, claim=None)
        seen.append((lease.task, lease.owner, lease.expires_at - timezone.now()))
        return work(article)

    _wrap_step(monkeypatch, EXTRACT, around)
    article, _ = run_tasks(article_submit, text=ARTICLE)
    [(task, owner, left)] = seen
    assert task == EXTRACT
    assert owner == leases.worker_name()
    assert timedelta(seconds=55) < left <= timedelta(seconds=60)
    assert not StepLease.objects.exists()  # every step and claim released its lease
    article.refresh_from_db()
    assert article.state == Article.State.READY


def test_sweeper_reenqueues_a_step_whose_worker_stopped_beating(workflow, library, run_tasks):
    article, _ = article_submit(text=ARTICLE)
    _running(article, expires_in=timedelta(seconds=-1))
    assert run_tasks(steps.pipeline_sweep_stuck) == 1
    article.refresh_from_db()
    assert article.state == Article.State.READY
    assert article.attempts == 2  # the dead start and the sweeper's
    assert article.claims.count() == article.claims_total > 0
    assert not StepLease.objects.exists()


def test_sweeper_leaves_a_step_that_still_beats_alone(workflow, django_capture_on_commit_callbacks):
    """However long ago the article last moved, and with nothing waiting in the queue."""
    article, _ = article_submit(text=ARTICLE)
    lease = _running(article, expires_in=timedelta(seconds=30))
    with django_capture_on_commit_callbacks() as enqueued:
        assert steps.pipeline_sweep_stuck() == 0
    assert enqueued == []
    assert StepLease.objects.get() == lease
    article.refresh_from_db()
    assert (article.state, article.attempts) == (Article.State.EXTRACTING, 1)


def test_reenqueued_twice_the_step_has_one_effect(
    workflow, library, run_tasks, django_capture_on_commit_callbacks
):
    """Two sweeps enqueue the step once; that message and the dead run's original, delivered
    again, both run: one set of claims, evidence and review items."""
    article, _ = article_submit(text=ARTICLE)
    _running(article, expires_in=timedelta(seconds=-1), task_id="original")
    with django_capture_on_commit_callbacks() as enqueued:
        assert steps.pipeline_sweep_stuck() == 1
        assert steps.pipeline_sweep_stuck() == 0
    assert len(enqueued) == 1
    run_tasks(steps.run_step, task=EXTRACT, article_id=article.pk, task_id="original")
    with django_capture_on_commit_callbacks(execute=True):
        enqueued[0]()
    for claim in Claim.objects.all():  # and every evidence message delivered twice
        run_tasks(steps.claim_gather_evidence, claim_id=claim.pk)

    article.refresh_from_db()
    claims = article.claims.count()
    assert article.state == Article.State.READY
    assert claims == article.claims_total > 0
    assert ReviewItem.objects.count() == claims
    evidence = list(Evidence.objects.values_list("claim", "provider", "url", "snippet"))
    assert len(evidence) == len(set(evidence)) > 0


def test_a_run_taken_over_does_not_commit(workflow, monkeypatch):
    """A run presumed dead (its lease expired and another run took the step) finds out when it
    commits, and writes nothing over the newer run."""
    article, _ = article_submit(text=ARTICLE)

    def around(article, work):
        StepLease.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        with transaction.atomic():
            Article.objects.select_for_update().get(pk=article.pk)
            newer = leases.lease_take(
                article_id=article.pk, claim_id=None, task=EXTRACT, task_id="newer"
            )
        assert newer is not None
        return work(article)

    _wrap_step(monkeypatch, EXTRACT, around)
    steps.run_step(EXTRACT, article_id=article.pk, task_id="older")
    article.refresh_from_db()
    assert article.state == Article.State.EXTRACTING
    assert not article.claims.exists()
    assert StepLease.objects.get().task_id == "newer"


def test_only_a_redelivery_of_the_same_message_takes_over_a_live_lease(workflow, library):
    """A pool process killed mid-step: its message comes back at once with the same task id
    and carries on. Another message for the step waits for the lease to expire."""
    article, _ = article_submit(text=ARTICLE)
    _running(article, expires_in=timedelta(seconds=30), task_id="killed")
    steps.run_step(EXTRACT, article_id=article.pk, task_id="another")
    assert not Claim.objects.exists()
    steps.run_step(EXTRACT, article_id=article.pk, task_id="killed")
    article.refresh_from_db()
    assert article.state == Article.State.GATHERING
    assert article.claims.count() == article.claims_total > 0


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_long_step_alive(workflow, settings, monkeypatch):
    """A step running three times the dead-worker threshold is renewed all along; the sweeper,
    run meanwhile, leaves it alone."""
    settings.CLAIMDESK_PIPELINE_DEAD_AFTER = timedelta(seconds=0.4)
    sweeps = []

    def around(article, work):
        started = StepLease.objects.get(article=article).expires_at
        for _ in range(4):
            time.sleep(0.3)
            sweeps.append(steps.pipeline_sweep_stuck())
        assert StepLease.objects.get(article=article).expires_at > started
        return work(article)

    _wrap_step(monkeypatch, EXTRACT, around)
    article, _ = article_submit(text=ARTICLE)  # eager tasks: the whole pipeline runs here
    assert sweeps == [0, 0, 0, 0]
    article.refresh_from_db()
    assert article.state == Article.State.READY
    assert article.attempts == 1


def test_work_no_one_holds_waits_for_the_queue_to_drain(workflow, settings, monkeypatch):
    """Owed work with no lease (its message lost with a killed worker, or still queued): once
    nothing waits in the queue, re-enqueued after the dead-worker threshold; while messages
    wait, only after the stuck threshold, as it may be waiting its turn."""
    article, _ = article_submit(text=ARTICLE)
    Article.objects.filter(pk=article.pk).update(
        progressed_at=timezone.now() - timedelta(minutes=2)
    )
    monkeypatch.setattr(steps, "messages_waiting", lambda: 40)
    assert steps.pipeline_sweep_stuck() == 0
    monkeypatch.setattr(steps, "messages_waiting", lambda: 0)
    assert steps.pipeline_sweep_stuck() == 1


def _gathering(article: Article, *leases_expiring_in: timedelta) -> list[Claim]:
    """The article's evidence under way: its claims, pending, and evidence leases on the first
    ones, expiring in the given times."""
    steps.run_step(EXTRACT, article_id=article.pk)  # its evidence messages are not run
    claims = list(Claim.objects.filter(article=article).order_by("pk"))
    for claim, expires_in in zip(claims, leases_expiring_in, strict=False):
        StepLease.objects.create(
            article=article,
            claim=claim,
            task=steps.EVIDENCE_TASK,
            task_id=f"m{claim.pk}",
            token=uuid.uuid4(),
            owner="gone:1",
            expires_at=timezone.now() + expires_in,
        )
    return claims


def _enqueued_claims(callbacks) -> list[int]:
    return sorted(claim_id for callback in callbacks for claim_id in callback.keywords["claim_ids"])


def test_only_the_claims_whose_worker_died_are_reenqueued(
    workflow, library, django_capture_on_commit_callbacks
):
    """Another claim of the article is still being worked on: the rest may still be queued."""
    article, _ = article_submit(text=ARTICLE)
    dead, *_ = _gathering(article, timedelta(seconds=-1), timedelta(seconds=30))
    with django_capture_on_commit_callbacks() as enqueued:
        assert steps.pipeline_sweep_stuck() == 1
    assert _enqueued_claims(enqueued) == [dead.pk]
    article.refresh_from_db()
    assert article.attempts == 2  # one sweep counts once towards the limit


@pytest.mark.parametrize(("waiting", "restarted"), [(0, "all"), (40, "the dead one's")])
def test_a_dead_worker_takes_its_reserved_messages_with_it(
    waiting, restarted, workflow, library, django_capture_on_commit_callbacks, monkeypatch
):
    """With nothing queued, the article's claims that nobody holds were lost with the dead
    worker (it had reserved their messages), so all are re-enqueued. With messages waiting,
    they may be among them: only the dead run's claim."""
    article, _ = article_submit(text=ARTICLE)
    claims = _gathering(article, timedelta(seconds=-1))
    Article.objects.filter(pk=article.pk).update(progressed_at=timezone.now())  # just moved
    monkeypatch.setattr(steps, "messages_waiting", lambda: waiting)
    with django_capture_on_commit_callbacks() as enqueued:
        assert steps.pipeline_sweep_stuck() == 1
    expected = claims if restarted == "all" else claims[:1]
    assert _enqueued_claims(enqueued) == [claim.pk for claim in expected]


def test_a_retry_keeps_the_lease_until_it_is_due(workflow):
    """The retry's countdown is at most retry_backoff * 2 ** retries: 2 * 2**3 = 16 s here."""
    article, _ = article_submit(text=ARTICLE)
    lease = _running(article, expires_in=timedelta(seconds=5), task_id="m1")
    task = claim_gather_evidence
    task.push_request(retries=3)
    try:
        task.on_retry(RuntimeError("busy"), "m1", (), {}, None)
    finally:
        task.pop_request()
    lease.refresh_from_db()
    left = lease.expires_at - timezone.now()
    assert timedelta(seconds=16 + 55) < left <= timedelta(seconds=16 + 60)


def test_a_failed_article_drops_its_leases(workflow):
    article, _ = article_submit(text=ARTICLE)
    _running(article, expires_in=timedelta(seconds=30))
    steps.article_mark_failed(article_id=article.pk, reason="Boom.")
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert not StepLease.objects.exists()


def test_one_evidence_task_gathers_a_few_claims_each_under_its_own_lease(
    workflow, library, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Claims are grouped per task (fewer hops), yet each claim commits on its own: a retry of
    the message after a transient error takes over the claim it failed on, skips those done,
    and every claim's evidence is written once."""
    settings.CLAIMDESK_EVIDENCE_CLAIMS_PER_TASK = 2
    article, _ = article_submit(text=ARTICLE)
    with django_capture_on_commit_callbacks() as enqueued:
        steps.run_step(EXTRACT, article_id=article.pk)
    claims = list(Claim.objects.filter(article=article).order_by("pk").values_list("pk", flat=True))
    assert len(claims) == 3
    assert [callback.keywords["claim_ids"] for callback in enqueued] == [claims[:2], claims[2:]]

    real = pipeline.claim_gather_evidence
    failures = iter([True])

    def flaky(claim):
        if claim.pk == claims[1] and next(failures, False):
            raise TransientError("provider busy")
        return real(claim)

    monkeypatch.setattr(pipeline, "claim_gather_evidence", flaky)
    with pytest.raises(TransientError):
        steps.claims_gather_evidence(claim_ids=claims[:2], task_id="m1")
    assert StepLease.objects.get(claim_id=claims[1]).task_id == "m1"  # held for the retry
    done_first = Evidence.objects.filter(claim_id=claims[0]).count()
    steps.claims_gather_evidence(claim_ids=claims[:2], task_id="m1")  # the retry
    steps.claims_gather_evidence(claim_ids=claims[2:], task_id="m2")
    assert Evidence.objects.filter(claim_id=claims[0]).count() == done_first
    assert not StepLease.objects.exists()
    article.refresh_from_db()
    assert article.state == Article.State.READY
    assert ReviewItem.objects.filter(claim__article=article).count() == 3
