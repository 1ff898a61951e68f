import pytest

from claims.models import Article
from claims.services.articles import article_submit, normalise_url
from core.errors import ApplicationError

TEXT = "Arctic sea ice fell to 4.1 million square kilometres in September 2023, scientists said."


def test_text_submission_creates_and_enqueues(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        article, created = article_submit(text=TEXT)
    assert created
    assert article.input_kind == Article.InputKind.TEXT
    assert article.state == Article.State.QUEUED
    assert len(callbacks) == 1  # the extract task, enqueued only after commit


def test_duplicate_text_returns_existing(db):
    first, _ = article_submit(text=TEXT)
    second, created = article_submit(text="  " + TEXT.upper() + "\n")
    assert not created
    assert second.pk == first.pk
    assert Article.objects.count() == 1


def test_duplicate_url_ignores_tracking_params_and_fragment(db):
    first, _ = article_submit(url="https://News.example.org/story?id=7&utm_source=x#top")
    second, created = article_submit(url="https://news.example.org/story?id=7")
    assert not created
    assert second.pk == first.pk
    assert first.canonical_url == "https://news.example.org/story?id=7"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "invalid_input"),
        ({"text": TEXT, "html": "<p>x</p>"}, "invalid_input"),
        ({"text": "   \n\t"}, "empty"),
        ({"html": "<html><script>x()</script><!-- c --></html>"}, "empty"),
        ({"url": "ftp://example.org/a"}, "invalid_url"),
        ({"url": "javascript:alert(1)"}, "invalid_url"),
    ],
)
def test_bad_input_is_refused_with_a_clear_code(db, fields, code):
    with pytest.raises(ApplicationError) as info:
        article_submit(**fields)
    assert info.value.code == code
    assert info.value.status == 400
    assert Article.objects.count() == 0


def test_body_over_the_cap_is_413(db, settings):
    settings.CLAIMDESK_MAX_ARTICLE_BYTES = 1000
    with pytest.raises(ApplicationError) as info:
        article_submit(text="word " * 300)
    assert info.value.status == 413
    assert "limit is 1000 bytes" in info.value.message


def test_text_that_is_html_is_treated_as_html(db):
    article, _ = article_submit(text="<html><body><p>" + TEXT + "</p></body></html>")
    assert article.input_kind == Article.InputKind.HTML


def test_normalise_url_keeps_meaningful_query():
    assert normalise_url("HTTP://A.org:80/x?b=2&fbclid=zz") == "http://a.org/x?b=2"
    assert normalise_url("https://a.org") == "https://a.org/"
