"""Background work of the source library: thin wrappers around its services.

The task names keep the `claims.` prefix they had before the library became its own app, so
messages already queued (and beat entries) still find their task after an upgrade.
"""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from library import dispatch
from library.conf import conf
from library.evidence.dense import passage_index_refresh
from library.evidence.search import refresh_lexical_stats
from library.services import indexing


@shared_task(name="claims.library_refresh_stats", acks_late=True)
def library_refresh_stats() -> None:
    refresh_lexical_stats()


@shared_task(name="claims.source_document_index", acks_late=True)
def source_document_index(*, document_id: int) -> None:
    indexing.source_document_index(document_id=document_id)


@shared_task(name="claims.library_index_missing", acks_late=True)
def library_index_missing() -> int:
    return indexing.library_index_missing(limit=conf().embed_batch * 100)


@shared_task(name="claims.dense_index_refresh", acks_late=True)
def dense_index_refresh(*, rebuild: bool = False) -> None:
    """The passage index of the machine that runs it (the others catch up by themselves:
    core/ann.py)."""
    cache.delete(dispatch.DENSE_REFRESH_PENDING)  # vectors written from now on need a new run
    passage_index_refresh(rebuild=rebuild)
