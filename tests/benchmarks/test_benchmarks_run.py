"""Every benchmark runs end to end at a tiny size, so none of them can rot unnoticed: each must
exit 0 and end with a `--json` line of exactly its documented figures (its `JSON_KEYS`, which
the README's Benchmarks section lists).

A new benchmark is one entry in BENCHMARKS.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from benchmarks.support import ROOT, with_database_name

Figures = dict[str, Any]


def _no_check(figures: Figures) -> None:
    pass


def _pipeline_check(figures: Figures) -> None:
    assert figures["articles_ready"] == figures["articles"]
    assert figures["inline_articles_per_s"] > 0
    assert {"article_extract", "claim_gather_evidence", "article_finish"} <= set(figures["stages"])
    assert set(figures["stages"]) == set(figures["inline_stages"])


def _retrieval_check(figures: Figures) -> None:
    assert figures["passages"] == 3000
    assert figures["ann_index_size"] == 3000
    assert figures["passages_embedded_by_model"] == 64
    for key in ("index_passages_per_s", "hybrid_p95_ms", "pk_select_p95_ms", "peak_rss_mb"):
        assert figures[key] > 0
    for mode in ("lexical", "dense", "hybrid"):
        assert figures[f"{mode}_p50_ms"] <= figures[f"{mode}_p95_ms"]


def _retrieval_all_embedded_check(figures: Figures) -> None:
    """--embed-all: every vector is the model's, and indexing throughput includes embedding."""
    assert figures["synthetic_vectors"] == 0
    assert figures["passages_embedded_by_model"] == figures["passages"] > 100
    assert figures["ann_index_size"] == figures["passages"]
    assert figures["scifact_documents"] == 50
    assert figures["index_passages_per_s"] <= figures["embed_passages_per_s"]
    assert figures["ndcg_queries"] > 0
    assert 0.3 < figures["ndcg_at_10"] <= 1


def _extraction_check(figures: Figures) -> None:
    # The shipped default backend, named by the scorer's version (README, "Check-worthiness").
    assert figures["backend"] in {"cascade", "linear", "transformer"}
    assert figures["model_version"]
    assert figures["engine_sentences_per_s"] > 0


def _matching_check(figures: Figures) -> None:
    assert figures["claims"] == 3020
    assert figures["synthetic_vectors"] == 3020 - 300
    assert figures["index_search"] == "hnsw"  # the graph, not the scan small indexes get
    assert figures["index_size"] == 3000  # the 20 reviewed later are found by freshness
    assert figures["index_refresh_added"] == 20
    assert figures["recall_at_1"] >= 0.99
    assert figures["brute_force_queries"] == figures["queries"] == 40
    assert 0 < figures["match_p50_ms"] <= figures["match_p95_ms"]


@dataclass(frozen=True)
class Benchmark:
    module: str
    args: tuple[str, ...]
    postgres: bool = True  # builds a scratch PostgreSQL database (`--database-name`)
    redis: bool = False
    shared_data: bool = False  # reads ../shared/data (`--data` where it takes one)
    tool: str = ""  # an executable it drives
    check: Callable[[Figures], None] = field(default=_no_check)


BENCHMARKS = (
    Benchmark(
        "benchmarks.pipeline",
        ("--articles", "4", "--concurrency", "2"),
        redis=True,
        check=_pipeline_check,
    ),
    Benchmark(
        "benchmarks.extraction",
        ("--repeat", "1"),
        postgres=False,
        shared_data=True,
        check=_extraction_check,
    ),
    Benchmark(
        "benchmarks.matching",
        (
            *("--claims", "3000", "--queries", "40", "--real", "300", "--fresh", "20"),
            *("--exact-up-to", "0"),
        ),
        shared_data=True,
        check=_matching_check,
    ),
    Benchmark("benchmarks.queue", ("--claims", "200", "--reviewers", "2", "--seconds", "2")),
    Benchmark(
        "benchmarks.api",
        ("--claims", "200", "--export-claims", "400", "--seconds", "1"),
        tool="wrk",
    ),
    Benchmark(
        "benchmarks.retrieval",
        ("--passages", "3000", "--queries", "20", "--embed-sample", "64"),
        shared_data=True,
        check=_retrieval_check,
    ),
    Benchmark(
        "benchmarks.retrieval",
        ("--passages", "100", "--queries", "10", "--embed-all", "--scifact-docs", "50"),
        shared_data=True,
        check=_retrieval_all_embedded_check,
    ),
)


def _skip_or_fail(reason: str) -> None:
    """Skip here; in CI, where everything a benchmark needs is installed, fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so it must be present).")
    pytest.skip(reason)


def documented_keys(module: str) -> tuple[str, ...]:
    """The module's JSON_KEYS, read from its source: importing a benchmark may set up its
    process (extraction pins numeric libraries to one thread), which this one must not get."""
    path = ROOT / (module.replace(".", "/") + ".py")
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "JSON_KEYS" for target in node.targets
        ):
            keys: tuple[str, ...] = ast.literal_eval(node.value)
            return keys
    raise AssertionError(f"{module} has no JSON_KEYS")


@pytest.mark.parametrize("bench", BENCHMARKS, ids=[b.module for b in BENCHMARKS])
def test_tiny_run_reports_every_documented_figure(
    bench: Benchmark, request: pytest.FixtureRequest
) -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    if bench.postgres and not database_url.startswith("postgres"):
        pytest.skip("PostgreSQL benchmark: runs in the PostgreSQL + Redis phase")
    if not bench.postgres and database_url.startswith("postgres"):
        pytest.skip("uses no database: runs once, in the SQLite phase")
    if bench.redis and not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis: runs in the PostgreSQL + Redis phase")
    if bench.tool and shutil.which(bench.tool) is None:
        _skip_or_fail(f"{bench.module} needs `{bench.tool}` (apt-get install {bench.tool})")
    data_args: tuple[str, ...] = ()
    if bench.shared_data:
        folder: Path = request.getfixturevalue("shared_data")
        if bench.module in ("benchmarks.retrieval", "benchmarks.matching"):
            data_args = ("--data", str(folder))
    name = f"{bench.module.replace('.', '_')}_t{os.getpid()}"
    own: tuple[str, ...] = ("--database-name", name) if bench.postgres else ()
    if bench.redis:
        own += ("--queue", name)
    try:
        result = subprocess.run(
            [sys.executable, "-m", bench.module, *bench.args, *data_args, *own, "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        if bench.postgres:
            server = with_database_name(database_url, "postgres")
            with psycopg.connect(server, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(figures) == sorted(documented_keys(bench.module))
    bench.check(figures)


def test_readme_lists_every_figure() -> None:
    readme = (ROOT / "README.md").read_text()
    benchmarks = readme[readme.index("## Benchmarks") :]
    for bench in BENCHMARKS:
        missing = [key for key in documented_keys(bench.module) if f"`{key}`" not in benchmarks]
        assert not missing, f"README, Benchmarks: {bench.module} does not list {missing}"
