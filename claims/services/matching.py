"""Claim matching as a pipeline step: embed the new claim, compare it with reviewed claims,
record the suggestion and, above the auto-link threshold, the cluster it joins.

Which claims count as reviewed is the review app's business: it registers the
`match_candidates` port (claims/ports.py), so this app never imports that one.
"""

from __future__ import annotations

import logging

import numpy as np

from claims import ports
from claims.conf import conf
from claims.matching import Candidates, Match, best_match
from claims.models import Claim
from library.evidence.embedder import DIMENSIONS, from_bytes, model_version, to_bytes
from library.evidence.hybrid import embed_query

logger = logging.getLogger(__name__)


def _candidates(claim: Claim, model: str) -> Candidates:
    rows = [
        (pk, from_bytes(blob), entities, text)
        for pk, blob, entities, text in ports.get_match_candidates()()
        .exclude(pk=claim.pk)
        .filter(embedding_model=model)
        .values_list("id", "embedding", "entities", "self_contained_text")
        if blob is not None
    ]
    vectors = np.zeros((len(rows), DIMENSIONS), dtype=np.float32)
    for row, (_, vector, _, _) in enumerate(rows):
        vectors[row] = vector
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
        candidates=_candidates(claim, model),
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
        similar_claim_id=match.claim_id if match else None,
        similarity=match.score if match else None,
        cluster_id=cluster_id,
    )
    return match
