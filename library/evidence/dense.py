"""Dense (vector) search over library passages: an HNSW index (usearch) on disk under var/.

The database is the source of truth (`PassageEmbedding` rows); the index is a cache of it
that `passage_index_refresh` brings up to date incrementally (vectors the index lacks are
added, vectors whose passage is gone are removed) and rebuilds from scratch when it is
missing, unreadable or made with another model. Searching processes map the file read-only
and reload it when the refresh replaces it, so the index is never written by more than one
process and never the only copy of anything.

usearch over hnswlib: at 100,000 vectors both reach recall@10 0.995, hnswlib builds 1.3x
faster, but usearch keeps vectors as float16 (half the memory at a million passages) and
can memory-map a saved index, so web and worker processes share one copy.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

# onnxruntime (the embedder) must be loaded before usearch: in the other order importing
# onnxruntime crashes the process (onnxruntime 1.32 with usearch 2.26).
import onnxruntime  # noqa: F401
from django.db.models import QuerySet
from usearch.index import Index

from library.conf import conf
from library.evidence.embedder import DIMENSIONS, EmbedderUnavailableError, Vectors, model_version
from library.models import PassageEmbedding

logger = logging.getLogger(__name__)

INDEX_NAME = "passages"
# HNSW parameters: neighbours per node, and candidate list sizes while adding and searching.
_CONNECTIVITY, _EXPANSION_ADD, _EXPANSION_SEARCH = 16, 100, 128
# Above this share of missing vectors a refresh streams the whole table instead of fetching
# the missing ids in chunks.
_STREAM_SHARE = 0.5
_FETCH_CHUNK = 2000


def new_index() -> Index:
    return Index(
        ndim=DIMENSIONS,
        metric="ip",  # vectors are unit length: inner product is cosine similarity
        dtype="f16",
        connectivity=_CONNECTIVITY,
        expansion_add=_EXPANSION_ADD,
        expansion_search=_EXPANSION_SEARCH,
    )


def index_search(index: Index, vector: Vectors, *, limit: int) -> list[tuple[int, float]]:
    """(key, cosine) pairs, best first."""
    if len(index) == 0 or limit <= 0:
        return []
    matches = index.search(vector, min(limit, len(index)))
    return [
        (int(key), round(1.0 - float(distance), 4))
        for key, distance in zip(matches.keys, matches.distances, strict=True)
    ]


def _paths() -> tuple[Path, Path]:
    directory = Path(conf().dense_index_dir)
    return directory / f"{INDEX_NAME}.usearch", directory / f"{INDEX_NAME}.json"


@contextmanager
def _writer_lock() -> Iterator[None]:
    """One refresh at a time across processes (two workers may both be asked to refresh)."""
    index_path, _ = _paths()
    index_path.parent.mkdir(parents=True, exist_ok=True)
    with (index_path.parent / f"{INDEX_NAME}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_meta(meta_path: Path) -> dict[str, object]:
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


@dataclass(frozen=True)
class RefreshResult:
    added: int
    removed: int
    size: int
    rebuilt: bool


def passage_index_refresh(*, rebuild: bool = False) -> RefreshResult:
    """Bring the on-disk index in line with the database's vectors of the current model."""
    model = model_version()
    index_path, meta_path = _paths()
    with _writer_lock():
        index = None
        if not rebuild and _read_meta(meta_path).get("model") == model:
            try:
                index = Index.restore(str(index_path))
            except (OSError, RuntimeError, ValueError) as exc:
                logger.warning("dense index %s unreadable, rebuilding: %s", index_path, exc)
        rebuilt = index is None
        if index is None:
            index = new_index()
        rows = PassageEmbedding.objects.filter(model=model)
        in_db = np.fromiter(
            rows.values_list("passage_id", flat=True).iterator(chunk_size=50_000), dtype=np.uint64
        )
        in_index = np.asarray(index.keys, dtype=np.uint64) if len(index) else in_db[:0]
        missing = np.setdiff1d(in_db, in_index, assume_unique=True)
        gone = np.setdiff1d(in_index, in_db, assume_unique=True)
        if len(gone):
            index.remove(gone)
        for keys, vectors in _vectors(
            rows, missing, stream=len(missing) > _STREAM_SHARE * len(in_db)
        ):
            index.add(keys, vectors)
        if len(missing) or len(gone) or rebuilt:
            tmp = index_path.with_suffix(".tmp")
            index.save(str(tmp))
            os.replace(tmp, index_path)
            meta_tmp = meta_path.with_suffix(".tmp")
            meta_tmp.write_text(json.dumps({"model": model, "size": len(index)}))
            os.replace(meta_tmp, meta_path)
        return RefreshResult(
            added=len(missing), removed=len(gone), size=len(index), rebuilt=rebuilt
        )


_Row = tuple[int, bytes | memoryview]  # (passage id, float32 bytes)


def _vectors(
    rows: QuerySet[PassageEmbedding], wanted: npt.NDArray[np.uint64], *, stream: bool
) -> Iterator[tuple[npt.NDArray[np.uint64], Vectors]]:
    """Batches of (keys, vectors) for the wanted passage ids: streamed from the whole table
    when most are wanted (a rebuild), else fetched by id. Memory stays at one batch."""
    if not len(wanted):
        return
    batches: Iterator[list[_Row]]
    if stream:
        batches = _batched(
            rows.order_by("passage_id").values_list("passage_id", "vector").iterator(10_000)
        )
    else:
        batches = (
            list(rows.filter(passage_id__in=chunk.tolist()).values_list("passage_id", "vector"))
            for chunk in np.array_split(wanted, max(1, len(wanted) // _FETCH_CHUNK))
        )
    for batch in batches:
        keys = np.fromiter((pid for pid, _ in batch), dtype=np.uint64, count=len(batch))
        vectors = np.frombuffer(b"".join(bytes(v) for _, v in batch), dtype="<f4")
        keep = np.isin(keys, wanted, assume_unique=True)
        yield keys[keep], vectors.reshape(len(batch), DIMENSIONS)[keep]


def _batched(rows: Iterator[_Row], size: int = 10_000) -> Iterator[list[_Row]]:
    batch: list[_Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _LoadedIndex:
    """The process's read-only view of the index file, reloaded when a refresh replaces it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self._index: Index | None = None

    def get(self) -> Index | None:
        index_path, meta_path = _paths()
        try:
            stat = meta_path.stat()
        except FileNotFoundError:
            return None
        stamp = (stat.st_mtime, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._index = self._load(index_path, meta_path)
                self._stamp = stamp
            return self._index

    @staticmethod
    def _load(index_path: Path, meta_path: Path) -> Index | None:
        try:
            current = model_version()
        except EmbedderUnavailableError:
            return None
        built_with = _read_meta(meta_path).get("model")
        if built_with != current:
            logger.warning(
                "dense index %s was built with %s, not %s: ignored until refreshed",
                index_path,
                built_with,
                current,
            )
            return None
        try:
            return Index.restore(str(index_path), view=True)
        except (OSError, RuntimeError, ValueError) as exc:
            logger.warning(
                "dense index %s unreadable, ignored until refreshed: %s", index_path, exc
            )
            return None


_loaded = _LoadedIndex()


def dense_search(vector: Vectors, *, limit: int) -> list[tuple[int, float]] | None:
    """(passage id, cosine) pairs, best first; None when there is no usable index (missing,
    or built with another model), so callers fall back to lexical search. Hits may name
    passages deleted since the last refresh: callers join them with the database."""
    index = _loaded.get()
    if index is None:
        return None
    return index_search(index, vector, limit=limit)
