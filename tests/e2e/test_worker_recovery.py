"""A worker killed whole is recovered through the step leases; a slow but healthy one is not.

Both tests run real workers (with beat) on a queue of their own (`start_worker`), in both
phases: on PostgreSQL + Redis the killed worker's messages are stranded unacknowledged; on the
SQLite-backed broker the messages it had reserved are lost, and the sweeper re-enqueues their
work too.
"""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.db.models import Count

from claims.models import Article, Claim, Evidence
from claims.services.articles import article_submit
from claims.steps import WORKING_STATES
from reviews.models import ReviewItem
from tests.e2e.conftest import wait_for
from tests.e2e.test_pipeline_worker import PAGE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTICLES = 50
RECOVERY_LIMIT_S = 120

STORY = """Sea levels rising faster
Global sea level rose by about 20 centimetres between 1900 and 2018, according to the IPCC.
"The rate of rise has doubled since the 1990s," said Dr. Jane Smith, an oceanographer.
Carbon dioxide concentrations reached 420 parts per million in 2023, scientists reported."""


def _story(n: int) -> str:
    """A distinct article (its own text, so it is not a duplicate) with a few claims."""
    return f"{STORY}\nThe regional desk filed {n + 3} updates on the story by {n % 12 + 1} pm."


def _held_page(calls: list[float], fetching: threading.Event, release: threading.Event):
    """A page whose first request hangs until `release`: the worker is mid-fetch at the kill."""

    def page():
        calls.append(time.monotonic())
        if len(calls) == 1:
            fetching.set()
            release.wait(90)
        return 200, {"Content-Type": "text/html"}, PAGE

    return page


def _ready() -> int:
    return Article.objects.filter(state=Article.State.READY).count()


def test_a_worker_killed_whole_is_recovered_within_two_minutes(
    start_worker, workflow, library, local_server, capsys
):
    """SIGKILL the worker's main process and its pool at once, mid-run, then start another:
    every article is ready within two minutes, with nothing duplicated. Default settings:
    a step is presumed dead 60 s after its last heartbeat, the sweeper runs every 15 s."""
    calls: list[float] = []
    fetching, release = threading.Event(), threading.Event()
    local_server.routes["/held"] = _held_page(calls, fetching, release)
    worker = start_worker()
    stories = [_story(n) for n in range(ARTICLES - 1)]
    for text in stories[:10]:
        article_submit(text=text)
    article_submit(url=local_server.url("/held"))
    for text in stories[10:]:
        article_submit(text=text)
    assert fetching.wait(60), f"the worker never fetched the page:\n{worker.log()}"
    wait_for(lambda: _ready() >= 10, timeout=90, what="ten articles to be ready")

    worker.kill_whole()
    killed_at = time.monotonic()
    in_flight = Article.objects.filter(state__in=WORKING_STATES).count()
    release.set()
    successor = start_worker()
    while _ready() < ARTICLES:
        if time.monotonic() - killed_at > RECOVERY_LIMIT_S:
            waiting = Article.objects.exclude(state=Article.State.READY)
            pytest.fail(
                f"{_ready()} of {ARTICLES} articles ready {RECOVERY_LIMIT_S} s after the kill; "
                f"not ready: {list(waiting.values('pk', 'state', 'last_error', 'leases'))}; "
                f"the new worker's log ends:\n{successor.log()[-4000:]}"
            )
        time.sleep(0.5)
    recovery_s = time.monotonic() - killed_at
    with capsys.disabled():  # the measurement is this test's report (README, "Tests")
        print(  # noqa: T201
            f"\nworker killed with {in_flight} of {ARTICLES} articles in the pipeline; "
            f"all ready {recovery_s:.1f} s after the kill"
        )

    assert len(calls) == 2  # the held page, fetched again after the kill
    assert "its worker stopped beating" in successor.log()
    claims = Claim.objects.all()
    assert claims.count() == sum(Article.objects.values_list("claims_total", flat=True))
    assert not claims.values("article", "sentence_start").annotate(n=Count("id")).filter(n__gt=1)
    assert ReviewItem.objects.count() == claims.count()
    assert not ReviewItem.objects.values("claim").annotate(n=Count("id")).filter(n__gt=1)
    evidence = list(Evidence.objects.values_list("claim", "provider", "url", "snippet"))
    assert len(evidence) == len(set(evidence)) > 0


def test_a_slow_healthy_step_is_not_taken_for_dead(start_worker, workflow, local_server):
    """A fetch taking five times the dead-worker threshold keeps its lease alive by heartbeat:
    the sweeper, running all the while, leaves it alone, and the page is fetched once."""
    calls: list[float] = []

    def slow_page():
        calls.append(time.monotonic())
        time.sleep(10)
        return 200, {"Content-Type": "text/html"}, PAGE

    local_server.routes["/slow"] = slow_page
    worker = start_worker(CLAIMDESK_PIPELINE_DEAD_AFTER_S="2", CLAIMDESK_SWEEP_EVERY_S="0.5")
    article, _ = article_submit(url=local_server.url("/slow"))
    wait_for(
        lambda: Article.objects.get(pk=article.pk).state not in WORKING_STATES,
        timeout=60,
        what="the slow article to finish",
    )

    article.refresh_from_db()
    assert article.state == Article.State.READY, article.last_error
    assert len(calls) == 1
    log = worker.log()
    sweeps = re.findall(r"Task claims\.pipeline_sweep_stuck\[\S+\] succeeded", log)
    assert len(sweeps) >= 10, log  # every 0.5 s, while the fetch took 10 s
    assert "sweeper re-enqueues" not in log
    assert ReviewItem.objects.filter(claim__article=article).count() == article.claims_total > 0
