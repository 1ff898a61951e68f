"""Take-next under load: many reviewers working a million-claim queue on PostgreSQL.

    python -m benchmarks.queue [--claims N] [--reviewers R] [--seconds S] [--json]

Builds a scratch database (`claimdesk_bench_queue` on the server of DATABASE_URL) holding N
claims (70% waiting in the queue, 10% being worked on, 20% published), then runs R reviewer
processes side by side. Each loops: take a claim, work on it (move it to In progress through
the review service), release it. Each reviewer alternates between two ways of taking, so both
are measured under the same load at the same moments (this machine is noisy):

- service: `reviews.services.queue.take_next` (role check, SKIP LOCKED take and the
  activity-log entry);
- raw: the bare `UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1)` query.

It reports take latency p50/p99 for both and the overall throughput, checks that no claim was
handed to two reviewers (from the takes each process recorded and from the activity log),
and times the queue page (server time and query count) and its per-view counts request on
the full table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from collections import Counter
from typing import Any

BENCH_DB = "claimdesk_bench_queue"
# The figures of the `--json` line, in the README's table ("Benchmarks"); a test checks that a
# small run reports exactly these.
JSON_KEYS = (
    "claims",
    "reviewers",
    "take_next_takes",
    "take_next_p50_ms",
    "take_next_p99_ms",
    "raw_takes",
    "raw_p50_ms",
    "raw_p99_ms",
    "takes",
    "takes_per_s",
    "double_assignments",
    "p99_ratio_to_raw",
    "p50_ratio_to_raw",
    "queue_page_ms",
    "queue_page_queries",
    "counts_fresh_ms",
    "counts_fresh_queries",
    "counts_cached_ms",
    "counts_cached_queries",
)
RAW_TAKE = """
UPDATE reviews_reviewitem SET assignee_id = %s, lease_expires_at = now() + interval '30 min',
       updated_at = now()
WHERE id = (
    SELECT id FROM reviews_reviewitem
    WHERE in_take_next AND assignee_id IS NULL
    ORDER BY priority DESC, id LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING id
"""


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def _reviewer(index: int, seconds: float, start_at: float, out: Any) -> None:  # child process
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection

    from reviews import roles
    from reviews.models import ReviewItem, Status
    from reviews.services.queue import review_item_release, take_next
    from reviews.services.workflow import review_item_update

    user = User.objects.get(username=f"reviewer{index}")
    in_progress = Status.objects.get(slug="in-progress")
    # Warm, like a web worker that has served requests: connected, permissions cached.
    connection.ensure_connection()
    roles.has(user, roles.REVIEW)
    latencies: dict[str, list[float]] = {"raw": [], "service": []}
    taken: list[int] = []
    while time.time() < start_at:
        time.sleep(0.005)
    deadline = start_at + seconds
    while time.time() < deadline:
        mode = ("raw", "service")[(len(taken) + index) % 2]
        began = time.perf_counter()
        if mode == "service":
            item_id = take_next(user=user)
        else:
            with connection.cursor() as cur:
                cur.execute(RAW_TAKE, [user.pk])
                row = cur.fetchone()
            item_id = row[0] if row else None
        latencies[mode].append(time.perf_counter() - began)
        if item_id is None:
            break
        taken.append(item_id)
        # The work: read the claim, move it on, hand it back.
        version = ReviewItem.objects.values_list("version", flat=True).get(pk=item_id)
        review_item_update(
            item_id=item_id,
            user=user,
            expected_version=version,
            status=in_progress,
            explanation="Checked in the benchmark.",
        )
        review_item_release(item_id=item_id, user=user)
    connection.close()
    out.put((latencies, taken))


def _run(reviewers: int, seconds: float) -> tuple[dict[str, list[float]], list[int]]:
    from django.db import connections

    connections.close_all()  # children must not share the parent's connection
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 2.0 + reviewers * 0.05
    procs = [
        ctx.Process(target=_reviewer, args=(i, seconds, start_at, out)) for i in range(reviewers)
    ]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    for proc in procs:
        proc.join(60)
    latencies: dict[str, list[float]] = {"raw": [], "service": []}
    taken: list[int] = []
    for lats, items in results:
        for mode, values in lats.items():
            latencies[mode] += values
        taken += items
    return latencies, taken


def _queue_page() -> dict[str, float]:
    """Server time and queries of the queue page and of its counts request on the full table
    (Django's test client: no HTTP, no network noise)."""
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reviews.selectors import QUEUE_COUNTS_KEY

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="reviewer0"))
    figures: dict[str, float] = {}
    for label, path, fresh in (
        ("queue_page", "/", False),
        ("counts_fresh", "/queue/counts/", True),
        ("counts_cached", "/queue/counts/", False),
    ):
        times = []
        for _ in range(5):
            if fresh:
                cache.delete(QUEUE_COUNTS_KEY)
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            times.append(time.perf_counter() - began)
            assert response.status_code == 200, response.status_code  # noqa: S101
        figures[f"{label}_ms"] = round(statistics.median(times) * 1000, 1)
        figures[f"{label}_queries"] = len(queries)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="Length of each phase.")
    parser.add_argument("--json", action="store_true", help="End with a JSON line of figures.")
    parser.add_argument("--database-name", default=BENCH_DB, help="Scratch database (recreated).")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print(
            "Set DATABASE_URL=postgres://... (make bench does): the benchmark is about "
            "PostgreSQL's SKIP LOCKED."
        )
        return 2
    from benchmarks.support import load_synthetic_claims, recreate_postgres_database

    os.environ["DATABASE_URL"] = recreate_postgres_database(database_url, args.database_name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)  # per-process cache is enough here
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from reviews.models import Activity

    call_command("migrate", verbosity=0)
    print(f"Loading {args.claims:,} claims ...", flush=True)
    load_s = load_synthetic_claims(args.claims, waiting=0.7, in_progress=0.1)
    print(f"  loaded in {load_s:.1f}s", flush=True)
    checkers = Group.objects.get(name="Fact-checkers")
    for i in range(args.reviewers):
        User.objects.create_user(f"reviewer{i}", password=None).groups.add(checkers)

    figures: dict[str, Any] = {"claims": args.claims, "reviewers": args.reviewers}
    print(f"{args.reviewers} reviewers for {args.seconds:.0f}s ...", flush=True)
    latencies, taken = _run(args.reviewers, args.seconds)
    for mode, prefix in (("service", "take_next"), ("raw", "raw")):
        figures[f"{prefix}_takes"] = len(latencies[mode])
        figures[f"{prefix}_p50_ms"] = round(_percentile(latencies[mode], 0.50) * 1000, 2)
        figures[f"{prefix}_p99_ms"] = round(_percentile(latencies[mode], 0.99) * 1000, 2)
    figures["takes"] = len(taken)
    figures["takes_per_s"] = round(len(taken) / args.seconds, 1)
    counts = Counter(taken)
    logged = Counter(
        Activity.objects.filter(verb="took").values_list("claim_id", flat=True).iterator()
    )
    figures["double_assignments"] = sum(1 for n in counts.values() if n > 1) + sum(
        1 for n in logged.values() if n > 1
    )
    figures["p99_ratio_to_raw"] = round(figures["take_next_p99_ms"] / figures["raw_p99_ms"], 2)
    figures["p50_ratio_to_raw"] = round(figures["take_next_p50_ms"] / figures["raw_p50_ms"], 2)
    figures.update(_queue_page())

    print(f"Queue of {args.claims:,} claims, {args.reviewers} reviewer processes:")
    for prefix, label in (("raw", "raw SKIP LOCKED query"), ("take_next", "take_next service")):
        print(
            f"  {label:24s} p50 {figures[f'{prefix}_p50_ms']:7.2f} ms  "
            f"p99 {figures[f'{prefix}_p99_ms']:7.2f} ms  ({figures[f'{prefix}_takes']} takes)"
        )
    print(
        f"  take_next / raw: p50 x{figures['p50_ratio_to_raw']}, "
        f"p99 x{figures['p99_ratio_to_raw']} (target p99 <= x2)"
    )
    print(f"  {figures['takes']} claims taken, worked and released: {figures['takes_per_s']}/s")
    print(f"  double assignments: {figures['double_assignments']} (target 0)")
    print(
        f"Queue page: {figures['queue_page_queries']} queries, {figures['queue_page_ms']} ms "
        "(targets <= 30 queries, <= 150 ms)"
    )
    print(
        f"Its counts request: {figures['counts_fresh_ms']} ms when recomputed (at most once per "
        f"CLAIMDESK_QUEUE_COUNTS_CACHE_S for the team), {figures['counts_cached_ms']} ms cached"
    )
    if args.json:
        print(json.dumps(figures))
    return 0 if figures["double_assignments"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
