"""Claim matching as a pipeline step: embed the new claim, compare it with reviewed claims,
record the suggestion and, above the auto-link threshold, the cluster it joins.

Which claims count as reviewed is the review app's business: it registers the
`match_candidates` port (claims/ports.py), so this app never imports that one, and it calls
`match_candidates_changed` when a claim enters or leaves them.

Reviewed claims are found through an ANN index (core/ann.py) over their embeddings, never by
reading every vector: the index proposes the nearest `NEIGHBOURS`, including claims reviewed
since its last refresh, and one small query re-reads those rows from the current candidates,
so a claim that stopped counting as reviewed a second ago is not matched and the scores are
computed from the database's vectors exactly as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from claims import ports
from claims.conf import conf
from claims.matching import Candidates, Match, best_match
from claims.models import Claim
from core.ann import AnnIndex, HnswParams, RefreshResult
from core.tasks import enqueue_folded_on_commit
from library.evidence.dense import ann_settings
from library.evidence.embedder import DIMENSIONS, Vectors, from_bytes, model_version, to_bytes
from library.evidence.hybrid import embed_query

logger = logging.getLogger(__name__)

# best_match scores the 20 nearest by cosine; the index proposes more, since a few of its keys
# may have left the candidates since its refresh, and HNSW's order is approximate.
NEIGHBOURS = 50
CLAIM_INDEX_REFRESH_PENDING = "claims:claim-index-refresh-pending"


def _indexed_claims() -> QuerySet[Claim]:
    """The index's source of truth: match candidates with an embedding of the current model."""
    return (
        ports.get_match_candidates()()
        .filter(embedding_model=model_version())
        .exclude(embedding__isnull=True)
    )


claim_index = AnnIndex(
    "claims",
    dimensions=DIMENSIONS,
    model=model_version,
    rows=_indexed_claims,
    key="id",
    vector="embedding",
    changed_at="match_changed_at",
    settings=ann_settings,
    # Matching needs the exact nearest claim. On the benchmark's 1,000,000 reviewed claims
    # this shape found it for every query with a search expansion of 128 or more (64 missed
    # 1 in 200); 256 keeps twice that margin for 3 ms of graph search at p95. Building it
    # takes about 17 minutes on 2 cores (README, "Benchmarks").
    hnsw=HnswParams(connectivity=32, expansion_add=200, expansion_search=256),
)


def claim_index_refresh(*, rebuild: bool = False) -> RefreshResult:
    """Bring this machine's reviewed-claims index in line with the database."""
    return claim_index.refresh(rebuild=rebuild)


def match_candidates_changed(*, claim_ids: Iterable[int]) -> None:
    """The review app's word that these claims may have entered or left the match candidates
    (a verdict set or cleared). Matching sees the change at once (the stamp puts the claims in
    the index's freshness window); the index itself is refreshed after the commit."""
    ids = list(claim_ids)
    if not ids:
        return
    Claim.objects.filter(pk__in=ids).update(match_changed_at=timezone.now())
    enqueue_folded_on_commit("claims.claim_index_refresh", pending_key=CLAIM_INDEX_REFRESH_PENDING)


def match_candidates_near(*, claim: Claim, vector: Vectors, model: str) -> Candidates:
    """The reviewed claims nearest `vector`, as the database has them now: the index's
    proposals (its NEIGHBOURS nearest, and the claims reviewed since its refresh) re-read in
    one query, the claim itself left out."""
    near = claim_index.candidate_keys(vector, limit=NEIGHBOURS)
    rows = [
        (pk, from_bytes(blob), entities, text)
        for pk, blob, entities, text in ports.get_match_candidates()()
        .filter(pk__in=near, embedding_model=model)
        .exclude(pk=claim.pk)
        .values_list("id", "embedding", "entities", "self_contained_text")
        if blob is not None
    ]
    vectors = np.zeros((len(rows), DIMENSIONS), dtype=np.float32)
    for row, (_, vector_row, _, _) in enumerate(rows):
        vectors[row] = vector_row
    return Candidates(
        ids=[r[0] for r in rows],
        vectors=vectors,
        entities=[list(r[2] or []) for r in rows],
        texts=[r[3] for r in rows],
    )


def claim_match(*, claim: Claim) -> Match | None:
    """Store the claim's embedding and its best match among reviewed claims (re-running gives
    the same answer). Without the embedding model the claim simply goes unmatched."""
    vector = embed_query(claim.self_contained_text)
    if vector is None:
        return None
    model = model_version()
    match = best_match(
        text=claim.self_contained_text,
        vector=vector,
        entities=claim.entities or [],
        candidates=match_candidates_near(claim=claim, vector=vector, model=model),
        suggest_at=conf().match_suggest_threshold,
        link_at=conf().match_autolink_threshold,
        min_words=conf().match_min_words,
    )
    cluster_id = None
    if match is not None and match.linked:
        # Clusters are flat: joining a member joins its root, whose verdict the cluster shares.
        root = Claim.objects.filter(pk=match.claim_id).values_list("cluster_id", flat=True).first()
        cluster_id = root or match.claim_id
    Claim.objects.filter(pk=claim.pk).update(
        embedding=to_bytes(vector),
        embedding_model=model,
        # The embedding is (re)written: were the claim a candidate, the index must see it.
        match_changed_at=timezone.now(),
        similar_claim_id=match.claim_id if match else None,
        similarity=match.score if match else None,
        cluster_id=cluster_id,
    )
    return match
