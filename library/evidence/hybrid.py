"""Hybrid retrieval: lexical (BM25) and dense (embedding) candidates fused by reciprocal rank.

Reciprocal rank fusion scores a passage by sum(w / (k + rank)) over the lists it appears in
(w: 1 for lexical, CLAIMDESK_HYBRID_DENSE_WEIGHT for dense), so neither retriever's score
scale matters and a passage both retrievers rank well comes first. When dense search is
unavailable (no model files, no index yet, an index built with another model) the lexical
ranking is returned on its own: evidence gathering degrades, it does not stop.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache

from library.conf import conf
from library.evidence.dense import dense_search
from library.evidence.embedder import EmbedderUnavailableError, Vectors, get_embedder
from library.evidence.search import lexical_search

logger = logging.getLogger(__name__)

Ranking = list[tuple[int, float]]
DenseSearch = Callable[[Vectors, int], Ranking | None]


def reciprocal_rank_fusion(
    rankings: Sequence[Ranking], *, k: int, weights: Sequence[float] | None = None
) -> Ranking:
    """Fused (id, score) pairs, best first; ties broken by id for a stable order. `weights`
    scales each ranking's contributions (all 1 by default)."""
    fused: dict[int, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, (key, _) in enumerate(ranking, start=1):
            fused[key] += weight / (k + rank)
    return sorted(
        ((key, round(score, 6)) for key, score in fused.items()), key=lambda p: (-p[1], p[0])
    )


@lru_cache(maxsize=64)
def embed_query(text: str) -> Vectors | None:
    """The text's vector, or None (logged) when the model is missing. Cached: claim matching
    and the library provider embed the same claim text one after the other."""
    try:
        vector = get_embedder().embed([text]).reshape(-1)
    except EmbedderUnavailableError as exc:
        logger.warning("dense search off: %s", exc)
        return None
    vector.setflags(write=False)  # shared by every caller of the cache
    return vector


def hybrid_search(
    text: str,
    *,
    limit: int,
    vector: Vectors | None = None,
    dense: DenseSearch = lambda v, k: dense_search(v, limit=k),
) -> Ranking:
    """(passage id, fused score) pairs, best first. `vector` saves re-embedding a claim that
    already has one; `dense` lets evaluation search a scratch index."""
    if not text.strip():
        return []
    candidates = max(limit, conf().hybrid_candidates)
    lexical = lexical_search(text, limit=candidates)
    if vector is None:
        vector = embed_query(text)
    semantic = dense(vector, candidates) if vector is not None else None
    if semantic is None:
        return lexical[:limit]
    return reciprocal_rank_fusion(
        [lexical, semantic], k=conf().hybrid_rrf_k, weights=[1.0, conf().hybrid_dense_weight]
    )[:limit]
