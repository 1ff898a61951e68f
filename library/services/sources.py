"""The source library: reference documents split into passages that providers search."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from core.errors import ApplicationError, PermanentError, TransientError
from core.http_client import BlockedAddressError, fetch_text
from core.segment import split_sentences
from core.text import content_hash, extract_from_html, extract_from_text, looks_like_html
from library import dispatch
from library.models import SourceDocument, SourcePassage

# Passages are whole sentences packed up to this many characters: short enough to highlight.
PASSAGE_MAX_CHARS = 400


def split_passages(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of sentence-aligned passages of at most PASSAGE_MAX_CHARS."""
    spans: list[tuple[int, int]] = []
    for sentence in split_sentences(text):
        if spans and sentence.end - spans[-1][0] <= PASSAGE_MAX_CHARS:
            spans[-1] = (spans[-1][0], sentence.end)
        else:
            spans.append((sentence.start, sentence.end))
    return spans


@transaction.atomic
def source_document_upsert(
    *,
    url: str = "",
    title: str,
    text: str,
    publisher: str = "",
    licence: str = "",
    published_at: datetime | None = None,
) -> SourceDocument:
    """Create or replace a library document and its passages (re-running is harmless).

    Documents with a URL are keyed by it; documents from files by their text's hash."""
    if not text.strip():
        raise ApplicationError("The source document has no text.", code="empty")
    digest = content_hash(text)
    # With a URL the URL is the identity; a file's identity is its text.
    lookup = {"url": url} if url else {"url": "", "content_hash": digest}
    document, _ = SourceDocument.objects.update_or_create(
        defaults={
            "title": title[:500] or "(untitled)",
            "text": text,
            "content_hash": digest,
            "publisher": publisher[:200],
            "licence": licence[:100],
            "published_at": published_at,
        },
        **lookup,  # type: ignore[arg-type]  # django-stubs types **kwargs as the defaults map
    )
    document.full_clean(validate_constraints=False)
    source_passages_rebuild(document=document)
    return document


def source_ingest(*, body: str, url: str = "", publisher: str = "") -> SourceDocument:
    """A page or text file into the library: text and metadata extracted as for articles."""
    page = extract_from_html(body, url=url) if looks_like_html(body) else extract_from_text(body)
    return source_document_upsert(
        url=url,
        title=page.title,
        text=page.text,
        publisher=publisher or page.outlet,
        published_at=page.published_at,
    )


def source_submit(
    *, url: str = "", html: str = "", text: str = "", publisher: str = ""
) -> SourceDocument:
    """A source from the API: pasted HTML or text (url then names it), or a URL fetched now
    through the SSRF-guarded client."""
    body = html or text
    if not body:
        if not url:
            raise ApplicationError("Send a url, html or text.", code="empty")
        try:
            body, url = fetch_text(url)
        except BlockedAddressError as exc:
            # Not the guard's own text: it names the internal address the host resolved to.
            raise ApplicationError(
                f"Could not fetch {url}: it resolves to a private address.", code="fetch_failed"
            ) from exc
        except PermanentError as exc:
            raise ApplicationError(f"Could not fetch {url}: {exc}", code="fetch_failed") from exc
        except TransientError as exc:
            raise ApplicationError(
                f"Could not fetch {url} now: {exc}", code="fetch_unavailable", status=503
            ) from exc
    return source_ingest(body=body, url=url, publisher=publisher)


@transaction.atomic
def source_passages_rebuild(*, document: SourceDocument) -> None:
    """Bring the document's passages in line with a fresh split of its text, then queue their
    indexing. Passages whose span and text are unchanged are kept (with their ids and
    vectors), so re-ingesting the same document writes nothing and embeds nothing."""
    wanted = {
        (start, end, document.text[start:end]) for start, end in split_passages(document.text)
    }
    existing = {(p.start, p.end, p.text): p.pk for p in document.passages.all()}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        SourcePassage.objects.filter(pk__in=stale).delete()
    SourcePassage.objects.bulk_create(
        SourcePassage(document=document, start=start, end=end, text=text)
        for start, end, text in sorted(wanted - existing.keys())
    )
    dispatch.enqueue_index_source(document.pk)
