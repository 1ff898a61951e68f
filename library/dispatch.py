"""Enqueue the library's indexing tasks after the current transaction commits."""

from core.tasks import enqueue_folded_on_commit, enqueue_on_commit


def enqueue_index_source(document_id: int) -> None:
    enqueue_on_commit("claims.source_document_index", document_id=document_id)


# A refresh re-saves the whole ANN index file: refreshes asked for while one is already queued
# fold into it (the flag is cleared when the refresh starts, so none is ever missed).
DENSE_REFRESH_PENDING = "claims:dense-refresh-pending"


def enqueue_dense_refresh() -> None:
    enqueue_folded_on_commit("claims.dense_index_refresh", pending_key=DENSE_REFRESH_PENDING)
