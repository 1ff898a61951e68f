"""Retrieval at scale on PostgreSQL: indexing throughput and query latency.

    python -m benchmarks.retrieval [--passages N] [--queries Q] [--embed-sample M]
        [--embed-all] [--scifact-docs D] [--json]

Builds a scratch database (`claimdesk_bench_retrieval`, or --database-name, on the server of
DATABASE_URL) holding
N synthetic passages: two to four sentences drawn at random from the SciFact abstracts in
../shared/data, so the vocabulary and term frequencies are real text's. Indexing goes through
the product's own code: passages are bulk-inserted (PostgreSQL fills the full-text column and
GIN index), the first M are embedded by the real model through the indexing service, the rest
get synthetic vectors (a real vector plus noise, renormalised), because embedding a million
passages on two cores takes hours; the output says so and reports the model's own
throughput next to the rest. Then the lexeme statistics and the ANN index are built. The
embedding and index-building steps run in a child process, as a worker would, and its peak
RSS is reported; the loader's own (which holds the synthetic data) is reported beside it.

With --embed-all every passage is embedded by the model through the indexing service (no
synthetic vectors), and the indexing throughput includes the embedding. --scifact-docs D also
indexes the first D real SciFact abstracts (split as the library splits them) among the
synthetic passages, and scores the SciFact training claims whose cited abstracts are all
among them by hybrid search over the whole index: nDCG@10 against the big index, to compare
with `manage.py evaluate_retrieval` over the corpus alone.

Queries are SciFact training claims, timed one by one: lexical, dense (embedding the claim
included), hybrid (both, fused), and a plain SELECT of one passage by primary key as the
baseline, all in the same run against the same database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from benchmarks.support import ROOT

BENCH_DB = "claimdesk_bench_retrieval"
# The figures of the `--json` line, in the README's table ("Benchmarks"); a test checks that a
# small run reports exactly these.
JSON_KEYS = (
    "passages",
    "passages_embedded_by_model",
    "synthetic_vectors",
    "scifact_documents",
    "ann_index_size",
    "index_passages_per_s",
    "insert_passages_per_s",
    "embed_passages_per_s",
    "ann_build_s",
    "lexical_stats_s",
    "index_s",
    "peak_rss_mb",
    "loader_peak_rss_mb",
    "queries",
    "lexical_p50_ms",
    "lexical_p95_ms",
    "dense_p50_ms",
    "dense_p95_ms",
    "hybrid_p50_ms",
    "hybrid_p95_ms",
    "pk_select_p50_ms",
    "pk_select_p95_ms",
    "hybrid_p95_over_pk_select_p95",
    "ndcg_queries",
    "ndcg_at_10",
)
PASSAGES_PER_DOCUMENT = 20
INSERT_BATCH = 5000


def _sentences(corpus: Path) -> list[str]:
    from core.segment import split_sentences

    out: list[str] = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            out.extend(text[s.start : s.end] for s in split_sentences(text))
    return [s for s in out if 20 <= len(s) <= 300]


def _passages(sentences: list[str], n: int, rng: random.Random) -> Iterator[str]:
    for _ in range(n):
        yield " ".join(rng.sample(sentences, rng.randint(2, 4)))[:1000]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=20)
    return round(statistics.median(samples), 2), round(cuts[18], 2)


def _time_ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _worker(step: str, sample: int) -> int:
    """One indexing step in its own process, as a Celery worker runs it (its peak RSS is the
    "indexing worker" figure): `embed` the first `sample` passages through the indexing
    service, or `index`: lexeme statistics and the ANN index from the database."""
    import django

    django.setup()
    from library.evidence.dense import passage_index_refresh
    from library.evidence.search import refresh_lexical_stats
    from library.models import SourcePassage
    from library.services.indexing import passages_embed

    started = time.perf_counter()
    if step == "embed":
        ids = list(SourcePassage.objects.order_by("id").values_list("id", flat=True)[:sample])
        passages_embed(passage_ids=ids)
        print(json.dumps({"embed_s": time.perf_counter() - started}))
        return 0
    refresh_lexical_stats()
    stats_s = time.perf_counter() - started
    started = time.perf_counter()
    size = passage_index_refresh().size
    print(json.dumps({"stats_s": stats_s, "ann_s": time.perf_counter() - started, "size": size}))
    return 0


def _run_worker(step: str, sample: int) -> dict[str, float]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.retrieval",
            "--worker",
            step,
            "--embed-sample",
            str(sample),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"indexing worker ({step}) failed:\n{result.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def _insert_scifact(corpus: Path, limit: int) -> int:
    """The first `limit` SciFact abstracts, as `evaluate_retrieval` indexes them."""
    if limit <= 0:
        return 0
    from lab.retrieval import BEIR_URL, read_jsonl
    from library.models import SourceDocument, SourcePassage
    from library.services.sources import split_passages

    rows = []
    for row in read_jsonl(corpus):
        rows.append(row)
        if len(rows) == limit:
            break
    documents = SourceDocument.objects.bulk_create(
        SourceDocument(
            url=BEIR_URL + str(row["_id"]),
            title=str(row.get("title", ""))[:500],
            text=f"{row.get('title', '')}\n{row.get('text', '')}".strip(),
        )
        for row in rows
    )
    SourcePassage.objects.bulk_create(
        (
            SourcePassage(document=doc, start=start, end=end, text=doc.text[start:end])
            for doc in documents
            for start, end in split_passages(doc.text)
        ),
        batch_size=INSERT_BATCH,
    )
    return len(documents)


def _scifact_ndcg(scifact: Path, documents: int) -> tuple[int, float]:
    """Hybrid nDCG@10 of the judged training claims whose cited abstracts are all indexed,
    documents ranked by their best passage (as `evaluate_retrieval` ranks them)."""
    from lab.retrieval import BEIR_URL, _ndcg_at_10, read_jsonl, read_qrels
    from library.evidence.hybrid import hybrid_search
    from library.models import SourcePassage

    doc_of_passage = {
        pid: url.removeprefix(BEIR_URL)
        for pid, url in SourcePassage.objects.filter(
            document__url__startswith=BEIR_URL
        ).values_list("id", "document__url")
    }
    indexed = set(doc_of_passage.values())
    qrels = read_qrels(scifact / "qrels_train.tsv")
    scores = []
    for query in read_jsonl(scifact / "queries_train.jsonl"):
        relevant = {d: g for d, g in qrels.get(str(query["_id"]), {}).items() if g > 0}
        if not relevant or not relevant.keys() <= indexed:
            continue
        ranked: list[str] = []
        for pid, _ in hybrid_search(str(query["text"]), limit=100):
            doc = doc_of_passage.get(pid)
            if doc is not None and doc not in ranked:
                ranked.append(doc)
        scores.append(_ndcg_at_10(ranked, relevant))
    return len(scores), round(statistics.fmean(scores), 4) if scores else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--embed-sample", type=int, default=2000, help="Passages embedded by the real model."
    )
    parser.add_argument(
        "--embed-all",
        action="store_true",
        help="Embed every passage with the model (no synthetic vectors; slow: hours at 1M).",
    )
    parser.add_argument(
        "--scifact-docs",
        type=int,
        default=0,
        help="Also index the first D SciFact abstracts and report hybrid nDCG@10 over the index.",
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--database-name", default=BENCH_DB, help="Scratch database (recreated).")
    parser.add_argument("--json", action="store_true", help="End with a JSON line of figures.")
    parser.add_argument("--worker", choices=("embed", "index"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return _worker(args.worker, args.embed_sample)

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("Set DATABASE_URL=postgres://... (make bench does).")
        return 2
    scifact = args.data / "retrieval" / "scifact"
    if not (scifact / "corpus.jsonl").is_file():
        print(f"SciFact not found under {args.data}: the synthetic text is drawn from it.")
        return 2

    from benchmarks.support import use_scratch_database

    index_dir = use_scratch_database(database_url, args.database_name)

    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection

    from library.evidence.dense import dense_search
    from library.evidence.embedder import get_embedder, model_version, to_bytes
    from library.evidence.hybrid import embed_query, hybrid_search
    from library.evidence.search import lexical_search
    from library.models import PassageEmbedding, SourceDocument, SourcePassage

    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    sentences = _sentences(scifact / "corpus.jsonl")
    model = model_version()
    embedder = get_embedder()

    # 1. Passages into the database (full-text column and GIN index filled by PostgreSQL).
    started = time.perf_counter()
    texts = _passages(sentences, args.passages, rng)
    inserted = 0
    while inserted < args.passages:
        batch = [next(texts) for _ in range(min(INSERT_BATCH, args.passages - inserted))]
        groups = [
            batch[i : i + PASSAGES_PER_DOCUMENT]
            for i in range(0, len(batch), PASSAGES_PER_DOCUMENT)
        ]
        documents = SourceDocument.objects.bulk_create(
            SourceDocument(
                url=f"https://bench.example/doc/{inserted + number}",
                title=f"Synthetic document {inserted + number}",
                text=" ".join(group),
            )
            for number, group in enumerate(groups)
        )
        passages = []
        for document, group in zip(documents, groups, strict=True):
            start = 0
            for text in group:
                passages.append(
                    SourcePassage(document=document, start=start, end=start + len(text), text=text)
                )
                start += len(text) + 1
        SourcePassage.objects.bulk_create(passages)
        inserted += len(batch)

    # 1b. Real SciFact abstracts among them, for nDCG@10 over the big index.
    scifact_docs = _insert_scifact(scifact / "corpus.jsonl", args.scifact_docs)
    insert_s = time.perf_counter() - started

    # 2. Vectors: the first M (or all) through the real indexing service (in a worker
    # process), the rest synthetic, written here.
    ids = list(SourcePassage.objects.order_by("id").values_list("id", flat=True))
    embed_s = _run_worker("embed", len(ids) if args.embed_all else args.embed_sample)["embed_s"]
    real = np.stack(
        [
            np.frombuffer(bytes(v), dtype="<f4")
            for v in PassageEmbedding.objects.values_list("vector", flat=True)
        ]
    )
    np_rng = np.random.default_rng(5)
    started = time.perf_counter()
    for offset in range(len(real), len(ids), INSERT_BATCH):
        chunk = ids[offset : offset + INSERT_BATCH]
        vectors = real[np_rng.integers(0, len(real), len(chunk))] + np_rng.normal(
            0, 0.04, (len(chunk), real.shape[1])
        ).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        PassageEmbedding.objects.bulk_create(
            PassageEmbedding(passage_id=pid, model=model, vector=to_bytes(v))
            for pid, v in zip(chunk, vectors, strict=True)
        )
    store_vectors_s = time.perf_counter() - started

    # 3. Lexeme statistics and the ANN index, from the database, in a worker process.
    built = _run_worker("index", 0)
    stats_s, ann_s = built["stats_s"], built["ann_s"]
    # Model embedding counts towards indexing only when every vector is the model's.
    index_s = insert_s + store_vectors_s + stats_s + ann_s + (embed_s if args.embed_all else 0)
    worker_rss = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    # What autovacuum does after a bulk load, done now so the planner has statistics.
    with connection.cursor() as cursor:
        for table in ("claims_sourcepassage", "claims_passageembedding", "claims_lexeme_stats"):
            cursor.execute(f"VACUUM ANALYZE {table}")

    # 4. Queries, one at a time, after a warm-up.
    with (scifact / "queries_train.jsonl").open(encoding="utf-8") as handle:
        claims = [json.loads(line)["text"] for line in handle][: args.queries]
    for claim in claims[:10]:
        hybrid_search(claim, limit=10)

    def dense_query(text: str) -> object:
        return dense_search(embedder.embed([text])[0], limit=10)

    def select_by_pk(pid: int) -> object:
        return SourcePassage.objects.filter(pk=pid).values_list("text").first()

    lexical, dense, hybrid, pk = [], [], [], []
    for claim in claims:
        lexical.append(_time_ms(partial(lexical_search, claim, limit=10)))
        dense.append(_time_ms(partial(dense_query, claim)))
        embed_query.cache_clear()  # hybrid pays for its own embedding too
        hybrid.append(_time_ms(partial(hybrid_search, claim, limit=10)))
        pk.append(_time_ms(partial(select_by_pk, rng.choice(ids))))
    ndcg_queries, ndcg = _scifact_ndcg(scifact, scifact_docs) if scifact_docs else (0, None)
    lexical_p50, lexical_p95 = _percentiles(lexical)
    dense_p50, dense_p95 = _percentiles(dense)
    hybrid_p50, hybrid_p95 = _percentiles(hybrid)
    pk_p50, pk_p95 = _percentiles(pk)
    embed_rate = round(len(real) / embed_s, 1)
    figures: dict[str, float | int | None] = {
        "passages": len(ids),
        "passages_embedded_by_model": len(real),
        "synthetic_vectors": len(ids) - len(real),
        "scifact_documents": scifact_docs,
        "ann_index_size": int(built["size"]),
        "index_passages_per_s": round(len(ids) / index_s, 1),
        "insert_passages_per_s": round(len(ids) / insert_s, 1),
        "embed_passages_per_s": embed_rate,
        "ann_build_s": round(ann_s, 1),
        "lexical_stats_s": round(stats_s, 1),
        "index_s": round(index_s, 1),
        "peak_rss_mb": worker_rss,
        "loader_peak_rss_mb": _peak_rss_mb(),
        "queries": len(claims),
        "lexical_p50_ms": lexical_p50,
        "lexical_p95_ms": lexical_p95,
        "dense_p50_ms": dense_p50,
        "dense_p95_ms": dense_p95,
        "hybrid_p50_ms": hybrid_p50,
        "hybrid_p95_ms": hybrid_p95,
        "pk_select_p50_ms": pk_p50,
        "pk_select_p95_ms": pk_p95,
        "hybrid_p95_over_pk_select_p95": round(hybrid_p95 / pk_p95, 1),
        "ndcg_queries": ndcg_queries,
        "ndcg_at_10": ndcg,
    }
    print(
        f"Retrieval benchmark, PostgreSQL, {args.passages} synthetic passages"
        f" + {scifact_docs} SciFact abstracts ({len(ids)} passages):"
    )
    print(
        f"  indexing: {figures['index_passages_per_s']} passages/s overall in {index_s:.1f}s "
        f"(insert {insert_s:.1f}s, embedding {embed_s:.1f}s"
        f"{'' if args.embed_all else ' not counted'}, synthetic vectors {store_vectors_s:.1f}s, "
        f"lexeme stats {stats_s:.1f}s, ANN {ann_s:.1f}s); indexing worker peak RSS {worker_rss} MB"
    )
    print(
        f"  vectors: {len(real)} passages embedded by the model at "
        f"{embed_rate} passages/s; {len(ids) - len(real)} synthetic "
        "(a real vector plus noise); embedding them all would take "
        f"{(len(ids) / max(embed_rate, 1e-9)) / 3600:.1f} h on this machine"
    )
    if ndcg is not None:
        print(f"  hybrid nDCG@10 over the whole index: {ndcg} ({ndcg_queries} SciFact claims)")
    for name, p50, p95 in (
        ("lexical", lexical_p50, lexical_p95),
        ("dense (incl. embedding)", dense_p50, dense_p95),
        ("hybrid (incl. embedding)", hybrid_p50, hybrid_p95),
        ("SELECT by primary key", pk_p50, pk_p95),
    ):
        print(f"  {name:<26} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms")
    print(f"  hybrid p95 / primary-key SELECT p95 = {figures['hybrid_p95_over_pk_select_p95']}")
    if args.json:
        print(json.dumps(figures))
    index_dir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
