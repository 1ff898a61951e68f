"""Claim-extraction speed and memory on one CPU core.

    python -m benchmarks.extraction [--repeat N] [--json]

Measures the shipped backend (CLAIMDESK_CHECKWORTHINESS_BACKEND; `--backend` overrides it).
Reports, in one run on the same text:
- model scoring speed on the CheckThat! dev sentences (sentences/s),
- the whole engine (segment + score + attribute + type + entities) on the demo articles,
- sentence segmentation alone on the same article text (the baseline),
- resident memory of this process with Django and the model loaded (what a worker holds).
The process is pinned to one core and numeric libraries to one thread.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import psutil  # noqa: E402

from claims.conf import CHECKWORTHINESS_BACKENDS  # noqa: E402

# The figures of the `--json` line, in the README's table ("Claim extraction"); a test checks
# that a small run reports exactly these.
JSON_KEYS = (
    "sentences_per_s",
    "engine_sentences_per_s",
    "segmentation_sentences_per_s",
    "engine_vs_segmentation",
    "scored_sentences",
    "article_sentences",
    "model_load_s",
    "rss_mb",
    "model_rss_mb",
    "backend",
    "model_version",
)
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def _best_of(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="Copies of the demo articles.")
    parser.add_argument("--backend", choices=CHECKWORTHINESS_BACKENDS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    dev = SHARED / "checkworthiness" / "ct24_english_dev.tsv"
    if not dev.exists():
        print(f"{dev} not found: the benchmark reads ../shared/data (next to the project root).")
        return 2

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    if args.backend:
        os.environ["CLAIMDESK_CHECKWORTHINESS_BACKEND"] = args.backend
    import django

    django.setup()
    from django.conf import settings

    from claims.conf import conf
    from claims.extraction import ClaimEngine, get_extractor
    from core.segment import split_sentences
    from core.text import extract_from_html, extract_from_text
    from lab.checkworthiness import read_checkthat_tsv

    rss_before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    engine = get_extractor()
    if not isinstance(engine, ClaimEngine):
        raise TypeError("the benchmark measures the local ClaimEngine")
    load_s = time.perf_counter() - started
    texts, _ = read_checkthat_tsv(dev)

    articles = []
    for path in sorted((Path(settings.BASE_DIR) / "claims" / "demo_data" / "articles").iterdir()):
        raw = path.read_text(encoding="utf-8")
        page = extract_from_html(raw) if path.suffix == ".html" else extract_from_text(raw)
        articles.append(page.text)
    corpus = "\n\n".join(articles * args.repeat)
    n_sentences = sum(1 for _ in split_sentences(corpus))

    scoring_s = _best_of(3, lambda: engine.model.score(texts))
    segment_s = _best_of(3, lambda: list(split_sentences(corpus)))
    engine_s = _best_of(3, lambda: engine.extract(corpus, author="Desk", outlet="Gazette"))
    rss = psutil.Process().memory_info().rss

    figures = {
        "sentences_per_s": round(len(texts) / scoring_s, 1),
        "engine_sentences_per_s": round(n_sentences / engine_s, 1),
        "segmentation_sentences_per_s": round(n_sentences / segment_s, 1),
        "engine_vs_segmentation": round(segment_s / engine_s, 4),
        "scored_sentences": len(texts),
        "article_sentences": n_sentences,
        "model_load_s": round(load_s, 2),
        "rss_mb": round(rss / 2**20, 1),
        "model_rss_mb": round((rss - rss_before) / 2**20, 1),
        "backend": conf().checkworthiness_backend,
        "model_version": engine.model.version,
    }
    f = figures
    print(f"Backend: {f['backend']} ({f['model_version']})")
    print(f"Model scoring (1 core): {f['sentences_per_s']:>9} sentences/s (dev, n={len(texts)})")
    print(f"Whole engine (1 core):  {f['engine_sentences_per_s']:>9} sentences/s ({n_sentences})")
    print(f"Segmentation only:      {f['segmentation_sentences_per_s']:>9} sentences/s (baseline)")
    print(f"Engine / segmentation speed: {f['engine_vs_segmentation']}")
    print(f"RSS, Django + model: {f['rss_mb']} MB (+{f['model_rss_mb']} MB, {f['model_load_s']}s)")
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
