"""The queue and claim pages, rendered by Django's test client."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Status, Verdict
from tests.factories import ReviewItemFactory


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_queue_needs_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_queue_lists_claims_with_a_constant_number_of_queries(logged_in, workflow):
    ReviewItemFactory.create_batch(3)
    cache.clear()  # the per-view counts are cached; measure the uncached page both times
    with CaptureQueriesContext(connection) as few:
        assert logged_in.get("/").status_code == 200
    ReviewItemFactory.create_batch(30)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = logged_in.get("/")
    assert len(many) == len(few)  # no N+1 over the rows
    assert len(many) <= 30
    assert response.content.count(b'href="/claims/') == 33


def test_queue_filters_by_status(logged_in, workflow):
    item = ReviewItemFactory.create()
    response = logged_in.get("/?status=in-progress")
    assert f'href="/claims/{item.pk}/"'.encode() not in response.content
    response = logged_in.get("/?status=unstarted")
    assert f'href="/claims/{item.pk}/"'.encode() in response.content


def test_claim_page_highlights_sentence_and_saves_review(logged_in, workflow):
    item = ReviewItemFactory.create()
    page = logged_in.get(f"/claims/{item.pk}/")
    assert page.status_code == 200
    assert b"<mark>Global sea level rose" in page.content
    response = logged_in.post(
        f"/claims/{item.pk}/",
        {
            "action": "update",
            "version": 1,
            "status": Status.objects.get(slug="in-progress").pk,
            "verdict": Verdict.objects.get(slug="mostly-true").pk,
            "explanation": "Matches IPCC AR6.",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.verdict is not None
    assert (item.status.slug, item.verdict.slug, item.version) == ("in-progress", "mostly-true", 2)
    history = logged_in.get(f"/claims/{item.pk}/").content.decode()
    assert "checker updated" in history


def test_stale_form_shows_conflict_with_both_versions(logged_in, workflow):
    item = ReviewItemFactory.create(explanation="their careful explanation", version=3)
    response = logged_in.post(
        f"/claims/{item.pk}/",
        {"action": "update", "version": 2, "status": item.status.pk, "explanation": "my edit"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "their careful explanation" in body
    assert "my edit" in body
    item.refresh_from_db()
    assert item.explanation == "their careful explanation"


def test_add_citation_and_refuse_javascript_urls(logged_in, workflow):
    item = ReviewItemFactory.create()
    ok = logged_in.post(
        f"/claims/{item.pk}/",
        {"action": "cite", "url": "https://www.ipcc.ch/", "title": "IPCC", "quote": "15–25 cm"},
    )
    assert ok.status_code == 302
    bad = logged_in.post(f"/claims/{item.pk}/", {"action": "cite", "url": "javascript:alert(1)"})
    assert bad.status_code == 400
    assert item.claim.citations.count() == 1


def test_user_text_is_escaped(logged_in, workflow):
    item = ReviewItemFactory.create(
        claim__text='<script>alert("x")</script>', explanation="<img src=x onerror=alert(1)>"
    )
    body = logged_in.get(f"/claims/{item.pk}/").content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;" in body
    assert "<img src=x" not in body


def test_unknown_claim_is_404(logged_in, workflow):
    assert logged_in.get("/claims/999999/").status_code == 404


def test_articles_page_shows_pipeline_state(logged_in, workflow):
    item = ReviewItemFactory.create(
        claim__article__state="failed", claim__article__last_error="HTTP 404"
    )
    body = logged_in.get("/articles/").content.decode()
    assert "failed: HTTP 404" in body
    assert item.claim.article.title in body


def test_articles_page_counts_progress_without_a_query_per_row(logged_in, workflow):
    ReviewItemFactory.create_batch(
        2, claim__article__state="gathering", claim__article__claims_total=1
    )
    with CaptureQueriesContext(connection) as few:
        assert logged_in.get("/articles/").status_code == 200
    ReviewItemFactory.create_batch(
        20, claim__article__state="gathering", claim__article__claims_total=1
    )
    with CaptureQueriesContext(connection) as many:
        body = logged_in.get("/articles/").content.decode()
    assert len(many) == len(few)
    assert body.count("gathering evidence (1/1)") == 22
