"""Retrieval evaluation on BEIR-format data: indexes a corpus into a scratch index (rolled
back afterwards) and scores queries against graded relevance judgements."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from usearch.index import Index

from core.ann import index_search, new_index
from library.evidence.embedder import TextEmbedder, Vectors, get_embedder
from library.evidence.hybrid import Ranking, hybrid_search
from library.evidence.search import lexical_search, refresh_lexical_stats
from library.models import SourceDocument, SourcePassage
from library.services.indexing import passage_embedding_text
from library.services.sources import split_passages

BEIR_URL = "beir://corpus/"
MODES = ("lexical", "dense", "hybrid")
EMBEDDERS = ("minilm", "static")
Search = Callable[[str, int], list[tuple[int, float]]]


def read_jsonl(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with path.open(encoding="utf-8") as handle:
        next(handle, None)  # header: query-id, corpus-id, score
        for number, line in enumerate(handle, start=2):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                if line.strip():
                    raise ValueError(f"{path}:{number}: expected query-id<TAB>corpus-id<TAB>score")
                continue
            qrels[parts[0]][parts[1]] = int(parts[2])
    return qrels


@dataclass(frozen=True)
class RetrievalScores:
    ndcg_at_10: float
    recall_at_10: float
    recall_at_100: float
    mrr_at_10: float
    p50_ms: float
    p95_ms: float
    queries: int
    documents: int
    passages: int
    mode: str


def _ndcg_at_10(ranked: list[str], relevant: dict[str, int]) -> float:
    dcg = sum(
        (2 ** relevant.get(doc, 0) - 1) / math.log2(rank + 2)
        for rank, doc in enumerate(ranked[:10])
    )
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def _index_corpus(corpus: Path) -> tuple[int, int]:
    rows = {str(row["_id"]): row for row in reversed(list(read_jsonl(corpus)))}  # first wins
    documents = [
        SourceDocument(
            url=BEIR_URL + doc_id,
            title=str(row.get("title", ""))[:500],
            text=f"{row.get('title', '')}\n{row.get('text', '')}".strip(),
        )
        for doc_id, row in reversed(rows.items())
    ]
    SourceDocument.objects.bulk_create(documents, batch_size=1000)
    passages = [
        SourcePassage(document=doc, start=start, end=end, text=doc.text[start:end])
        for doc in documents
        for start, end in split_passages(doc.text)
    ]
    SourcePassage.objects.bulk_create(passages, batch_size=2000)
    return len(documents), len(passages)


@dataclass(frozen=True)
class ScratchVectors:
    """The scratch passages' vectors: an in-memory ANN index and the rows it holds."""

    index: Index
    passage_ids: list[int]
    texts: list[str]  # as embedded: title + passage
    vectors: Vectors


def text_embedder(name: str) -> TextEmbedder:
    """The transformer (`minilm`, the default) or the static model distilled from it."""
    if name not in EMBEDDERS:
        raise ValueError(f"embedder {name!r}: expected one of {', '.join(EMBEDDERS)}")
    if name == "static":
        from lab.static_embedder import get_static_embedder

        return get_static_embedder()
    return get_embedder()


def scratch_vectors(
    progress: Callable[[str, int, int], None], embedder: TextEmbedder | None = None
) -> ScratchVectors:
    """The scratch passages' vectors in an in-memory ANN index (the on-disk one is untouched).

    Embedding a corpus is the slow part (SciFact: 26,000 passages, minutes on two cores), so
    the vectors are kept under var/ keyed by the model and the exact texts, and a second run
    over the same corpus reuses them."""
    rows = list(
        SourcePassage.objects.filter(document__url__startswith=BEIR_URL)
        .order_by("id")
        .values_list("id", "text", "document__title")
    )
    embedder = embedder or get_embedder()
    texts = [passage_embedding_text(t, text) for _, text, t in rows]
    digest = hashlib.sha256("\x1e".join([embedder.version, *texts]).encode()).hexdigest()
    cache = Path(settings.VAR_DIR) / "evaluation" / f"vectors-{digest[:24]}.npy"
    if cache.is_file():
        vectors = np.load(cache)
    else:
        dimensions = embedder.embed([" "]).shape[1]  # the static model may have fewer
        vectors, step = np.zeros((len(texts), dimensions), dtype=np.float32), 256
        for offset in range(0, len(texts), step):
            vectors[offset : offset + step] = embedder.embed(texts[offset : offset + step])
            progress("passages embedded", min(offset + step, len(texts)), len(texts))
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
    index = new_index(vectors.shape[1])
    ids = [pid for pid, _, _ in rows]
    index.add(np.array(ids, dtype=np.uint64), vectors)
    return ScratchVectors(index=index, passage_ids=ids, texts=texts, vectors=vectors)


def scratch_hybrid(vectors: ScratchVectors) -> Callable[[str, Vectors, int], Ranking]:
    """Hybrid search over the scratch corpus for a query and its vector."""
    return lambda q, v, k: hybrid_search(
        q, limit=k, vector=v, dense=lambda w, n: index_search(vectors.index, w, limit=n)
    )


def _searcher(
    mode: str, progress: Callable[[str, int, int], None], embedder: TextEmbedder
) -> Search:
    if mode == "lexical":
        return lambda q, k: lexical_search(q, limit=k)
    vectors = scratch_vectors(progress, embedder)
    if mode == "dense":
        return lambda q, k: index_search(vectors.index, embedder.embed([q])[0], limit=k)
    hybrid = scratch_hybrid(vectors)
    return lambda q, k: hybrid(q, embedder.embed([q])[0], k)


@dataclass(frozen=True)
class ScratchCorpus:
    """A BEIR corpus indexed inside a transaction that is rolled back at the end: `search`
    per mode, and each scratch passage's document id."""

    documents: int
    passages: int
    doc_of_passage: dict[int, str]
    progress: Callable[[str, int, int], None]

    def searcher(self, mode: str, embedder: TextEmbedder | None = None) -> Search:
        return _searcher(mode, self.progress, embedder or get_embedder())


@contextmanager
def scratch_corpus(
    corpus: Path, *, progress: Callable[[str, int, int], None] = lambda stage, done, total: None
) -> Iterator[ScratchCorpus]:
    with transaction.atomic():
        n_docs, n_passages = _index_corpus(corpus)
        refresh_lexical_stats()
        doc_of_passage = {
            pid: url.removeprefix(BEIR_URL)
            for pid, url in SourcePassage.objects.filter(
                document__url__startswith=BEIR_URL
            ).values_list("id", "document__url")
        }
        yield ScratchCorpus(n_docs, n_passages, doc_of_passage, progress)
        transaction.set_rollback(True)


def documents_ranked(hits: list[tuple[int, float]], doc_of_passage: dict[int, str]) -> list[str]:
    """Documents ranked by their best passage."""
    ranked: dict[str, None] = {}
    for pid, _ in hits:
        doc = doc_of_passage.get(pid)
        if doc is not None:
            ranked.setdefault(doc)
    return list(ranked)


@dataclass(frozen=True)
class QueryScores:
    ndcg_at_10: float
    recall_at_10: float
    recall_at_100: float
    mrr_at_10: float

    @classmethod
    def of(cls, ranked: list[str], judged: dict[str, int]) -> QueryScores:
        relevant = {d: g for d, g in judged.items() if g > 0}
        first = next((rank for rank, d in enumerate(ranked[:10], start=1) if d in relevant), 0)
        return cls(
            ndcg_at_10=_ndcg_at_10(ranked, relevant),
            recall_at_10=len(set(ranked[:10]) & relevant.keys()) / len(relevant),
            recall_at_100=len(set(ranked[:100]) & relevant.keys()) / len(relevant),
            mrr_at_10=1 / first if first else 0.0,
        )

    @classmethod
    def mean(cls, scores: list[QueryScores]) -> QueryScores:
        """The mean of each score (zeros for no queries: a tiny slice's empty part)."""
        if not scores:
            return cls(0.0, 0.0, 0.0, 0.0)
        return cls(
            *(
                round(statistics.fmean(getattr(s, name) for s in scores), 4)
                for name in ("ndcg_at_10", "recall_at_10", "recall_at_100", "mrr_at_10")
            )
        )


def evaluate_retrieval(
    corpus: Path,
    queries: Path,
    qrels_path: Path,
    *,
    mode: str = "hybrid",
    query_ids: set[str] | None = None,
    embedder: str = "minilm",
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None,
) -> RetrievalScores:
    """Index `corpus` in a transaction that is rolled back, then run every judged query (or
    those of `query_ids`) through the `mode` retriever (one of MODES)."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: expected one of {', '.join(MODES)}")
    qrels = read_qrels(qrels_path)
    judged = [
        q
        for q in read_jsonl(queries)
        if str(q["_id"]) in qrels and (query_ids is None or str(q["_id"]) in query_ids)
    ]
    with scratch_corpus(corpus, progress=progress) as scratch:
        search = scratch.searcher(mode, text_embedder(embedder))
        per_query, latencies = [], []
        for done, query in enumerate(judged, start=1):
            started = time.perf_counter()
            hits = search(str(query["text"]), 1000)
            latencies.append((time.perf_counter() - started) * 1000)
            ranked = documents_ranked(hits, scratch.doc_of_passage)
            per_query.append(QueryScores.of(ranked, qrels[str(query["_id"])]))
            progress("queries", done, len(judged))
    mean = QueryScores.mean(per_query)
    return RetrievalScores(
        **dataclasses.asdict(mean),
        p50_ms=round(statistics.median(latencies), 2),
        p95_ms=round(p95(latencies), 2),
        queries=len(judged),
        documents=scratch.documents,
        passages=scratch.passages,
        mode=mode,
    )


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]
