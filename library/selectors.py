"""Reads of the source library: documents with their index state, and the search box."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from library.evidence.embedder import EmbedderUnavailableError, model_version
from library.evidence.hybrid import hybrid_search
from library.evidence.terms import query_terms
from library.models import SourceDocument, SourcePassage


def sources_with_index_state() -> QuerySet[SourceDocument]:
    """Library documents newest first, with passage counts and how many have a vector from
    the current model, counted in the same query. The full text stays in the database."""
    try:
        model = model_version()
    except EmbedderUnavailableError:
        model = ""
    return (
        SourceDocument.objects.defer("text")
        .annotate(
            n_passages=Count("passages", distinct=True),
            n_embedded=Count("passages", filter=Q(passages__embedding__model=model), distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def source_get(*, source_id: int) -> SourceDocument | None:
    return sources_with_index_state().filter(pk=source_id).first()


@dataclass(frozen=True)
class PassageHit:
    passage: SourcePassage
    score: float
    highlights: list[tuple[int, int]]  # (start, end) offsets in passage.text


def _highlights(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the query's terms (or words they begin, as stems do) occur in the passage."""
    if not terms:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\w*", re.IGNORECASE)
    return [match.span() for match in pattern.finditer(text)]


def library_search(*, query: str, limit: int) -> list[PassageHit]:
    """Reviewers' search box: the same hybrid retrieval the evidence step uses."""
    hits = hybrid_search(query, limit=limit)
    rows = (
        SourcePassage.objects.select_related("document")
        .defer("document__text")
        .in_bulk([pid for pid, _ in hits])
    )
    terms = query_terms(query, max_terms=32)
    return [
        PassageHit(passage=rows[pid], score=score, highlights=_highlights(rows[pid].text, terms))
        for pid, score in hits
        if pid in rows  # the ANN index may still name a passage deleted since its refresh
    ]
