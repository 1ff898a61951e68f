"""The whole path through a real worker process: API in, claims in the queue, reviewed, API out."""

from __future__ import annotations

import threading

import pytest
from django.db.models import Count

from claims.models import Article, Claim
from claims.steps import WORKING_STATES
from reviews.models import ReviewItem
from reviews.services.citations import citation_add
from tests.e2e.conftest import wait_for
from tests.reviews.factories import publish

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGE = b"""<html><head><title>Arctic ice at a new low</title>
<meta name="author" content="Sam Reporter"></head><body><nav>Home | Climate</nav>
<article><h1>Arctic ice at a new low</h1>
<p>Arctic sea ice extent fell to 4.1 million square kilometres in September 2023, according to
the National Snow and Ice Data Center.</p>
<p>"The Arctic has lost about 13 percent of its summer ice per decade since 1979," said
Dr. Ana Lopez, a sea ice scientist at the University of Tromso.</p>
<p>Will the ice ever come back? Nobody can say for sure.</p>
<p>Global average temperature was 1.1 degrees Celsius above pre-industrial levels in 2019.</p>
</article><footer>Share this story</footer></body></html>"""


def _terminal(article_id: int) -> bool:
    return Article.objects.get(pk=article_id).state not in WORKING_STATES


def test_article_through_worker_to_queue_to_api(live_pipeline, workflow, api_client, user, editor):
    response = api_client.post(
        "/api/v1/articles",
        {"html": PAGE.decode(), "url": "https://news.example/arctic"},
        format="json",
    )
    assert response.status_code == 202
    article_id = response.json()["id"]
    wait_for(lambda: _terminal(article_id), what="the worker to finish the article")

    status = api_client.get(response["Location"]).json()
    assert status["state"] == "ready", status
    assert status["claims_total"] >= 2
    assert status["claims_with_evidence"] == status["claims_total"]
    items = ReviewItem.objects.filter(claim__article_id=article_id)
    assert items.count() == status["claims_total"]

    item = items.select_related("claim").order_by("-priority").first()
    assert item is not None
    citation_add(claim_id=item.claim_id, user=user, url="https://nsidc.org/", title="NSIDC")
    publish(item, checker=user, editor=editor, verdict="true")
    published = api_client.get("/api/v1/claims?status=published").json()["results"]
    assert [c["id"] for c in published] == [item.claim_id]
    assert published[0]["verdict"]["slug"] == "true"


def test_worker_killed_mid_task_still_completes_exactly_once(
    live_pipeline, workflow, api_client, local_server
):
    """SIGKILL the pool process while it is fetching: the message is redelivered, the article
    completes once, and nothing is duplicated."""
    fetching = threading.Event()
    release = threading.Event()
    calls: list[int] = []

    def slow_page():
        calls.append(1)
        if len(calls) == 1:
            fetching.set()
            release.wait(30)
        return 200, {"Content-Type": "text/html"}, PAGE

    local_server.routes["/slow"] = slow_page
    response = api_client.post(
        "/api/v1/articles", {"url": local_server.url("/slow")}, format="json"
    )
    assert response.status_code == 202
    article_id = response.json()["id"]
    assert fetching.wait(30), f"the worker never fetched the page:\n{live_pipeline.log()}"
    children = live_pipeline.pool_children()
    assert len(children) == 1
    children[0].kill()
    release.set()

    wait_for(lambda: _terminal(article_id), what="the redelivered task to finish")
    article = Article.objects.get(pk=article_id)
    assert article.state == Article.State.READY, article.last_error
    assert len(calls) == 2  # the page was fetched again by the redelivered task
    assert "signal 9" in live_pipeline.log()  # and the first run really died mid-task
    claims = Claim.objects.filter(article=article)
    assert claims.count() == article.claims_total > 0
    assert not claims.values("sentence_start").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert ReviewItem.objects.filter(claim__article=article).count() == claims.count()
