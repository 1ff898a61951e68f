"""Running a benchmark end to end on a small slice, in its own scratch PostgreSQL database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from benchmarks.support import ROOT, with_database_name

requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL benchmark: it bulk-loads rows with generate_series (and COPY)",
)


@pytest.fixture
def run_benchmark() -> Callable[..., dict[str, Any]]:
    """`run_benchmark(module, *args)`: `python -m benchmarks.<module> ... --json` in a scratch
    database that is dropped afterwards; its figures (the last line)."""

    def run(module: str, *args: str) -> dict[str, Any]:
        name = f"claimdesk_bench_{module}_t{os.getpid()}"
        # Created from the server's maintenance database: the one named in DATABASE_URL may
        # exist only as pytest's test_ copy.
        database_url = with_database_name(os.environ["DATABASE_URL"], "postgres")
        try:
            result = subprocess.run(
                [sys.executable, "-m", f"benchmarks.{module}", *args, "--database-name", name,
                 "--json"],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": database_url},
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
            figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
            return figures
        finally:
            with psycopg.connect(database_url, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return run
