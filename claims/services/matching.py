"""Claim matching as a pipeline step: embed the new claim, compare it with reviewed claims,
record the suggestion and, above the auto-link threshold, the cluster it joins.

Which claims count as reviewed is the review app's business: it registers the
`match_candidates` port (claims/ports.py), so this app never imports that one, and it calls
`match_candidates_changed` when a claim enters or leaves them.

Claims in another language are found by a second vector (library.evidence.multilingual) in a
second index: a French claim is suggested the English claim reviewed before, and the other way
round, at its own threshold and never auto-linked (README, "Cross-language matching"). The
same-language match comes first; the cross-language one is looked for only when it finds none.

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
from claims.matching import Candidates, Match, best_cross_language_match, best_match
from claims.models import Article, Claim
from core.ann import AnnIndex, HnswParams, RefreshResult
from core.tasks import enqueue_folded_on_commit
from core.text import detect_language
from library.evidence.dense import ann_settings
from library.evidence.embedder import DIMENSIONS, Vectors, from_bytes, model_version, to_bytes
from library.evidence.hybrid import embed_query
from library.evidence.multilingual import (
    MULTILINGUAL_DIMENSIONS,
    MultilingualUnavailableError,
    embed_multilingual,
    multilingual_model_version,
    supports,
)

logger = logging.getLogger(__name__)

# best_match scores the 20 nearest by cosine; the index proposes more, since a few of its keys
# may have left the candidates since its refresh, and HNSW's order is approximate.
NEIGHBOURS = 50
# The multilingual index holds claims of every language, and the claim's own language is left
# out after the search: more neighbours, so that claims in its language (near-duplicates score
# 0.9 and more in e5) do not crowd out the one translation.
CROSS_LANGUAGE_NEIGHBOURS = 200
CLAIM_INDEX_REFRESH_PENDING = "claims:claim-index-refresh-pending"


def _indexed_claims() -> QuerySet[Claim]:
    """The index's source of truth: match candidates with an embedding of the current model."""
    return (
        ports.get_match_candidates()()
        .filter(embedding_model=model_version())
        .exclude(embedding__isnull=True)
    )


# Matching needs the exact nearest claim. On the benchmark's 1,000,000 reviewed claims this shape
# found it for every query with a search expansion of 128 or more (64 missed 1 in 200); 256
# keeps twice that margin for 3 ms of graph search at p95. Building it takes about 17 minutes
# on 2 cores (README, "Benchmarks").
_HNSW = HnswParams(connectivity=32, expansion_add=200, expansion_search=256)

claim_index = AnnIndex(
    "claims",
    dimensions=DIMENSIONS,
    model=model_version,
    rows=_indexed_claims,
    key="id",
    vector="embedding",
    changed_at="match_changed_at",
    settings=ann_settings,
    hnsw=_HNSW,
)


def _multilingual_indexed_claims() -> QuerySet[Claim]:
    """Match candidates with a multilingual vector of the installed model."""
    return (
        ports.get_match_candidates()()
        .filter(multilingual_model=multilingual_model_version())
        .exclude(multilingual_embedding__isnull=True)
    )


multilingual_claim_index = AnnIndex(
    "claims-multilingual",
    dimensions=MULTILINGUAL_DIMENSIONS,
    model=multilingual_model_version,
    rows=_multilingual_indexed_claims,
    key="id",
    vector="multilingual_embedding",
    changed_at="match_changed_at",
    settings=ann_settings,
    hnsw=_HNSW,
)


def claim_index_refresh(*, rebuild: bool = False) -> RefreshResult:
    """Bring this machine's reviewed-claims index in line with the database."""
    return claim_index.refresh(rebuild=rebuild)


def multilingual_claim_index_refresh(*, rebuild: bool = False) -> RefreshResult | None:
    """The same for the multilingual vectors; None (logged) without the multilingual model."""
    try:
        return multilingual_claim_index.refresh(rebuild=rebuild)
    except MultilingualUnavailableError as exc:
        logger.warning("cross-language matching off: %s", exc)
        return None


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
    return Candidates(
        ids=[r[0] for r in rows],
        vectors=_matrix([r[1] for r in rows], DIMENSIONS),
        entities=[list(r[2] or []) for r in rows],
        texts=[r[3] for r in rows],
    )


def _matrix(vectors: list[Vectors], dimensions: int) -> Vectors:
    """One row per vector (an empty matrix of the right width when there are none)."""
    if not vectors:
        return np.zeros((0, dimensions), dtype=np.float32)
    return np.vstack(vectors).astype(np.float32, copy=False)


def cross_language_candidates_near(
    *, claim: Claim, vector: Vectors, language: str, model: str
) -> Candidates:
    """Reviewed claims in another (known) language nearest the claim's multilingual `vector`,
    re-read from the current candidates as `match_candidates_near` does."""
    near = multilingual_claim_index.candidate_keys(vector, limit=CROSS_LANGUAGE_NEIGHBOURS)
    rows = [
        (pk, from_bytes(blob), text, other_language)
        for pk, blob, text, other_language in ports.get_match_candidates()()
        .filter(pk__in=near, multilingual_model=model)
        .exclude(pk=claim.pk)
        .exclude(language__in=(language, ""))
        .values_list("id", "multilingual_embedding", "self_contained_text", "language")
        if blob is not None
    ]
    return Candidates(
        ids=[r[0] for r in rows],
        vectors=_matrix([r[1] for r in rows], MULTILINGUAL_DIMENSIONS),
        entities=[[] for _ in rows],
        texts=[r[2] for r in rows],
        languages=[r[3] for r in rows],
    )


def claim_language(*, claim: Claim) -> str:
    """ISO 639-1 code: the article's language (from its metadata or detected from its whole
    text, claims.services.pipeline), else detected from the claim; "" when unknown."""
    article = Article.objects.filter(pk=claim.article_id).values_list("language", flat=True)
    language = article.first() or detect_language(claim.self_contained_text)
    return language[:2].lower()


def claim_match(*, claim: Claim) -> Match | None:
    """Store the claim's embeddings and language and its best match among reviewed claims
    (re-running gives the same answer): one in the same language by the English embedding,
    else one in another language by the multilingual embedding. Without either model the claim
    simply goes unmatched by it."""
    text = claim.self_contained_text
    language = claim_language(claim=claim)
    vector = embed_query(text)
    multilingual = embed_multilingual(text) if supports(language) else None
    if vector is None and multilingual is None:
        return None
    fields: dict[str, object] = {
        "language": language,
        # An embedding is (re)written: were the claim a candidate, the indexes must see it.
        "match_changed_at": timezone.now(),
        "multilingual_embedding": None,
        "multilingual_model": "",
    }
    match = None
    if vector is not None:
        model = model_version()
        fields.update(embedding=to_bytes(vector), embedding_model=model)
        match = best_match(
            text=text,
            vector=vector,
            entities=claim.entities or [],
            candidates=match_candidates_near(claim=claim, vector=vector, model=model),
            suggest_at=conf().match_suggest_threshold,
            link_at=conf().match_autolink_threshold,
            min_words=conf().match_min_words,
        )
    if multilingual is not None:
        multilingual_model = multilingual_model_version()
        fields.update(
            multilingual_embedding=to_bytes(multilingual), multilingual_model=multilingual_model
        )
        if match is None:
            match = best_cross_language_match(
                text=text,
                language=language,
                vector=multilingual,
                candidates=cross_language_candidates_near(
                    claim=claim, vector=multilingual, language=language, model=multilingual_model
                ),
                suggest_at=conf().match_cross_language_threshold,
            )
    cluster_id = None
    if match is not None and match.linked:
        # Clusters are flat: joining a member joins its root, whose verdict the cluster shares.
        root = Claim.objects.filter(pk=match.claim_id).values_list("cluster_id", flat=True).first()
        cluster_id = root or match.claim_id
    Claim.objects.filter(pk=claim.pk).update(
        **fields,
        similar_claim_id=match.claim_id if match else None,
        similarity=match.score if match else None,
        cluster_id=cluster_id,
    )
    return match


def multilingual_vectors_backfill(*, batch: int = 100) -> int:
    """Give reviewed claims matched before cross-language matching (or by an older multilingual
    model) their language and multilingual vector, so new claims in other languages find them.
    Returns how many were embedded."""
    try:
        model = multilingual_model_version()
    except MultilingualUnavailableError as exc:
        logger.warning("cross-language matching off: %s", exc)
        return 0
    done = 0
    stale = ports.get_match_candidates()().exclude(multilingual_model=model).order_by("pk")
    last = 0
    while ids := list(stale.filter(pk__gt=last).values_list("pk", flat=True)[:batch]):
        last = ids[-1]
        for claim in Claim.objects.filter(pk__in=ids):
            language = claim.language or claim_language(claim=claim)
            vector = embed_multilingual(claim.self_contained_text) if supports(language) else None
            Claim.objects.filter(pk=claim.pk).update(
                language=language,
                multilingual_embedding=to_bytes(vector) if vector is not None else None,
                multilingual_model=model if vector is not None else "",
                match_changed_at=timezone.now(),
            )
            done += vector is not None
    if done:
        enqueue_folded_on_commit(
            "claims.claim_index_refresh", pending_key=CLAIM_INDEX_REFRESH_PENDING
        )
    return done
