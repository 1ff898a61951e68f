"""End-to-end pipeline throughput through real workers on PostgreSQL + Redis.

    python -m benchmarks.pipeline [--articles N] [--concurrency C] [--json]

Builds a scratch database (`claimdesk_bench` on the server of DATABASE_URL), loads the demo
source library, submits N distinct articles (variants of the demo articles) and times them
until every one is ready for review. The baseline, measured in the same run on the same
articles, is the irreducible part of the work: extracting the text from each page and
splitting it into sentences, in this one process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

BENCH_DB = "claimdesk_bench"
_FIRST_BODY_TAG = re.compile(r"(<article[^>]*>)", re.I)


def _variants(n: int, demo_dir: Path) -> list[tuple[str, str]]:
    """N distinct (kind, body) articles: each demo article with a unique lead paragraph."""
    originals = sorted((demo_dir / "articles").iterdir())
    out = []
    for i in range(n):
        path = originals[i % len(originals)]
        body = path.read_text(encoding="utf-8")
        lead = f"Bulletin {i}: the regional desk filed {i % 97 + 3} updates on this story today."
        if path.suffix == ".html":
            out.append(("html", _FIRST_BODY_TAG.sub(rf"\1<p>{lead}</p>", body, count=1)))
        else:
            title, _, rest = body.partition("\n")
            out.append(("text", f"{title}\n{lead}\n{rest}"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--worker-log", help="Keep the worker's log at this path.")
    parser.add_argument("--json", action="store_true", help="End with a JSON line of figures.")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not os.environ.get(
        "REDIS_URL"
    ):
        print("Set DATABASE_URL=postgres://... and REDIS_URL=redis://... (make bench does).")
        return 2

    from benchmarks.support import WorkerProcess, recreate_postgres_database

    os.environ["DATABASE_URL"] = recreate_postgres_database(database_url, BENCH_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = "bench-pipeline"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from claims.models import Article, Claim
    from claims.services.articles import article_submit
    from claims.steps import WORKING_STATES
    from config.celery_app import app as celery_app
    from core.segment import split_sentences
    from core.text import extract_from_html, extract_from_text

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 — discard output
    Article.objects.all().delete()  # the demo articles: measure only this run's submissions
    articles = _variants(args.articles, Path(settings.BASE_DIR) / "claims" / "demo_data")

    started = time.perf_counter()
    sentences = 0
    for kind, body in articles:
        page = extract_from_html(body) if kind == "html" else extract_from_text(body)
        sentences += sum(1 for _ in split_sentences(page.text))
    baseline_s = time.perf_counter() - started

    celery_app.control.purge()
    with tempfile.TemporaryDirectory() as tmp:
        worker = WorkerProcess(
            dict(os.environ),
            Path(args.worker_log or Path(tmp) / "worker.log"),
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
            concurrency=args.concurrency,
        )
        try:
            started = time.perf_counter()
            for kind, body in articles:
                article_submit(**{kind: body})  # type: ignore[arg-type]
            working = WORKING_STATES
            deadline = started + args.timeout
            while Article.objects.filter(state__in=working).exists():
                if time.perf_counter() > deadline:
                    print(f"Timed out; worker log tail:\n{worker.log()[-3000:]}")
                    return 1
                time.sleep(0.05)
            pipeline_s = time.perf_counter() - started
        finally:
            worker.stop()

    ready = Article.objects.filter(state=Article.State.READY).count()
    claims = Claim.objects.count()
    figures = {
        "articles": len(articles),
        "articles_ready": ready,
        "claims": claims,
        "sentences": sentences,
        "worker_concurrency": args.concurrency,
        "pipeline_s": round(pipeline_s, 3),
        "articles_per_s": round(len(articles) / pipeline_s, 2),
        "baseline_s": round(baseline_s, 3),
        "baseline_articles_per_s": round(len(articles) / baseline_s, 2),
        "ratio_to_baseline": round(baseline_s / pipeline_s, 3),
    }
    print(f"Pipeline (real worker x{args.concurrency}, PostgreSQL + Redis):")
    print(
        f"  {len(articles)} articles ({ready} ready, {claims} claims) in {pipeline_s:.2f}s "
        f"= {figures['articles_per_s']} articles/s"
    )
    print(
        f"Baseline (extract text + split sentences, 1 process): {baseline_s:.2f}s "
        f"= {figures['baseline_articles_per_s']} articles/s"
    )
    print(f"Pipeline throughput / baseline throughput = {figures['ratio_to_baseline']}")
    if args.json:
        print(json.dumps(figures))
    return 0 if ready == len(articles) else 1


if __name__ == "__main__":
    sys.exit(main())
