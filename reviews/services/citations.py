"""Citations (with their page fetched in the background) and reviewers' notes."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError, PermanentError
from core.http_client import fetch_text
from core.tasks import enqueue_on_commit
from core.text import extract_from_html, looks_like_html
from reviews import roles
from reviews.models import Citation, Note
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
    url = url.strip()
    # Only web links: javascript:, data: and file: URLs never reach a page or a fetcher.
    if not url.lower().startswith(("http://", "https://")):
        raise ApplicationError(
            "Citation URLs must start with http:// or https://.", code="invalid_url"
        )
    item = lock_item(claim_id=claim_id)
    ensure_not_locked(item, "citations")
    now = timezone.now()
    changes = hold(item, user, now)
    citation = Citation(
        claim_id=claim_id, url=url, title=title.strip(), quote=quote.strip(), added_by=user
    )
    citation.full_clean()
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
