"""Indexing the source library for dense search: passages → vectors (database) → ANN index.

Run by Celery tasks in batches. Each batch commits on its own, so a killed worker loses at
most one batch, and every step skips what is already done (a passage that has a vector from
the current model is never embedded again), so tasks can be re-run and re-delivered freely.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction
from django.db.models import QuerySet

from library import dispatch
from library.conf import conf
from library.evidence.embedder import get_embedder, model_version, to_bytes
from library.models import PassageEmbedding, SourcePassage


def passages_missing_vectors() -> QuerySet[SourcePassage]:
    """Passages with no vector from the current model (new, or embedded by an older model)."""
    return SourcePassage.objects.exclude(embedding__model=model_version())


def passage_embedding_text(title: str, passage: str) -> str:
    """What is embedded for a passage: its document's title gives a mid-document passage the
    context its first sentence had."""
    return passage if not title or passage.startswith(title) else f"{title}\n{passage}"


Progress = Callable[[int, int], None]  # (passages looked at, of total)


def passages_embed(
    *, passage_ids: Sequence[int], progress: Progress = lambda done, total: None
) -> int:
    """Embed the given passages that lack a current vector, one transaction per batch.
    Returns how many were embedded; `progress` hears after every batch. Two workers racing on
    one passage both write the same vector (an upsert), so no lock is needed."""
    embedder = get_embedder()
    batch_size = conf().embed_batch
    done = 0
    for offset in range(0, len(passage_ids), batch_size):
        with transaction.atomic():
            batch = list(
                passages_missing_vectors()
                .filter(pk__in=passage_ids[offset : offset + batch_size])
                .select_related("document")
                .only("id", "text", "document__title")
            )
            if not batch:
                progress(min(offset + batch_size, len(passage_ids)), len(passage_ids))
                continue
            vectors = embedder.embed(
                [passage_embedding_text(p.document.title, p.text) for p in batch]
            )
            PassageEmbedding.objects.bulk_create(
                [
                    PassageEmbedding(passage=p, model=embedder.version, vector=to_bytes(v))
                    for p, v in zip(batch, vectors, strict=True)
                ],
                update_conflicts=True,
                unique_fields=["passage"],
                update_fields=["model", "vector", "embedded_at"],
            )
            done += len(batch)
        progress(min(offset + batch_size, len(passage_ids)), len(passage_ids))
    return done


def source_document_index(*, document_id: int) -> int:
    """Embed a document's passages, then have the ANN index pick them up."""
    ids = list(
        passages_missing_vectors().filter(document_id=document_id).values_list("id", flat=True)
    )
    embedded = passages_embed(passage_ids=ids)
    if embedded:
        dispatch.enqueue_dense_refresh()
    return embedded


def library_index_missing(
    *, limit: int | None, progress: Progress = lambda done, total: None
) -> int:
    """Catch-up for passages whose indexing task was lost or whose vectors are from an older
    model: at most `limit` per run (None: all), so one task run stays within its time limit."""
    missing = passages_missing_vectors().order_by("id").values_list("id", flat=True)
    ids = list(missing if limit is None else missing[:limit])
    embedded = passages_embed(passage_ids=ids, progress=progress)
    if embedded:
        dispatch.enqueue_dense_refresh()
    return embedded


def library_embedding_counts() -> tuple[int, int]:
    """(passages with a vector from the current model, all passages): indexing progress."""
    total = SourcePassage.objects.count()
    return total - passages_missing_vectors().count(), total
