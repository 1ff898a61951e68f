"""Citations (with their page fetched in the background) and reviewers' notes."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError, PermanentError, full_clean
from core.http_client import fetch_text
from core.tasks import enqueue_on_commit
from core.text import extract_from_html, looks_like_html
from core.validators import validate_web_uri
from reviews import roles
from reviews.models import Citation, Note, ReviewItem
from reviews.services.common import hold, lock_item, log
from reviews.services.notifications import notify_citation_failed, notify_mentions
from reviews.services.workflow import ensure_not_locked

SNAPSHOT_MAX_CHARS = 200_000
MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")


@transaction.atomic
def citation_add(
    *, claim_id: int, user: User, url: str, title: str = "", quote: str = ""
) -> Citation:
    """Cite a source. Its title, publisher and a text snapshot are fetched after commit."""
    roles.require(user, roles.REVIEW, to="add citations")
    url = _checked_url(url)
    item = lock_item(claim_id=claim_id)
    ensure_not_locked(item, "citations")
    now = timezone.now()
    changes = hold(item, user, now)
    citation = Citation(
        claim_id=claim_id, url=url, title=title.strip(), quote=quote.strip(), added_by=user
    )
    full_clean(citation)
    citation.save()
    item.save(update_fields=["assignee", "lease_expires_at", "updated_at"])
    log(item, user, "cited", {**changes, "citation": [None, citation.url]})

    enqueue_on_commit("reviews.citation_fetch", citation_id=citation.pk)
    return citation


def citation_fetch(*, citation_id: int) -> Citation:
    """Fill in title, publisher and snapshot from the cited page (safe to run twice).

    Network trouble raises TransientError (the task retries); a page that cannot be had
    (404, blocked address, too large) marks the citation failed, with the reason shown.
    """
    citation = Citation.objects.get(pk=citation_id)
    if citation.fetch_state == Citation.FetchState.DONE:
        return citation
    try:
        body, final_url = fetch_text(citation.url)
    except PermanentError as exc:
        return citation_fetch_failed(citation_id=citation_id, reason=str(exc))
    if looks_like_html(body):
        page = extract_from_html(body, url=final_url)
        title, publisher, text = page.title, page.outlet, page.text
    else:
        title, publisher, text = "", "", body
    citation.title = citation.title or title[:500]
    citation.publisher = publisher[:300]
    citation.snapshot = text[:SNAPSHOT_MAX_CHARS]
    citation.fetch_state = Citation.FetchState.DONE
    citation.fetch_error = ""
    citation.fetched_at = timezone.now()
    citation.save()
    return citation


@transaction.atomic
def citation_fetch_failed(*, citation_id: int, reason: str) -> Citation:
    """Mark the citation failed, with the reason; the person who added it hears once (not
    again when a retried task fails the same citation twice)."""
    citation = Citation.objects.select_for_update().get(pk=citation_id)
    if citation.fetch_state != Citation.FetchState.DONE:
        newly_failed = citation.fetch_state != Citation.FetchState.FAILED
        citation.fetch_state = Citation.FetchState.FAILED
        citation.fetch_error = reason[:300]
        citation.save(update_fields=["fetch_state", "fetch_error"])
        if newly_failed:
            notify_citation_failed(citation_id=citation.pk)
    return citation


def _citation_for_change(
    citation_id: int, user: User, what: str
) -> tuple[Citation, ReviewItem, dict[str, list[Any]]]:
    """The citation, its claim's review row (locked) and the assignee change of the lease
    `user` now holds, after the role, lock and lease checks every citation change goes
    through."""
    roles.require(user, roles.REVIEW, to=what)
    citation = Citation.objects.filter(pk=citation_id).first()
    if citation is None:
        raise ApplicationError("No such citation.", code="not_found", status=404)
    item = lock_item(claim_id=citation.claim_id)
    ensure_not_locked(item, "citations")
    changes = hold(item, user, timezone.now())
    item.save(update_fields=["assignee", "lease_expires_at", "updated_at"])
    return citation, item, changes


def _refetch(citation: Citation) -> None:
    """Start the background fetch again, from a clean slate."""
    citation.fetch_state = Citation.FetchState.PENDING
    citation.fetch_error = ""
    citation.publisher = ""
    citation.snapshot = ""
    citation.fetched_at = None
    enqueue_on_commit("reviews.citation_fetch", citation_id=citation.pk)


@transaction.atomic
def citation_retry(*, citation_id: int, user: User) -> Citation:
    """Fetch a citation's page again (after a failure: the site may be back)."""
    citation, item, changes = _citation_for_change(citation_id, user, "retry citations")
    _refetch(citation)
    citation.save()
    log(item, user, "retried citation", {**changes, "citation": [citation.url, citation.url]})
    return citation


@transaction.atomic
def citation_update(
    *, citation_id: int, user: User, url: str, title: str = "", quote: str = ""
) -> Citation:
    """Edit a citation's title, quote or URL; a new URL is fetched again."""
    citation, item, changes = _citation_for_change(citation_id, user, "edit citations")
    url = _checked_url(url)
    for field, after in (("url", url), ("title", title.strip()), ("quote", quote.strip())):
        before = getattr(citation, field)
        if before != after:
            changes[field] = [before, after]
            setattr(citation, field, after)
    if "url" in changes:
        _refetch(citation)
    full_clean(citation)
    citation.save()
    if set(changes) - {"assignee"}:
        log(item, user, "edited citation", changes)
    return citation


@transaction.atomic
def citation_remove(*, citation_id: int, user: User) -> None:
    """Remove a citation (logged with its URL; not while the claim is published)."""
    citation, item, changes = _citation_for_change(citation_id, user, "remove citations")
    log(item, user, "removed citation", {**changes, "citation": [citation.url, None]})
    citation.delete()


def _checked_url(url: str) -> str:
    """Only web links (javascript:, data: and file: URLs never reach a page or a fetcher), and
    only URIs: the API serves them as `format: uri`, and pages put them in attributes."""
    url = url.strip()
    try:
        validate_web_uri(url)
    except ValidationError as exc:
        raise ApplicationError(
            exc.messages[0], code="invalid_url", extra={"errors": {"url": exc.messages}}
        ) from exc
    return url


_HOST = r"'?(?P<host>[^'\s/:]+)'?"
# (pattern of a core.http_client / task message, the same in plain words). The first match
# wins; {host} is the site's name, {status} the HTTP status, {mb} a size in megabytes.
_FAILURES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"Could not resolve host {_HOST}"), "could not reach {host}: name not found"),
    (re.compile(rf"Host {_HOST} has no addresses"), "could not reach {host}: name not found"),
    (re.compile(r"Timed out talking to"), "could not reach {host}: it did not answer in time"),
    (re.compile(r"Could not connect to"), "could not reach {host}: the connection failed"),
    (re.compile(rf"Refusing to fetch {_HOST}"), "{host} is a private address: not fetched"),
    (re.compile(rf"{_HOST} is not a valid host name"), "{host} is not a valid site name"),
    (re.compile(r"answered HTTP (?P<status>404|410)"), "{host} says the page does not exist"),
    (re.compile(r"answered HTTP (?P<status>401|403)"), "{host} refused access to the page"),
    (re.compile(r"answered HTTP (?P<status>429)"), "{host} is turning requests away for now"),
    (re.compile(r"answered HTTP (?P<status>5\d\d)"), "{host} had an error on its side"),
    (re.compile(r"answered HTTP (?P<status>\d+)"), "{host} did not return the page"),
    (re.compile(r"is (?P<bytes>\d+) bytes, over"), "the page is too large to keep ({mb} MB)"),
    (re.compile(r"[Tt]oo large"), "the page is too large to keep"),
    (re.compile(r"Too many redirects"), "{host} redirected too many times"),
    (re.compile(r"Only http and https"), "only web (http or https) links can be fetched"),
]


def fetch_error_in_words(url: str, reason: str) -> str:
    """A fetch failure as a reviewer would say it: "could not reach example.org: name not
    found" rather than the fetcher's message ("Could not resolve host … [Errno -2] …")."""
    host = urlsplit(url).hostname or url
    for pattern, words in _FAILURES:
        match = pattern.search(reason)
        if match:
            found = match.groupdict()
            size = int(found["bytes"]) / 1_000_000 if found.get("bytes") else 0
            text = words.format(host=found.get("host") or host, mb=f"{size:.1f}")
            return f"{text} (HTTP {found['status']})" if found.get("status") else text
    return f"could not fetch the page: {reason}" if reason else "could not fetch the page"


@transaction.atomic
def note_add(*, claim_id: int, user: User, body: str) -> Note:
    """A note for the team; `@username` mentions the named users."""
    roles.require(user, roles.REVIEW, to="add notes")
    if not body.strip():
        raise ApplicationError("A note cannot be empty.", code="empty")
    item = lock_item(claim_id=claim_id)
    note = Note(claim_id=claim_id, author=user, body=body.strip())
    note.full_clean()
    note.save()
    names = set(MENTION.findall(note.body))
    mentioned = list(User.objects.filter(username__in=names, is_active=True)) if names else []
    note.mentions.set(mentioned)
    log(
        item,
        user,
        "noted",
        {"mentions": [None, sorted(u.username for u in mentioned)]} if mentioned else {},
    )
    notify_mentions(item=item, author=user, mentioned=mentioned, body=note.body)
    return note
