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
from claims.models import SourcePassage

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


class LibraryProvider:
    name = "library"

    def search(self, claim_text: str, *, limit: int) -> list[EvidenceCandidate]:
        terms = query_terms(claim_text)
        if not terms:
            return []
        condition = reduce(or_, (Q(text__icontains=term) for term in terms))
        rows = list(
            SourcePassage.objects.filter(condition)
            .select_related("document")
            # Not the documents' full text: each candidate row would carry a whole document.
            .only("id", "text", "document__url", "document__title", "document__publisher")
            .order_by("id")[:_MAX_CANDIDATES]
        )
        if not rows:
            return []
        docs = [Counter(_TOKEN.findall(row.text.lower())) for row in rows]
        avg_len = sum(sum(d.values()) for d in docs) / len(docs)
        df = {t: sum(1 for d in docs if t in d) for t in terms}
        scored = []
        for row, counts in zip(rows, docs, strict=True):
            length = sum(counts.values())
            score = 0.0
            for term in terms:
                tf = counts.get(term, 0)
                if not tf:
                    continue
                idf = math.log(1 + (len(docs) - df[term] + 0.5) / (df[term] + 0.5))
                score += idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * length / avg_len))
            if score > 0:
                scored.append((score, row))
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        return [
            EvidenceCandidate(
                url=row.document.url,
                title=row.document.title,
                publisher=row.document.publisher,
                snippet=row.text,
                score=round(score, 4),
                passage_id=row.id,
            )
            for score, row in scored[:limit]
        ]
