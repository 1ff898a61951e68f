"""Claim matching at scale on PostgreSQL: the reviewed-claims ANN index against reading every
reviewed claim's vector, measured in the same run.

    python -m benchmarks.matching [--claims N] [--queries Q] [--real M] [--fresh F]
                                  [--brute-force-queries B] [--exact-up-to E] [--json]

Builds a scratch database (`claimdesk_bench_matching`, or --database-name, on the server of
DATABASE_URL) holding N reviewed claims (published, with a verdict), loaded with set-based SQL
(benchmarks/support.load_synthetic_claims). Their embeddings:
- M are real: held-in SciFact claims, then sentences of SciFact abstracts, embedded by the
  shipped model (library/evidence/embedder.py); those rows carry the real text;
- the rest are synthetic: a random real vector plus `SPREAD` times a draw from a Gaussian
  with the real vectors' covariance, renormalised. Real sentence embeddings fill a few
  directions of the 384, not all of them: noise shaped like them keeps that structure, where
  isotropic noise (the first version of this benchmark) makes every vector a near-tie with
  thousands of others, a space no real newsroom history looks like. SPREAD was calibrated
  on 72,727 real sentences (README, "Benchmarks"): at the same size, synthetic vectors have
  the same median cosine to their nearest neighbour as real ones (0.70).
Vectors go in by binary COPY and one UPDATE. The ANN index is then built from the database,
as a worker builds it (`claim_index_refresh`), and timed. F more claims are reviewed after
the build (stamped as the review app stamps them), so every query also pays for claims the
index does not hold yet.

Queries are held-out SciFact claims (never inserted), each a new claim row matched through
the product's `claim_match`. Its embedding is computed first, as evidence gathering does, and
reported apart (`embed_p50_ms`). In the same run:
- `brute_force_p95_ms`: the path before the index, every reviewed claim's row read from the
  database and compared (`best_match` over all of them), on B queries (a few at a million);
- `recall_at_1`: for every query, whether best_match over the claims the index proposes
  picks the same claim as best_match over all reviewed claims (held in memory), with the
  suggest threshold off so that every query counts; `index_recall_at_1`: whether the index's
  own first hit is the exact nearest vector.

A reviewed-claims index of up to `--exact-up-to` vectors (default: the product's,
core.ann.EXACT_UP_TO) is scanned, not walked; 0 measures the HNSW graph at any size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from claims.matching import Candidates
    from claims.models import Article, Claim
    from library.evidence.embedder import Vectors

BENCH_DB = "claimdesk_bench_matching"
JSON_KEYS = (
    "claims",
    "real_embeddings",
    "synthetic_vectors",
    "synthetic_method",
    "reviewed_after_index_build",
    "index_size",
    "index_search",
    "hnsw_connectivity",
    "hnsw_expansion_search",
    "index_build_s",
    "index_refresh_s",
    "index_refresh_added",
    "build_peak_rss_mb",
    "load_s",
    "embed_real_s",
    "queries",
    "embed_p50_ms",
    "match_p50_ms",
    "match_p95_ms",
    "brute_force_queries",
    "brute_force_p50_ms",
    "brute_force_p95_ms",
    "brute_force_p95_over_match_p95",
    "recall_at_1",
    "index_recall_at_1",
    "expansion_sweep",
)
SPREAD = 1.1
SWEEP = (64, 128, 256, 512, 1024, 2048)
WARM_UP = 10
COPY_BATCH = 50_000


def every_candidate(*, exclude: int | None = None) -> Candidates:
    """Every reviewed claim's row, as matching read them before the index (brute force)."""
    from claims import ports
    from claims.matching import Candidates
    from library.evidence.embedder import DIMENSIONS, model_version

    query = ports.get_match_candidates()().filter(embedding_model=model_version())
    if exclude is not None:
        query = query.exclude(pk=exclude)
    ids: list[int] = []
    entities: list[list[str]] = []
    texts: list[str] = []
    blobs: list[bytes] = []
    for pk, blob, claim_entities, text in query.values_list(
        "id", "embedding", "entities", "self_contained_text"
    ).iterator(chunk_size=20_000):
        if blob is None:
            continue
        ids.append(pk)
        blobs.append(bytes(blob))
        entities.append(list(claim_entities or []))
        texts.append(text)
    vectors = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(ids), DIMENSIONS)
    return Candidates(ids=ids, vectors=vectors, entities=entities, texts=texts)


def _texts(scifact: Path, rng: random.Random) -> tuple[list[str], list[str]]:
    """(held-out query claims, texts for real embeddings): the SciFact claims split, then
    sentences of the abstracts."""
    from core.segment import split_sentences

    with (scifact / "claims_train.jsonl").open(encoding="utf-8") as handle:
        claims = [json.loads(line)["claim"] for line in handle]
    rng.shuffle(claims)
    sentences: list[str] = []
    with (scifact / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            sentences.extend(text[s.start : s.end] for s in split_sentences(text))
    sentences = [s for s in sentences if 20 <= len(s) <= 300]
    rng.shuffle(sentences)
    return claims[:250], claims[250:] + sentences


def _real_shape(real: Vectors) -> Vectors:
    """A matrix L with L @ L.T = the real vectors' covariance: z @ L.T, z standard normal,
    is a draw shaped like the real vectors' spread."""
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(real.T.astype(np.float64)))
    shape: Vectors = (eigenvectors * np.sqrt(np.clip(eigenvalues, 0, None))).astype(np.float32)
    return shape


def _synthetic(real: Vectors, shape: Vectors, count: int, rng: np.random.Generator) -> Vectors:
    noise = rng.standard_normal((count, real.shape[1]), dtype=np.float32) @ shape.T
    vectors: Vectors = real[rng.integers(0, len(real), count)] + SPREAD * noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def _store_vectors(
    real: Vectors, real_texts: list[str], total: int, rng: np.random.Generator
) -> None:
    """Claims 1..M get the real vectors and texts, the rest synthetic vectors: binary COPY
    into a scratch table, then one UPDATE."""
    from django.db import connection

    from library.evidence.embedder import model_version

    shape = _real_shape(real)

    def rows() -> Iterator[tuple[int, bytes, str | None]]:
        for pk, (vector, text) in enumerate(zip(real, real_texts, strict=True), start=1):
            yield pk, vector.astype("<f4").tobytes(), text
        for offset in range(len(real), total, COPY_BATCH):
            for number, vector in enumerate(
                _synthetic(real, shape, min(COPY_BATCH, total - offset), rng), start=offset + 1
            ):
                yield number, vector.tobytes(), None

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_vectors (id bigint, embedding bytea, text text)")
        raw = cursor.cursor  # psycopg's own cursor: COPY
        with raw.copy("COPY bench_vectors (id, embedding, text) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(["int8", "bytea", "text"])
            for row in rows():
                cp.write_row(row)
        cursor.execute(
            """
            UPDATE claims_claim AS c SET embedding = v.embedding, embedding_model = %s,
                text = coalesce(v.text, c.text), self_contained_text = coalesce(v.text, c.text)
            FROM bench_vectors AS v WHERE c.id = v.id
            """,
            [model_version()],
        )
        cursor.execute("DROP TABLE bench_vectors")
        for table in ("claims_claim", "reviews_reviewitem"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _set_reviewed(first_id: int, *, reviewed: bool) -> None:
    """Claims from `first_id` on lose their verdict, or get one back stamped now, as the review
    app's `match_candidates_changed` stamps them."""
    from django.db import connection
    from django.utils import timezone

    from reviews.models import ReviewItem, Verdict

    items = ReviewItem.objects.filter(claim_id__gte=first_id)
    if not reviewed:
        items.update(verdict=None)
        return
    items.update(verdict=Verdict.objects.filter(rating_value__isnull=False).first())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim SET match_changed_at = %s WHERE id >= %s",
            [timezone.now(), first_id],
        )


def _query_claims(article: Article, texts: list[str]) -> list[Claim]:
    from claims.models import Claim
    from core.text import content_hash

    return Claim.objects.bulk_create(
        Claim(
            article=article,
            text=text,
            self_contained_text=text,
            sentence=text,
            sentence_start=number * 1000,
            sentence_end=number * 1000 + len(text),
            checkworthiness=0.9,
            fingerprint=content_hash(text),
            evidence_state=Claim.EvidenceState.PENDING,
        )
        for number, text in enumerate(texts)
    )


def _expansion_sweep(vectors: list[Vectors], exact_tops: list[int]) -> dict[str, Any]:
    """The graph alone at other search expansions than the product's: the recall@1 of its
    first hit and the p95 of the graph search, for choosing `expansion_search`."""
    from claims.services.matching import NEIGHBOURS, claim_index

    graph = claim_index.loaded()
    product = graph.expansion_search
    sweep: dict[str, Any] = {}
    for expansion in SWEEP:
        graph.expansion_search = expansion  # type: ignore[misc]
        times: list[float] = []
        hits = 0
        for vector, top in zip(vectors, exact_tops, strict=True):
            elapsed, found = _time_ms(partial(graph.search, vector, NEIGHBOURS))
            times.append(elapsed)
            hits += int(found.keys[0]) == top
        sweep[str(expansion)] = {
            "recall_at_1": round(hits / len(vectors), 4),
            "search_p95_ms": _percentiles(times)[1],
        }
    graph.expansion_search = product  # type: ignore[misc]
    return sweep


def _percentiles(samples: list[float]) -> tuple[float, float]:
    if len(samples) < 2:
        return round(samples[0], 2), round(samples[0], 2)
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return round(statistics.median(samples), 2), round(cuts[18], 2)


def _time_ms(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000, help="Reviewed claims.")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--real", type=int, default=20_000, help="Claims with real embeddings.")
    parser.add_argument("--fresh", type=int, default=100, help="Reviewed after the build.")
    parser.add_argument(
        "--brute-force-queries",
        type=int,
        default=None,
        help="Queries timed the old way (default: all up to 100,000 claims, else 5).",
    )
    parser.add_argument(
        "--exact-up-to",
        type=int,
        default=None,
        help="Scan, not walk, an index of up to this many vectors (default: the product's).",
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--database-name", default=BENCH_DB, help="Scratch database (recreated).")
    parser.add_argument("--json", action="store_true", help="End with a JSON line of figures.")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("Set DATABASE_URL=postgres://... (make bench does).")
        return 2
    scifact = args.data / "retrieval" / "scifact"
    if not (scifact / "claims_train.jsonl").is_file():
        print(f"SciFact not found under {args.data}: the claim texts come from it.")
        return 2
    if not 0 < args.real <= args.claims or args.queries < 1:
        print("Need 0 < --real <= --claims and --queries >= 1.")
        return 2

    from benchmarks.support import load_synthetic_claims, use_scratch_database

    index_dir = use_scratch_database(database_url, args.database_name)
    # The timed queries must not share the CPU with a background catch-up of the index: its
    # cost is measured on its own (index_refresh_s).
    for name in ("CLAIMDESK_DENSE_CATCH_UP_S", "CLAIMDESK_DENSE_MAX_AGE_S"):
        os.environ[name] = "1000000000"  # environ reads "1e9" as 19

    import django

    django.setup()
    from django.core.management import call_command

    from claims.matching import best_match
    from claims.models import Article
    from claims.services.matching import (
        claim_index,
        claim_index_refresh,
        claim_match,
        match_candidates_near,
    )
    from library.evidence.embedder import get_embedder, model_version
    from library.evidence.hybrid import embed_query

    call_command("migrate", verbosity=0)
    if args.exact_up_to is not None:
        claim_index.exact_up_to = args.exact_up_to
    rng, np_rng = random.Random(16), np.random.default_rng(16)
    queries_pool, real_pool = _texts(scifact, rng)
    if args.real > len(real_pool):
        print(f"--real: SciFact has {len(real_pool)} texts to embed.")
        return 2
    held_out = queries_pool[: WARM_UP + args.queries]
    real_texts = real_pool[: args.real]
    model = model_version()

    # 1. Reviewed claims: rows by SQL, then real and synthetic vectors.
    total = args.claims + args.fresh
    load_s = load_synthetic_claims(total, waiting=0.0, in_progress=0.0)
    started = time.perf_counter()
    real = get_embedder().embed(real_texts)
    embed_real_s = time.perf_counter() - started
    started = time.perf_counter()
    _store_vectors(real, real_texts, total, np_rng)
    store_s = time.perf_counter() - started
    del real

    # 2. The index, from the database, without the F claims reviewed later.
    _set_reviewed(args.claims + 1, reviewed=False)
    started = time.perf_counter()
    size = claim_index_refresh(rebuild=True).size
    build_s = time.perf_counter() - started
    build_rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    _set_reviewed(args.claims + 1, reviewed=True)

    # 3. Queries: held-out claims through claim_match, one at a time, after a warm-up.
    article = Article.objects.create(
        input_kind=Article.InputKind.TEXT, title="Benchmark queries", text="", state="gathering"
    )
    claims = _query_claims(article, held_out)
    for claim in claims[:WARM_UP]:
        claim_match(claim=claim)
    claims = claims[WARM_UP:]
    embed_ms: list[float] = []
    match_ms: list[float] = []
    vectors: list[Vectors] = []
    for claim in claims:
        elapsed, vector = _time_ms(partial(embed_query, claim.self_contained_text))
        embed_ms.append(elapsed)
        vectors.append(vector)
        match_ms.append(_time_ms(partial(claim_match, claim=claim))[0])

    # 4. The same queries the old way, and the exact answers to compare with.
    brute_queries = args.brute_force_queries
    if brute_queries is None:
        brute_queries = len(claims) if args.claims <= 100_000 else 5
    brute_ms: list[float] = []
    for claim, vector in list(zip(claims, vectors, strict=True))[:brute_queries]:

        def old_path(c: Claim = claim, v: Vectors = vector) -> object:
            return best_match(
                text=c.self_contained_text,
                vector=v,
                entities=[],
                candidates=every_candidate(exclude=c.pk),
                suggest_at=0.75,
                link_at=0.9,
                min_words=8,
            )

        brute_ms.append(_time_ms(old_path)[0])
    everything = every_candidate()
    agree = index_agree = 0
    exact_tops: list[int] = []
    for claim, vector in zip(claims, vectors, strict=True):
        winner = partial(
            best_match,
            text=claim.self_contained_text,
            vector=vector,
            entities=[],
            suggest_at=-1.0,  # every query has a winner to compare
            link_at=0.9,
            min_words=8,
        )
        near = match_candidates_near(claim=claim, vector=vector, model=model)
        agree += winner(candidates=near) == winner(candidates=everything)
        exact_tops.append(everything.ids[int(np.argmax(everything.vectors @ vector))])
        index_agree += claim_index.search(vector, limit=1)[0][0] == exact_tops[-1]
    del everything
    sweep = _expansion_sweep(vectors, exact_tops) if size > claim_index.exact_up_to else {}

    # 5. What catching the index up with the F later reviews costs (a refresh, as the task or a
    # machine's catch-up runs it).
    started = time.perf_counter()
    added = claim_index_refresh().added
    refresh_s = time.perf_counter() - started

    match_p50, match_p95 = _percentiles(match_ms)
    embed_p50, _ = _percentiles(embed_ms)
    brute_p50, brute_p95 = _percentiles(brute_ms)
    figures = {
        "claims": total,
        "real_embeddings": args.real,
        "synthetic_vectors": total - args.real,
        "synthetic_method": (
            f"a real vector + {SPREAD} x N(0, the real vectors' covariance), normalised"
        ),
        "reviewed_after_index_build": args.fresh,
        "index_size": size,
        "index_search": "exact scan" if size <= claim_index.exact_up_to else "hnsw",
        "hnsw_connectivity": claim_index.hnsw.connectivity,
        "hnsw_expansion_search": claim_index.hnsw.expansion_search,
        "index_build_s": round(build_s, 1),
        "index_refresh_s": round(refresh_s, 2),
        "index_refresh_added": added,
        "build_peak_rss_mb": build_rss,
        "load_s": round(load_s + store_s, 1),
        "embed_real_s": round(embed_real_s, 1),
        "queries": len(claims),
        "embed_p50_ms": embed_p50,
        "match_p50_ms": match_p50,
        "match_p95_ms": match_p95,
        "brute_force_queries": len(brute_ms),
        "brute_force_p50_ms": brute_p50,
        "brute_force_p95_ms": brute_p95,
        "brute_force_p95_over_match_p95": round(brute_p95 / match_p95, 1),
        "recall_at_1": round(agree / len(claims), 4),
        "index_recall_at_1": round(index_agree / len(claims), 4),
        "expansion_sweep": sweep,
    }
    print(f"Claim matching benchmark, PostgreSQL, {total} reviewed claims:")
    print(
        f"  vectors: {args.real} real (SciFact claims and abstract sentences, embedded by the "
        f"model in {embed_real_s:.1f}s), {total - args.real} synthetic "
        f"({figures['synthetic_method']}); {args.fresh} of them reviewed after the index build"
    )
    print(
        f"  index ({figures['index_search']}): {size} vectors built in {build_s:.1f}s "
        f"(peak RSS {build_rss} MB); catching up with {added} later reviews took {refresh_s:.2f}s"
    )
    for name, p50, p95 in (
        ("claim_match (index)", match_p50, match_p95),
        (f"brute force ({len(brute_ms)} queries)", brute_p50, brute_p95),
    ):
        print(f"  {name:<28} p50 {p50:10.2f} ms   p95 {p95:10.2f} ms")
    print(f"  embedding the claim (paid once, for evidence too): p50 {embed_p50:.2f} ms")
    print(
        f"  brute-force p95 / index p95 = {figures['brute_force_p95_over_match_p95']}; "
        f"recall@1 against brute force {figures['recall_at_1']} "
        f"(the index's own first hit: {figures['index_recall_at_1']}) over {len(claims)} queries"
    )
    for expansion, point in sweep.items():
        print(
            f"  graph alone, expansion_search {expansion:>5}: recall@1 {point['recall_at_1']}, "
            f"search p95 {point['search_p95_ms']} ms"
        )
    if args.json:
        print(json.dumps(figures))
    index_dir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
