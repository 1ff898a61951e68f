"""Approximate nearest-neighbour indexes on disk (usearch HNSW): each machine's own cache of
vectors whose source of truth is a database table.

One `AnnIndex` per kind of vector: library passages (library/evidence/dense.py), reviewed
claims (claims/services/matching.py), later e.g. claims embedded by a multilingual model. The
kind names the files in the index directory (`<kind>.usearch`, `<kind>.json`, `<kind>.lock`)
and the meta file records the model the vectors came from, so there is one index per
(kind, model): a new model means a rebuild, never a comparison across models.

- **Refresh.** `refresh()` brings the file in line with the rows: it adds the keys the file
  lacks and removes those gone, and rebuilds it when it is missing, unreadable, of an older
  format or of another model. One writer per machine at a time (flock); the new file
  replaces the old one atomically, so processes searching the old one (memory-mapped) carry on
  undisturbed and switch at their next search.
- **Right between refreshes.** The meta file holds the refresh's high-water mark: when it
  began reading rows. A search also asks the database for the keys written since then (less
  `FRESH_MARGIN_S`), a small range of an indexed timestamp column, and scores exactly those the
  file lacks. Keys gone since the refresh are the caller's to drop: it joins hits with the
  database anyway.
- **Every machine catches up on its own.** The refresh task runs on one worker of one machine,
  so a process whose search finds rows its machine's file lacks refreshes that file itself, in
  a background thread, at most every `catch_up_s`; and refreshes it anyway once it is
  `max_age_s` old (rows written without a timestamp, removals). A process with no usable file
  builds it before it answers, and workers build theirs at start-up (config/celery_app.py).

usearch over hnswlib: at 100,000 vectors both reach recall@10 0.995, hnswlib builds 1.3x
faster, but usearch keeps vectors as float16 (half the memory at a million vectors) and can
memory-map a saved index, so all processes of a machine share one copy.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

# onnxruntime (the embedder) must be loaded before usearch: in the other order importing
# onnxruntime crashes the process (onnxruntime 1.32 with usearch 2.26).
import onnxruntime  # noqa: F401
from django.db import connections
from django.db.models import QuerySet
from usearch.index import Index

logger = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
Keys = npt.NDArray[np.uint64]
Hits = list[tuple[int, float]]  # (key, cosine), best first

# The meta file's layout; a file of another format is rebuilt (format 1 had no high-water mark).
FORMAT = 2
# A row written this long before a refresh began may still have been invisible to it: its
# transaction not committed yet, or its writer's clock behind the refreshing machine's.
# Writers commit within seconds of stamping a row; two minutes also covers clock drift.
FRESH_MARGIN_S = 120.0
# Keys a search checks for freshness at most; finding more means the file is far behind.
FRESH_LIMIT = 1000
# Above this share of missing vectors a refresh streams the whole table instead of fetching
# the missing keys in chunks.
_STREAM_SHARE = 0.5
_FETCH_CHUNK = 2000
_BATCH = 10_000
# Up to this many vectors a search compares every one (usearch's exact scan of the mapped
# file, about 1 ms per 20,000 vectors on one core): perfect recall, and answers that do not
# depend on how the graph happened to be built. Above it the HNSW graph answers.
EXACT_UP_TO = 20_000


class AnnIndexUnavailableError(RuntimeError):
    """No usable index file could be built (e.g. the directory is not writable)."""


@dataclass(frozen=True)
class AnnSettings:
    directory: Path  # the machine's index files (never shared between machines)
    catch_up_s: float  # a process refreshes a file it finds behind at most this often
    max_age_s: float  # ... and any file older than this


@dataclass(frozen=True)
class HnswParams:
    """The graph's shape: neighbours per node (more: better recall, slower builds, a bigger
    file) and candidate list sizes while adding and while searching. The first two are built
    into the file, so changing them rebuilds it; the search one applies at once."""

    connectivity: int = 16
    expansion_add: int = 100
    expansion_search: int = 128


@dataclass(frozen=True)
class RefreshResult:
    added: int
    removed: int
    size: int
    rebuilt: bool


@dataclass(frozen=True)
class _Meta:
    model: str
    size: int
    high_water: float  # time.time() when the refresh that wrote the file began reading rows
    connectivity: int
    expansion_add: int

    @staticmethod
    def read(path: Path) -> dict[str, Any]:
        try:
            raw = json.loads(path.read_text())
        except (OSError, ValueError):
            return {}
        return raw if isinstance(raw, dict) else {}

    def write(self, path: Path) -> None:
        tmp = path.with_name(f"{path.name}.tmp")
        tmp.write_text(
            json.dumps(
                {
                    "format": FORMAT,
                    "model": self.model,
                    "size": self.size,
                    "high_water": self.high_water,
                    "connectivity": self.connectivity,
                    "expansion_add": self.expansion_add,
                }
            )
        )
        os.replace(tmp, path)


@dataclass(frozen=True)
class _Paths:
    index: Path
    meta: Path
    lock: Path


_Stamp = tuple[str, int, int, int]  # path, inode, mtime, size: changes whenever a file is replaced


def _stamp(path: Path) -> _Stamp | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


@dataclass(frozen=True)
class _View:
    """What a process searches: the memory-mapped file and the meta it was loaded with."""

    index: Index
    meta: _Meta
    index_stamp: _Stamp


def new_index(dimensions: int, hnsw: HnswParams = HnswParams()) -> Index:
    return Index(
        ndim=dimensions,
        metric="ip",  # vectors are unit length: inner product is cosine similarity
        dtype="f16",
        connectivity=hnsw.connectivity,
        expansion_add=hnsw.expansion_add,
        expansion_search=hnsw.expansion_search,
    )


def index_search(index: Index, vector: Vectors, *, limit: int, exact: bool = False) -> Hits:
    """(key, cosine) pairs, best first; `exact` compares every vector instead of walking the
    graph."""
    if len(index) == 0 or limit <= 0:
        return []
    matches = index.search(vector, min(limit, len(index)), exact=exact)
    return [
        (int(key), round(1.0 - float(distance), 4))
        for key, distance in zip(matches.keys, matches.distances, strict=True)
    ]


_Row = tuple[int, bytes | memoryview]  # (key, float32 little-endian bytes)


def _batched(rows: Iterator[_Row], size: int = _BATCH) -> Iterator[list[_Row]]:
    batch: list[_Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_registry: dict[str, AnnIndex] = {}


def ann_indexes() -> list[AnnIndex]:
    """Every index the installed apps declared (each app's module declares its own)."""
    return list(_registry.values())


class AnnIndex:
    """One kind of vector: its rows in the database, its files on this machine, and this
    process's read-only view of them.

    `rows()` gives the current model's vectors only (a queryset); `key`, `vector` and
    `changed_at` name its columns: an integer key, float32 little-endian bytes of unit length,
    and when the row was last written (indexed; the freshness check reads a recent range).
    """

    def __init__(
        self,
        kind: str,
        *,
        dimensions: int,
        model: Callable[[], str],
        rows: Callable[[], QuerySet[Any]],
        key: str,
        vector: str,
        changed_at: str,
        settings: Callable[[], AnnSettings],
        hnsw: HnswParams = HnswParams(),
        exact_up_to: int = EXACT_UP_TO,
    ) -> None:
        if kind in _registry:
            raise ValueError(f"An ANN index of kind {kind!r} is already declared.")
        self.kind = kind
        self.dimensions = dimensions
        self._model = model
        self._rows = rows
        self._key, self._vector, self._changed_at = key, vector, changed_at
        self._settings = settings
        self.hnsw = hnsw
        self.exact_up_to = exact_up_to
        self._view_lock = threading.Lock()
        self._view: _View | None = None
        self._view_stamps: tuple[_Stamp | None, _Stamp | None] | None = None
        self._catching_up = threading.Lock()
        _registry[kind] = self

    # --- Files ---------------------------------------------------------------------------------

    def _paths(self) -> _Paths:
        directory = self._settings().directory
        return _Paths(
            index=directory / f"{self.kind}.usearch",
            meta=directory / f"{self.kind}.json",
            lock=directory / f"{self.kind}.lock",
        )

    @contextmanager
    def _writer_lock(self) -> Iterator[_Paths]:
        """One writer per machine at a time: every process of a machine may be asked to
        refresh, and the task, a catch-up and a start-up build may coincide."""
        paths = self._paths()
        paths.lock.parent.mkdir(parents=True, exist_ok=True)
        with paths.lock.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield paths
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _valid_meta(self, path: Path) -> _Meta | None:
        """The meta file when its index may be used with the current model, else None
        (logged once per file by the view, which is where a refusal matters)."""
        raw = _Meta.read(path)
        if (
            raw.get("format") != FORMAT
            or raw.get("model") != self._model()
            or raw.get("connectivity") != self.hnsw.connectivity
            or raw.get("expansion_add") != self.hnsw.expansion_add
        ):
            return None
        try:
            return self._meta(size=int(raw["size"]), high_water=float(raw["high_water"]))
        except (KeyError, TypeError, ValueError):
            return None

    def _meta(self, *, size: int, high_water: float) -> _Meta:
        return _Meta(
            model=self._model(),
            size=size,
            high_water=high_water,
            connectivity=self.hnsw.connectivity,
            expansion_add=self.hnsw.expansion_add,
        )

    def _restore(self, path: Path, *, view: bool) -> Index | None:
        """The saved file (None when it is not an index). usearch does not keep the expansion
        settings in the file: a restored index would add and search with its defaults."""
        index = Index.restore(str(path), view=view)
        if index is not None:
            # usearch declares the setters apart from the properties, which mypy misses.
            index.expansion_add = self.hnsw.expansion_add  # type: ignore[misc]
            index.expansion_search = self.hnsw.expansion_search  # type: ignore[misc]
        return index

    # --- Writing (one process per machine at a time) -----------------------------------------

    def refresh(self, *, rebuild: bool = False) -> RefreshResult:
        """Bring this machine's file in line with the database's rows of the current model."""
        with self._writer_lock() as paths:
            return self._refresh_locked(paths, rebuild=rebuild)

    def _refresh_locked(self, paths: _Paths, *, rebuild: bool) -> RefreshResult:
        # The high-water mark is taken before the rows are read: anything written later is
        # the freshness check's until the next refresh.
        started = time.time()
        current = None if rebuild else self._open_current(paths)
        rows = self._rows()
        in_db = np.unique(
            np.fromiter(
                rows.order_by().values_list(self._key, flat=True).iterator(chunk_size=50_000),
                dtype=np.uint64,
            )
        )
        in_index = np.asarray(current.keys, dtype=np.uint64) if current is not None else in_db[:0]
        missing = np.setdiff1d(in_db, in_index, assume_unique=True)
        gone = np.setdiff1d(in_index, in_db, assume_unique=True)
        if current is not None and not len(missing) and not len(gone):
            # Nothing to re-save: only the high-water mark moves (the file stays mapped).
            self._meta(size=len(current), high_water=started).write(paths.meta)
            return RefreshResult(added=0, removed=0, size=len(current), rebuilt=False)
        index = self._restore(paths.index, view=False) if current is not None else None
        rebuilt = index is None
        if index is None:
            index = new_index(self.dimensions, self.hnsw)
            missing, gone = in_db, in_db[:0]
        if len(gone):
            index.remove(gone)
        for keys, vectors in self._vectors(
            rows, missing, stream=len(missing) > _STREAM_SHARE * len(in_db)
        ):
            index.add(keys, vectors)
        tmp = paths.index.with_name(f"{paths.index.name}.tmp")
        index.save(str(tmp))
        os.replace(tmp, paths.index)  # the index first: a meta file never runs ahead of it
        self._meta(size=len(index), high_water=started).write(paths.meta)
        logger.info(
            "ann index %s %s: %d added, %d removed, %d in all",
            self.kind,
            "rebuilt" if rebuilt else "refreshed",
            len(missing),
            len(gone),
            len(index),
        )
        return RefreshResult(
            added=len(missing), removed=len(gone), size=len(index), rebuilt=rebuilt
        )

    def _open_current(self, paths: _Paths) -> Index | None:
        """The file as it is, mapped (enough to read its keys), when it may be kept."""
        if self._valid_meta(paths.meta) is None:
            return None
        try:
            return self._restore(paths.index, view=True)
        except (OSError, RuntimeError, ValueError) as exc:
            logger.warning("ann index %s unreadable, rebuilding: %s", paths.index, exc)
            return None

    def _vectors(
        self, rows: QuerySet[Any], wanted: Keys, *, stream: bool
    ) -> Iterator[tuple[Keys, Vectors]]:
        """Batches of (keys, vectors) for the wanted keys: streamed from the whole table when
        most are wanted (a rebuild), else fetched by key. Memory stays at one batch."""
        if not len(wanted):
            return
        pairs = rows.values_list(self._key, self._vector)
        batches: Iterator[list[_Row]]
        if stream:
            batches = _batched(pairs.order_by(self._key).iterator(_BATCH))
        else:
            batches = (
                list(pairs.order_by().filter(**{f"{self._key}__in": chunk.tolist()}))
                for chunk in np.array_split(wanted, max(1, len(wanted) // _FETCH_CHUNK))
            )
        for batch in batches:
            keys = np.fromiter((key for key, _ in batch), dtype=np.uint64, count=len(batch))
            vectors = np.frombuffer(b"".join(bytes(v) for _, v in batch), dtype="<f4")
            keep = np.isin(keys, wanted, assume_unique=True)
            yield keys[keep], vectors.reshape(len(batch), self.dimensions)[keep]

    # --- Reading (every process) -----------------------------------------------------------

    def _current_view(self) -> _View | None:
        """The process's view of the files, reloaded when a refresh replaced them; None when
        there is no usable file."""
        paths = self._paths()
        stamps = (_stamp(paths.meta), _stamp(paths.index))
        with self._view_lock:
            if stamps != self._view_stamps:
                self._view = self._load_view(paths, stamps[1])
                self._view_stamps = stamps
            return self._view

    def _load_view(self, paths: _Paths, index_stamp: _Stamp | None) -> _View | None:
        if index_stamp is None:
            return None
        meta = self._valid_meta(paths.meta)
        if meta is None:
            raw = _Meta.read(paths.meta)
            logger.warning(
                "ann index %s was built with %s (format %s, connectivity %s), not %s "
                "(format %s, connectivity %s): rebuilding",
                paths.index,
                raw.get("model"),
                raw.get("format"),
                raw.get("connectivity"),
                self._model(),
                FORMAT,
                self.hnsw.connectivity,
            )
            return None
        previous = self._view
        if previous is not None and previous.index_stamp == index_stamp:
            return _View(index=previous.index, meta=meta, index_stamp=index_stamp)
        try:
            index = self._restore(paths.index, view=True)
        except (OSError, RuntimeError, ValueError) as exc:
            logger.warning("ann index %s unreadable, rebuilding: %s", paths.index, exc)
            return None
        if index is None:
            logger.warning("ann index %s unreadable, rebuilding", paths.index)
            return None
        return _View(index=index, meta=meta, index_stamp=index_stamp)

    def _usable_view(self) -> _View:
        """The view, built first when this machine has no usable file: a process never
        answers from nothing (a fresh worker with an empty index directory waits for it)."""
        view = self._current_view()
        if view is not None:
            return view
        with self._writer_lock() as paths:
            view = self._current_view()  # another process of this machine may have built it
            if view is None:
                self._refresh_locked(paths, rebuild=True)
                view = self._current_view()
        if view is None:
            raise AnnIndexUnavailableError(f"No usable ANN index {self.kind} in {paths.index}")
        return view

    def loaded(self) -> Index:
        """The graph this process searches (built first if need be): for benchmarks and
        diagnostics that measure it apart from the database."""
        return self._usable_view().index

    def search(self, vector: Vectors, *, limit: int) -> Hits:
        """The `limit` nearest keys with their cosines, best first: the file's, and those
        written since its refresh (scored exactly). May name keys gone since the refresh."""
        hits, missing = self._lookup(vector, limit=limit)
        found = dict(hits)
        found.update(self._exact(missing, vector))
        return sorted(found.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]

    def candidate_keys(self, vector: Vectors, *, limit: int) -> list[int]:
        """For a caller that reads the rows anyway and scores them itself: the file's `limit`
        nearest keys, then those written since its refresh that it lacks (unranked). One query
        fewer than `search`. May name keys gone since the refresh."""
        hits, missing = self._lookup(vector, limit=limit)
        return [key for key, _ in hits] + [int(key) for key in missing]

    def _lookup(self, vector: Vectors, *, limit: int) -> tuple[Hits, Keys]:
        """The file's nearest hits and the fresh keys it lacks; noticing the file behind."""
        view = self._usable_view()
        hits = index_search(
            view.index, vector, limit=limit, exact=len(view.index) <= self.exact_up_to
        )
        missing, overflow = self._fresh_missing(view)
        self._maybe_catch_up(view, behind=overflow or bool(len(missing)))
        return hits, missing

    def _fresh_missing(self, view: _View) -> tuple[Keys, bool]:
        """Keys written since the file's high-water mark that it lacks (newest first, at most
        FRESH_LIMIT), and whether there were more recent keys than that."""
        since = datetime.fromtimestamp(view.meta.high_water - FRESH_MARGIN_S, tz=UTC)
        recent = np.fromiter(
            self._rows()
            .filter(**{f"{self._changed_at}__gte": since})
            .order_by(f"-{self._changed_at}")
            .values_list(self._key, flat=True)[: FRESH_LIMIT + 1],
            dtype=np.uint64,
        )
        overflow = len(recent) > FRESH_LIMIT
        recent = recent[:FRESH_LIMIT]
        if not len(recent) or not len(view.index):
            return recent, overflow
        present = np.asarray(view.index.contains(recent), dtype=bool).reshape(-1)
        return recent[~present], overflow

    def _exact(self, keys: Keys, vector: Vectors) -> Hits:
        if not len(keys):
            return []
        rows = (
            self._rows()
            .order_by()
            .filter(**{f"{self._key}__in": keys.tolist()})
            .values_list(self._key, self._vector)
        )
        return [
            (int(key), round(float(np.frombuffer(bytes(blob), dtype="<f4") @ vector), 4))
            for key, blob in rows
        ]

    def _maybe_catch_up(self, view: _View, *, behind: bool) -> None:
        """Refresh this machine's file in the background when it is behind the database (no
        refresh task may ever run here) or old; the search that noticed does not wait."""
        settings = self._settings()
        age = time.time() - view.meta.high_water
        if not ((behind and age >= settings.catch_up_s) or age >= settings.max_age_s):
            return
        if not self._catching_up.acquire(blocking=False):
            return  # this process is on it already
        threading.Thread(
            target=self._catch_up,
            args=(view.meta.high_water,),
            name=f"ann-catch-up-{self.kind}",
            daemon=True,
        ).start()

    def _catch_up(self, seen_high_water: float) -> None:
        try:
            with self._writer_lock() as paths:
                meta = self._valid_meta(paths.meta)
                if meta is not None and meta.high_water > seen_high_water:
                    return  # another process of this machine refreshed it meanwhile
                self._refresh_locked(paths, rebuild=False)
        except Exception:  # a background thread: nobody else would see it
            logger.exception("ann index %s: catch-up refresh failed", self.kind)
        finally:
            connections.close_all()  # this thread's own connections
            self._catching_up.release()


def ann_indexes_prepare() -> None:
    """Build or catch up every index of this machine: a worker calls it before it takes tasks.
    A failure is logged, not fatal: the first search tries again."""
    for index in ann_indexes():
        try:
            result = index.refresh()
        except Exception:  # the worker still starts: searches build the index themselves
            logger.exception("ann index %s could not be prepared", index.kind)
            continue
        logger.info("ann index %s ready: %d vectors", index.kind, result.size)
