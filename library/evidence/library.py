"""Local providers: the newsroom's source library and its imported fact-checks.

The library is searched by hybrid retrieval (library.evidence.hybrid: full-text + vectors);
fact-checks, a much smaller table, through BM25 over a `LIKE`-selected candidate set.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import reduce
from operator import or_

from django.db.models import Q

from library.conf import conf
from library.evidence.base import EvidenceCandidate
from library.evidence.hybrid import hybrid_search
from library.evidence.rerank import rerank
from library.evidence.terms import TOKEN, query_terms
from library.models import FactCheck, SourcePassage
from library.services.indexing import passage_embedding_text

_MAX_CANDIDATES = 2000
_K1, _B = 1.2, 0.75


def rank_bm25(terms: list[str], texts: list[str]) -> list[tuple[int, float]]:
    """(index, score) of the texts matching any term, best first, by BM25 over this set."""
    if not texts or not terms:
        return []
    docs = [Counter(TOKEN.findall(text.lower())) for text in texts]
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
        top_k = conf().rerank_top_k
        hits = hybrid_search(claim_text, limit=max(limit, top_k))
        rows = (
            SourcePassage.objects.filter(pk__in=[passage_id for passage_id, _ in hits])
            .select_related("document")
            # Not the documents' full text: each row would carry a whole document.
            .only("id", "text", "document__url", "document__title", "document__publisher")
            .in_bulk()
        )
        hits = [hit for hit in hits if hit[0] in rows]
        # What the reranker reads for a passage is what was embedded for it.
        texts = {
            pid: passage_embedding_text(rows[pid].document.title, rows[pid].text) for pid in rows
        }
        return [
            EvidenceCandidate(
                url=rows[hit.key].document.url,
                title=rows[hit.key].document.title,
                publisher=rows[hit.key].document.publisher,
                snippet=rows[hit.key].text,
                score=round(hit.score, 4),
                passage_id=hit.key,
                rerank_score=hit.rerank_score,
            )
            for hit in rerank(claim_text, hits, texts, top_k=top_k)[:limit]
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
