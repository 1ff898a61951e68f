"""The source library: reference documents split into passages that providers search."""

from __future__ import annotations

from django.db import transaction

from claims.extraction.segment import split_sentences
from claims.models import SourceDocument, SourcePassage

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
    *, url: str, title: str, text: str, publisher: str = "", licence: str = ""
) -> SourceDocument:
    """Create or replace a library document and its passages (re-running is harmless)."""
    document, _ = SourceDocument.objects.update_or_create(
        url=url,
        defaults={"title": title, "text": text, "publisher": publisher, "licence": licence},
    )
    document.full_clean()
    document.passages.all().delete()
    SourcePassage.objects.bulk_create(
        SourcePassage(document=document, start=start, end=end, text=text[start:end])
        for start, end in split_passages(text)
    )
    return document
