"""Admin paths that must go through services: article submission and library documents."""

import html
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Article, StepLease
from tests.claims.factories import ArticleFactory


def test_admin_adds_an_article_through_the_submit_service(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            "/admin/claims/article/add/",
            {"source_url": "", "html": "", "text": "Arctic sea ice fell 13 percent per decade."},
        )
    assert response.status_code == 302
    assert Article.objects.get().input_kind == Article.InputKind.TEXT
    assert len(callbacks) == 1  # the pipeline was started


def test_an_article_shows_which_worker_runs_its_step(admin_client):
    article = ArticleFactory.create(state=Article.State.EXTRACTING)
    StepLease.objects.create(
        article=article,
        task="claims.article_extract",
        task_id="m1",
        token=uuid.uuid4(),
        owner="worker-3:4242",
        expires_at=timezone.now() + timedelta(seconds=45),
    )
    response = admin_client.get(f"/admin/claims/article/{article.pk}/change/")
    assert response.status_code == 200
    assert b"worker-3:4242" in response.content


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "   "}, "Send exactly one of"),
        ({"text": "Sea level rose.", "html": "<p>Sea level rose.</p>"}, "Send exactly one of"),
        ({"source_url": "http://[::1]:8080/x"}, "::1 is a private or reserved address"),
        ({"source_url": "http://[2001:db8::1]/news"}, "2001:db8::1 is a private or reserved"),
        ({"source_url": "http://example.org:99999/x"}, "has an invalid port"),
    ],
)
def test_admin_shows_a_refused_submission_on_the_form(admin_client, settings, fields, message):
    """The service's refusals used to be raised from save_model: a 500 for each of these."""
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []
    response = admin_client.post(
        "/admin/claims/article/add/", {"source_url": "", "html": "", "text": "", **fields}
    )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not Article.objects.exists()
