"""The retrieval benchmark runs end to end on a small slice (PostgreSQL phase only)."""

import json
import os
import subprocess
import sys

import psycopg
import pytest

from benchmarks.support import ROOT, with_database_name


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL benchmark"
)
def test_small_run_reports_every_figure(shared_data):
    name = f"claimdesk_bench_retrieval_t{os.getpid()}"
    database_url = os.environ["DATABASE_URL"]
    try:
        result = subprocess.run(
            [
                sys.executable, "-m", "benchmarks.retrieval", "--passages", "3000",
                "--queries", "20", "--embed-sample", "64", "--database-name", name,
                "--data", str(shared_data), "--json",
            ],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database_url},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        with psycopg.connect(with_database_name(database_url, "postgres"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert figures["passages"] == 3000
    assert figures["ann_index_size"] == 3000
    assert figures["passages_embedded_by_model"] == 64
    for key in ("index_passages_per_s", "hybrid_p95_ms", "pk_select_p95_ms", "peak_rss_mb"):
        assert figures[key] > 0
    for mode in ("lexical", "dense", "hybrid"):
        assert figures[f"{mode}_p50_ms"] <= figures[f"{mode}_p95_ms"]
