"""Embedding speed, side by side, on the same SciFact passages (issue #14, "A library that
indexes at production speed").

    python -m lab.embedding_speed [--passages N] [--json]

Every variant embeds the same N passages (default 512: the first SciFact abstracts split as
the library splits them, each with its title, as indexing embeds them). The machine is shared,
so figures are ratios to the configuration shipped before (int8 MiniLM, one session thread,
batches of 32 bucketed by length), measured first and again last in the same run; the ratio uses the
mean of both. Quality (nDCG@10) is not measured here: `manage.py evaluate_retrieval
--embedder minilm|static` gives it (README, "Indexing at speed").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

Embed = Callable[[Sequence[str]], object]


def scifact_passages(n: int) -> list[str]:
    from lab.retrieval import read_jsonl
    from library.services.indexing import passage_embedding_text
    from library.services.sources import split_passages

    corpus = Path(__file__).resolve().parents[2] / "shared" / "data" / "retrieval" / "scifact"
    path = corpus / "corpus.jsonl"
    if not path.is_file():
        raise SystemExit(f"No SciFact corpus at {path} (see ../shared/data/README.md).")
    texts: list[str] = []
    for row in read_jsonl(path):
        title = str(row.get("title", ""))
        text = f"{title}\n{row.get('text', '')}".strip()
        texts += [passage_embedding_text(title, text[s:e]) for s, e in split_passages(text)]
        if len(texts) >= n:
            return texts[:n]
    return texts


def passages_per_s(embed: Embed, texts: list[str]) -> float:
    embed(texts[:8])  # warm-up: first-run allocations are not throughput
    started = time.perf_counter()
    embed(texts)
    return len(texts) / (time.perf_counter() - started)


def variants(threads_max: int) -> list[tuple[str, Callable[[], Embed]]]:
    """(name, factory) pairs; each factory builds its model when the variant runs."""
    import onnxruntime

    from lab.static_embedder import get_static_embedder
    from library.evidence.embedder import MODEL_PATH, TOKENIZER_PATH, Embedder

    def minilm(
        *, threads: int = 1, batch: int = 32, level: str | None = None, path: Path = MODEL_PATH
    ) -> Embed:
        embedder = Embedder(path, TOKENIZER_PATH, threads=threads)
        if level is not None:
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.graph_optimization_level = getattr(onnxruntime.GraphOptimizationLevel, level)
            embedder.session = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        return lambda texts: embedder.embed(texts, batch_size=batch)

    def unbucketed(batch: int = 32) -> Embed:
        embedder = Embedder(MODEL_PATH, TOKENIZER_PATH, threads=1)

        def embed(texts: Sequence[str]) -> object:
            encodings = embedder.tokenizer.encode_batch(list(texts))
            return [
                embedder._run(encodings[i : i + batch]) for i in range(0, len(encodings), batch)
            ]

        return embed

    def offline_optimised() -> Embed:
        """The graph ORT_ENABLE_ALL produces, saved once and loaded with optimisation off."""
        out = Path(tempfile.mkdtemp()) / "minilm.opt.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.optimized_model_filepath = str(out)
        onnxruntime.InferenceSession(str(MODEL_PATH), options, providers=["CPUExecutionProvider"])
        return minilm(level="ORT_DISABLE_ALL", path=out)

    def as_indexing(batch: int, chunk: int = 64) -> Embed:
        """As `passages_embed` calls it: one call per transaction batch (CLAIMDESK_EMBED_BATCH
        texts), so length buckets only form within each call."""
        embedder = Embedder(MODEL_PATH, TOKENIZER_PATH, threads=1)
        return lambda texts: [
            embedder.embed(texts[i : i + chunk], batch_size=batch)
            for i in range(0, len(texts), chunk)
        ]

    def static() -> Embed:
        embedder = get_static_embedder()
        return lambda texts: embedder.embed(texts)

    rows: list[tuple[str, Callable[[], Embed]]] = [
        ("minilm int8, 1 thread, batch 32 bucketed (baseline: the old default)", lambda: minilm()),
        ("graph optimisation off (ORT_DISABLE_ALL)", lambda: minilm(level="ORT_DISABLE_ALL")),
        ("graph optimisation basic (ORT_ENABLE_BASIC)", lambda: minilm(level="ORT_ENABLE_BASIC")),
        ("offline-optimised graph (ORT_ENABLE_ALL, saved)", offline_optimised),
        ("batch 32 in input order (no length buckets)", unbucketed),
        ("batch 8 bucketed", lambda: minilm(batch=8)),
        ("batch 128 bucketed", lambda: minilm(batch=128)),
        ("as indexing calls it: 64 texts a call, batch 32", lambda: as_indexing(32)),
        ("as indexing calls it: 64 texts a call, batch 8", lambda: as_indexing(8)),
        ("as indexing calls it: 64 texts a call, batch 4", lambda: as_indexing(4)),
    ]
    if threads_max > 1:
        rows.append((f"{threads_max} threads, batch 32 bucketed", lambda: minilm(threads=2)))
    rows.append(("model2vec static (distilled from MiniLM), numpy", static))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=512)
    parser.add_argument("--threads-max", type=int, default=2, help="Try this many threads too.")
    parser.add_argument("--json", action="store_true", help="End with a JSON line.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    texts = scifact_passages(args.passages)
    rows = variants(args.threads_max)
    results: list[dict[str, object]] = []
    baseline_runs: list[float] = []
    for name, factory in [*rows, (rows[0][0] + " (again)", rows[0][1])]:
        try:
            rate = passages_per_s(factory(), texts)
        except Exception as exc:  # a variant that cannot run is reported, not fatal
            results.append({"variant": name, "error": str(exc)[:200]})
            print(f"{name}: failed ({exc})", flush=True)
            continue
        if name.startswith(rows[0][0]):
            baseline_runs.append(rate)
        results.append({"variant": name, "passages_per_s": round(rate, 1)})
        print(f"{name}: {rate:.1f} passages/s", flush=True)
    baseline = statistics.fmean(baseline_runs)
    print(f"\n{len(texts)} SciFact passages; baseline {baseline:.1f} passages/s\n")
    print("| variant | passages/s | ratio to baseline |\n| --- | --- | --- |")
    for row in results:
        if "error" in row:
            print(f"| {row['variant']} | failed | |")
            continue
        ratio = float(str(row["passages_per_s"])) / baseline
        row["ratio"] = round(ratio, 2)
        print(f"| {row['variant']} | {row['passages_per_s']} | {ratio:.2f} |")
    if args.json:
        print(
            json.dumps(
                {
                    "passages": len(texts),
                    "baseline_passages_per_s": round(baseline, 1),
                    "variants": results,
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
