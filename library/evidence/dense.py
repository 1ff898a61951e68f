"""Dense (vector) search over library passages: an ANN index (core/ann.py) on this machine's
disk, a cache of the database's `PassageEmbedding` rows.

`passage_index_refresh` brings it up to date (the indexing tasks queue it after writing
vectors; beat runs it as a safety net), and every searching process catches its machine's
copy up by itself, so a passage embedded through any machine is found on all of them.
"""

from __future__ import annotations

import logging

from django.db.models import QuerySet

from core.ann import AnnIndex, AnnIndexUnavailableError, AnnSettings, Hits, RefreshResult
from library.conf import conf
from library.evidence.embedder import (
    DIMENSIONS,
    EmbedderUnavailableError,
    Vectors,
    from_bytes,
    model_version,
)
from library.models import PassageEmbedding

logger = logging.getLogger(__name__)


def ann_settings() -> AnnSettings:
    """Where this machine keeps its ANN indexes and how it keeps them current: shared by every
    index kind (passages here, reviewed claims in claims/services/matching.py)."""
    library = conf()
    return AnnSettings(
        directory=library.dense_index_dir,
        catch_up_s=library.dense_catch_up_s,
        max_age_s=library.dense_max_age_s,
    )


def _passage_vectors() -> QuerySet[PassageEmbedding]:
    return PassageEmbedding.objects.filter(model=model_version())


passage_index = AnnIndex(
    "passages",
    dimensions=DIMENSIONS,
    model=model_version,
    rows=_passage_vectors,
    key="passage_id",
    vector="vector",
    changed_at="embedded_at",
    settings=ann_settings,
)


def passage_index_refresh(*, rebuild: bool = False) -> RefreshResult:
    """Bring this machine's passage index in line with the database's vectors."""
    return passage_index.refresh(rebuild=rebuild)


def passage_vectors(passage_ids: list[int]) -> dict[int, Vectors]:
    """The current model's stored vectors of these passages (those that have one)."""
    if not passage_ids:
        return {}
    rows = _passage_vectors().filter(passage_id__in=passage_ids).values_list("passage_id", "vector")
    return {pid: from_bytes(blob) for pid, blob in rows}


def dense_search(vector: Vectors, *, limit: int) -> Hits | None:
    """(passage id, cosine) pairs, best first; None when there is no usable index (no model,
    or none could be built), so callers fall back to lexical search. Hits may name passages
    deleted since the last refresh: callers join them with the database."""
    try:
        return passage_index.search(vector, limit=limit)
    except (AnnIndexUnavailableError, EmbedderUnavailableError) as exc:
        logger.warning("dense search off: %s", exc)
        return None
