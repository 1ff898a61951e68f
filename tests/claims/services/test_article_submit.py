import socket

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


def test_normalise_url_keeps_an_ipv6_literal_in_brackets_with_its_port():
    """Brackets dropped, "http://2001:db8::1:8080/x" was no URL at all (a 500 on full_clean)."""
    assert normalise_url("http://[2001:DB8::1]:8080/x#top") == "http://[2001:db8::1]:8080/x"
    assert normalise_url("https://[2001:db8::1]:443/news") == "https://[2001:db8::1]/news"


@pytest.mark.parametrize("url", ["http://example.org:99999/x", "http://example.org:8o/x"])
def test_normalise_url_refuses_a_bad_port(url):
    with pytest.raises(ApplicationError) as info:
        normalise_url(url)
    assert info.value.code == "invalid_url"
    assert info.value.extra == {"errors": {"url": [info.value.message]}}


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]:8080/x",
        "http://[2001:db8::1]/news",  # documentation range: not public either
        "http://[fd00::7]/x",
        "http://[::ffff:10.0.0.1]/x",
        "http://127.0.0.1/x",
        "http://10.1.2.3/report",
    ],
)
def test_urls_on_private_addresses_are_refused_when_submitted(db, settings, url):
    """The SSRF guard's verdict, at submission rather than as a failed fetch later."""
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []
    with pytest.raises(ApplicationError) as info:
        article_submit(url=url)
    assert info.value.code == "blocked_address"
    assert info.value.status == 400
    assert "url" in info.value.extra["errors"]
    assert Article.objects.count() == 0


def test_a_public_ipv6_literal_is_submitted_with_brackets(db):
    article, created = article_submit(url="http://[2606:4700:4700::1111]:8080/news")
    assert created
    assert article.canonical_url == "http://[2606:4700:4700::1111]:8080/news"


def test_a_url_whose_dns_lookup_fails_now_is_still_submitted(db, monkeypatch):
    """DNS trouble is not a verdict: the fetch step resolves again, with retries."""

    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    _, created = article_submit(url="https://news.example.org/story")
    assert created


def test_a_model_validation_error_is_a_400_naming_the_field(db):
    """Whatever full_clean still finds (here: the normalised URL grows past the column's 2,048
    characters) is the client's input, not a server error."""
    url = "http://93.184.215.14?q=" + "x" * (2048 - len("http://93.184.215.14?q="))
    with pytest.raises(ApplicationError) as info:
        article_submit(url=url)
    assert info.value.status == 400
    assert info.value.code == "invalid"
    assert list(info.value.extra["errors"]) == ["canonical_url"]
    assert info.value.message.startswith("canonical_url: ")
    assert "at most 2048 characters" in info.value.message
    assert Article.objects.count() == 0
