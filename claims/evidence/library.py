"""Search the newsroom's own source library (SourcePassage rows).

A first lexical ranker: candidate passages are those containing the claim's rarest-looking
terms, ranked by BM25 over that candidate set. Issue #5 replaces it with hybrid retrieval
(full-text index + dense vectors); the provider interface stays.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import reduce
from operator import or_

from django.db.models import Q

from claims.evidence.base import EvidenceCandidate
from claims.models import FactCheck, SourcePassage

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "not",
        "no",
        "than",
        "then",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "said",
        "says",
        "say",
        "will",
        "would",
        "could",
        "should",
        "can",
        "may",
        "might",
        "also",
        "about",
        "into",
        "over",
        "after",
        "before",
        "more",
        "most",
        "less",
        "very",
        "just",
        "up",
        "down",
        "out",
        "so",
        "such",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "some",
        "each",
        "other",
        "new",
        "one",
        "two",
    ]
)
_MAX_QUERY_TERMS = 8
_MAX_CANDIDATES = 2000
_K1, _B = 1.2, 0.75


def query_terms(text: str) -> list[str]:
    tokens = [t for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS and len(t) > 2]
    # Longer words tend to be rarer and more topical; keep order stable for determinism.
    unique = list(dict.fromkeys(tokens))
    return sorted(unique, key=lambda t: (-len(t), unique.index(t)))[:_MAX_QUERY_TERMS]


def rank_bm25(terms: list[str], texts: list[str]) -> list[tuple[int, float]]:
    """(index, score) of the texts matching any term, best first, by BM25 over this set."""
    if not texts or not terms:
        return []
    docs = [Counter(_TOKEN.findall(text.lower())) for text in texts]
    avg_len = sum(sum(d.values()) for d in docs) / len(docs) or 1.0
    df = {t: sum(1 for d in docs if t in d) for t in terms}
    scored = []
    for index, counts in enumerate(docs):
        length = sum(counts.values())
        score = 0.0
        for term in terms:
            tf = counts.get(term, 0)
            if not tf:
                continue
            idf = math.log(1 + (len(docs) - df[term] + 0.5) / (df[term] + 0.5))
            score += idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * length / avg_len))
        if score > 0:
            scored.append((index, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored


def candidates_matching(terms: list[str], field: str) -> Q:
    """Rows whose `field` contains any of the terms (the candidate set BM25 then ranks)."""
    return reduce(or_, (Q(**{f"{field}__icontains": term}) for term in terms))


class LibraryProvider:
    name = "library"

    def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]:
        terms = query_terms(claim_text)
        if not terms:
            return []
        rows = list(
            SourcePassage.objects.filter(candidates_matching(terms, "text"))
            .select_related("document")
            # Not the documents' full text: each candidate row would carry a whole document.
            .only("id", "text", "document__url", "document__title", "document__publisher")
            .order_by("id")[:_MAX_CANDIDATES]
        )
        ranked = rank_bm25(terms, [row.text for row in rows])
        return [
            EvidenceCandidate(
                url=rows[i].document.url,
                title=rows[i].document.title,
                publisher=rows[i].document.publisher,
                snippet=rows[i].text,
                score=round(score, 4),
                passage_id=rows[i].id,
            )
            for i, score in ranked[:limit]
        ]


class FactCheckProvider:
    """Earlier fact-checks (imported ClaimReview) of the same or a similar claim."""

    name = "factchecks"

    def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]:
        terms = query_terms(claim_text)
        if not terms:
            return []
        rows = list(
            FactCheck.objects.filter(candidates_matching(terms, "claim_reviewed"))
            .defer("raw")
            .order_by("id")[:_MAX_CANDIDATES]
        )
        ranked = rank_bm25(terms, [row.claim_reviewed for row in rows])
        return [
            EvidenceCandidate(
                url=rows[i].url,
                title=rows[i].claim_reviewed[:500],
                publisher=rows[i].publisher,
                snippet=rows[i].claim_reviewed,
                score=round(score, 4),
                rating=rows[i].rating,
                published_at=rows[i].published_at,
            )
            for i, score in ranked[:limit]
        ]
