"""End-to-end pipeline throughput through real workers on PostgreSQL + Redis.

    python -m benchmarks.pipeline [--articles N] [--concurrency C] [--json] [--profile FILE]

Builds a scratch database (`claimdesk_bench` on the server of DATABASE_URL), loads the demo
source library, submits N distinct articles (variants of the demo articles) and times them
until every one is ready for review, through one `celery worker` with a pool of C processes.

Two baselines are measured in the same run on the same articles, in this one process:
- inline: every step of every article run by calling claims/steps.py directly, in the order a
  worker would (extract, evidence for each group of claims, fan-in), with no broker and no
  task hop. It covers the same code as the workers: text extraction, segmentation, scoring,
  claim embedding, matching, every enabled evidence provider and the database writes. The
  goal is `articles_per_s >= 0.5 * workers * inline_articles_per_s`;
- extract + split: extracting the text of each page and splitting it into sentences, the
  irreducible part of the work (the first baseline this benchmark had).

The per-step breakdown (`stages`, seconds per article) is read from the worker's log: every
step logs "<subject>: <task> done in <ms> ms" (claims/steps.py); the inline run's lines are
read the same way.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from unittest import mock

BENCH_DB = "claimdesk_bench"
_FIRST_BODY_TAG = re.compile(r"(<article[^>]*>)", re.I)
_STEP_DONE = re.compile(r": claims\.(\w+) done in ([0-9.]+) ms")
# The figures of the `--json` line, in the README's table ("Benchmarks"); a test checks that a
# small run reports exactly these.
JSON_KEYS = (
    "articles",
    "articles_ready",
    "claims",
    "sentences",
    "worker_concurrency",
    "workers",
    "pipeline_s",
    "articles_per_s",
    "inline_s",
    "inline_articles_per_s",
    "ratio_to_inline",
    "stages",
    "inline_stages",
    "outside_steps_s",
    "baseline_s",
    "baseline_articles_per_s",
    "ratio_to_baseline",
)


def stage_seconds(lines: Iterable[str], articles: int) -> dict[str, float]:
    """Seconds per article spent in each step (task name without `claims.`), from log lines."""
    totals: dict[str, float] = defaultdict(float)
    for line in lines:
        if match := _STEP_DONE.search(line):
            totals[match.group(1)] += float(match.group(2)) / 1000
    return {task: round(total / articles, 4) for task, total in sorted(totals.items())}


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


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


def _run_inline(article_id: int) -> None:
    """One article through every step, in this process, in the order a worker runs them (its
    claims' evidence in the same groups as the evidence tasks)."""
    from claims.conf import conf
    from claims.models import Article, Claim
    from claims.steps import article_finish, claims_gather_evidence, next_step, run_step

    while (step := next_step(Article.objects.get(pk=article_id))) is not None:
        if step.run is not None:
            run_step(step.task, article_id=article_id)
            continue
        pending = Claim.objects.filter(
            article_id=article_id, evidence_state=Claim.EvidenceState.PENDING
        )
        ids = list(pending.order_by("pk").values_list("pk", flat=True))
        size = conf().evidence_claims_per_task
        for start in range(0, len(ids), size):
            claims_gather_evidence(claim_ids=ids[start : start + size])
        article_finish(article_id=article_id)  # with no claim, nothing else calls the fan-in
        return


def _inline(articles: list[tuple[str, str]], profile: Path | None) -> tuple[float, list[str]]:
    """Seconds to submit and run `articles` inline (see the module docstring), and the steps'
    log lines. Nothing is enqueued: the steps' `enqueue_on_commit` is switched off."""
    from claims.models import Article
    from claims.services.articles import article_submit

    lines = _Lines()
    steps_logger = logging.getLogger("claims.steps")
    steps_logger.addHandler(lines)
    steps_logger.setLevel(logging.INFO)
    steps_logger.propagate = False  # a line per step is for the figures, not the console
    profiler = None
    if profile is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
    with mock.patch("claims.steps.enqueue_on_commit"):
        # One article first, not counted: models load on first use, in a worker as here.
        warm_up, _ = article_submit(text="Warm-up. Unemployment rose by 3 percent in 2023.")
        _run_inline(warm_up.pk)
        lines.lines.clear()
        if profiler is not None:
            profiler.start()
        started = time.perf_counter()
        for kind, body in articles:
            article, _ = article_submit(**{kind: body})  # type: ignore[arg-type]
            _run_inline(article.pk)
        elapsed = time.perf_counter() - started
    if profiler is not None and profile is not None:
        profiler.stop()
        profile.write_text(profiler.output_text(unicode=True, show_all=False))
    steps_logger.removeHandler(lines)
    steps_logger.propagate = True
    ready = Article.objects.filter(state=Article.State.READY).count()
    if ready != len(articles) + 1:
        raise RuntimeError(f"inline run: {ready} of {len(articles) + 1} articles ready")
    Article.objects.all().delete()  # the workers get the same articles, not duplicates
    return elapsed, lines.lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--worker-log", help="Keep the worker's log at this path.")
    parser.add_argument("--json", action="store_true", help="End with a JSON line of figures.")
    parser.add_argument("--database-name", default=BENCH_DB, help="Scratch database (recreated).")
    parser.add_argument("--queue", default="bench-pipeline", help="The worker's Celery queue.")
    parser.add_argument(
        "--profile", type=Path, help="Profile the inline run with pyinstrument into this file."
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not os.environ.get(
        "REDIS_URL"
    ):
        print("Set DATABASE_URL=postgres://... and REDIS_URL=redis://... (make bench does).")
        return 2

    from benchmarks.support import WorkerProcess, recreate_postgres_database

    os.environ["DATABASE_URL"] = recreate_postgres_database(database_url, args.database_name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = args.queue
    os.environ["CLAIMDESK_LOG_FORMAT"] = "plain"  # the stages are read from the worker's log

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
    inline_s, inline_lines = _inline(articles, args.profile)

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
        worker_lines = worker.log().splitlines()

    ready = Article.objects.filter(state=Article.State.READY).count()
    claims = Claim.objects.count()
    n = len(articles)
    # One worker process whose prefork pool runs `concurrency` tasks at once.
    workers = args.concurrency
    stages = stage_seconds(worker_lines, n)
    figures = {
        "articles": n,
        "articles_ready": ready,
        "claims": claims,
        "sentences": sentences,
        "worker_concurrency": args.concurrency,
        "workers": workers,
        "pipeline_s": round(pipeline_s, 3),
        "articles_per_s": round(n / pipeline_s, 2),
        "inline_s": round(inline_s, 3),
        "inline_articles_per_s": round(n / inline_s, 2),
        "ratio_to_inline": round(inline_s / (workers * pipeline_s), 3),
        "stages": stages,
        "inline_stages": stage_seconds(inline_lines, n),
        # Pool time per article not spent inside a step: task hops, broker, waiting for work.
        "outside_steps_s": round(workers * pipeline_s / n - sum(stages.values()), 4),
        "baseline_s": round(baseline_s, 3),
        "baseline_articles_per_s": round(n / baseline_s, 2),
        "ratio_to_baseline": round(baseline_s / pipeline_s, 3),
    }
    print(f"Pipeline (1 worker, pool of {args.concurrency}, PostgreSQL + Redis):")
    print(
        f"  {n} articles ({ready} ready, {claims} claims) in {pipeline_s:.2f}s "
        f"= {figures['articles_per_s']} articles/s"
    )
    print(f"  seconds per article in each step (worker side): {stages}")
    print(
        f"Inline (every step, 1 process, no broker): {inline_s:.2f}s "
        f"= {figures['inline_articles_per_s']} articles/s; steps: {figures['inline_stages']}"
    )
    print(
        f"articles_per_s / (workers x inline_articles_per_s) = {figures['ratio_to_inline']} "
        "(goal >= 0.5)"
    )
    print(
        f"Baseline (extract text + split sentences, 1 process): {baseline_s:.2f}s "
        f"= {figures['baseline_articles_per_s']} articles/s "
        f"(pipeline / baseline = {figures['ratio_to_baseline']})"
    )
    if args.json:
        print(json.dumps(figures))
    return 0 if ready == n else 1


if __name__ == "__main__":
    sys.exit(main())
