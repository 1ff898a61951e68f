"""Reads for articles and their pipeline progress."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from claims.evidence.embedder import EmbedderUnavailableError, model_version
from claims.evidence.hybrid import hybrid_search
from claims.evidence.terms import query_terms
from claims.models import Article, Claim, SourceDocument, SourcePassage


@dataclass(frozen=True)
class ArticleProgress:
    state: str
    label: str  # what a person reads: "gathering evidence (3/7)", "failed: reason"
    claims_total: int
    claims_with_evidence: int


def article_get(*, article_id: int) -> Article | None:
    return Article.objects.filter(pk=article_id).first()


_EVIDENCE_DONE = ~Q(claims__evidence_state=Claim.EvidenceState.PENDING)


def articles_with_progress() -> QuerySet[Article]:
    """Articles newest first, with what `article_progress` needs counted in the same query."""
    return Article.objects.annotate(
        n_claims=Count("claims"),
        n_claims_with_evidence=Count("claims", filter=_EVIDENCE_DONE),
    ).order_by("-created_at", "-id")


def article_progress(*, article: Article) -> ArticleProgress:
    """Where the article is, for people. Rows from `articles_with_progress` cost no query."""
    done = getattr(article, "n_claims_with_evidence", None)
    if done is None:
        done = article.claims.exclude(evidence_state=Claim.EvidenceState.PENDING).count()
    label = article.get_state_display()
    if article.state == Article.State.GATHERING:
        label = f"{label} ({done}/{article.claims_total})"
    elif article.state == Article.State.FAILED and article.last_error:
        label = f"{label}: {article.last_error}"
    elif article.state == Article.State.DUPLICATE and article.duplicate_of_id:
        label = f"{label} of article {article.duplicate_of_id}"
    return ArticleProgress(
        state=article.state,
        label=label,
        claims_total=article.claims_total,
        claims_with_evidence=done,
    )


def claims_with_evidence() -> QuerySet[Claim]:
    """Claims whose evidence step is over: the default pool for claim matching until the
    review app names its own (CLAIMDESK_MATCH_CANDIDATES)."""
    return Claim.objects.exclude(evidence_state=Claim.EvidenceState.PENDING)


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
