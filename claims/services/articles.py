"""Submitting articles: validation, de-duplication, and starting the pipeline."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.models import Article
from claims.steps import enqueue_next_step
from core import http_client
from core.conf import conf as core_conf
from core.errors import ApplicationError, PermanentError, TransientError, full_clean
from core.text import content_hash, looks_like_html

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid)$", re.I)
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)


def _url_error(message: str, code: str = "invalid_url") -> ApplicationError:
    return ApplicationError(message, code=code, extra={"errors": {"url": [message]}})


def normalise_url(url: str) -> str:
    """The dedup form of a URL: lower-case scheme/host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise _url_error(f"Only absolute http(s) URLs can be submitted, not {url!r}.")
    try:
        port = parts.port
    except ValueError as exc:  # not a number, or over 65535
        raise _url_error(f"The URL {url!r} has an invalid port.") from exc
    host = parts.hostname.lower()
    netloc = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
    if port and port not in {80, 443}:
        netloc = f"{netloc}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(k)
        ]
    )
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def _check_body(body: str, *, kind: str) -> None:
    size = len(body.encode("utf-8"))
    limit = core_conf().max_article_bytes
    if size > limit:
        raise ApplicationError(
            f"The {kind} is {size} bytes; the limit is {limit} bytes.",
            code="too_large",
            status=413,
        )
    visible = _TAG.sub(" ", body) if kind == "html" else body
    if not visible.strip():
        raise ApplicationError(
            f"The {kind} has no text to check." if body.strip() else f"The {kind} is empty.",
            code="empty",
        )


def _refuse_unfetchable(url: str) -> None:
    """Refuse now a URL the fetch step would refuse (a private or reserved address, a host
    name that cannot be one), with the SSRF guard's own check. A name that does not resolve
    now is let through: the fetch step resolves it again, with retries."""
    host = urlsplit(url).hostname
    try:
        http_client.check_target(url)
    except http_client.BlockedAddressError as exc:
        # Not the guard's own words: they name the internal address the host resolved to.
        raise _url_error(
            f"{host} is a private or reserved address: only public pages can be fetched.",
            code="blocked_address",
        ) from exc
    except PermanentError as exc:
        raise _url_error(f"The URL cannot be fetched: {exc}.") from exc
    except TransientError:
        return


def article_input_check(*, url: str = "", html: str = "", text: str = "") -> Article:
    """The unsaved article a submission would create, or the ApplicationError (400, or 413
    over the size cap) that refuses it. Writes nothing: the admin's form calls it to show the
    refusal on the form, before article_submit.

    Exactly one of url/html/text is required. A page submitted as HTML may also carry its URL,
    which is then the dedup key.
    """
    given = [name for name, value in (("url", url), ("html", html), ("text", text)) if value]
    if not given or given not in (["url"], ["html"], ["text"], ["url", "html"]):
        raise ApplicationError(
            "Send exactly one of 'url', 'html' or 'text' (a page's 'html' may carry its 'url').",
            code="invalid_input",
        )
    if text and looks_like_html(text):
        html, text = text, ""
    if html:
        _check_body(html, kind="html")
    if text:
        _check_body(text, kind="text")
    canonical = normalise_url(url) if url else ""
    if url and not html:  # only a URL without its page is ever fetched
        _refuse_unfetchable(canonical)
    article = Article(
        input_kind=Article.InputKind.HTML
        if html
        else (Article.InputKind.TEXT if text else Article.InputKind.URL),
        source_url=url.strip(),
        canonical_url=canonical,
        submission_hash=content_hash(html or text) if (html or text) else "",
        raw_content=html or text,
    )
    # Not the unique constraints: a duplicate is answered with the article it repeats.
    full_clean(article, validate_unique=False, validate_constraints=False)
    return article


def article_submit(
    *,
    url: str = "",
    html: str = "",
    text: str = "",
    submitted_by: User | None = None,
) -> tuple[Article, bool]:
    """Create an article and start the pipeline, or return the article already submitted.

    Returns (article, created). Refuses what article_input_check refuses, the same way
    whichever way the article came in (API, Articles page, admin, `manage.py ingest`).
    """
    # Checked outside the transaction: the URL check's DNS lookup must not hold SQLite's
    # write lock.
    article = article_input_check(url=url, html=html, text=text)
    article.submitted_by = submitted_by
    return _article_save(article)


@transaction.atomic
def _article_save(article: Article) -> tuple[Article, bool]:
    existing = _find_duplicate(
        canonical_url=article.canonical_url, submission_hash=article.submission_hash
    )
    if existing is not None:
        return existing, False
    try:
        # A savepoint, so a concurrent identical submission losing the race can read the winner.
        with transaction.atomic():
            article.save()
    except IntegrityError:
        winner = _find_duplicate(
            canonical_url=article.canonical_url, submission_hash=article.submission_hash
        )
        if winner is None:
            raise
        return winner, False
    enqueue_next_step(article)
    return article, True


def _find_duplicate(*, canonical_url: str, submission_hash: str) -> Article | None:
    if canonical_url:
        found = Article.objects.filter(canonical_url=canonical_url).first()
        if found:
            return found
    if submission_hash:
        return Article.objects.filter(submission_hash=submission_hash).first()
    return None


@transaction.atomic
def article_retry(*, article_id: int) -> Article:
    """Start a failed article again from the first step it had not finished."""
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        raise ApplicationError(f"No article with id {article_id}.", code="not_found", status=404)
    if article.state != Article.State.FAILED:
        raise ApplicationError(
            f"Only failed articles can be retried; this one is {article.get_state_display()}.",
            code="not_failed",
            status=409,
        )
    article.attempts = 0
    article.last_error = ""
    article.progressed_at = timezone.now()
    article.state = Article.State.GATHERING if article.claims.exists() else Article.State.QUEUED
    article.save(update_fields=["state", "attempts", "last_error", "progressed_at", "updated_at"])
    enqueue_next_step(article)
    return article
