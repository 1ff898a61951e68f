"""The client API under load, next to a bare Django baseline, on PostgreSQL.

    python -m benchmarks.api [--claims N] [--export-claims M] [--seconds S] [--json]

Builds `claimdesk_bench_api` on the server of DATABASE_URL with N published claims (each
with a citation), serves it with gunicorn (2 sync workers) and loads it with `wrk` from
another process: the list endpoint (page size 50), the detail endpoint (random claims), and
the same rows from a minimal `values()` + JsonResponse view (benchmarks/api_urls.py), all in
the same run. Then it grows the table to M claims and streams the JSON Lines export through
a gunicorn worker, sampling that worker's RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

BENCH_DB = "claimdesk_bench_api"
PORT = 8765
# The figures of the `--json` line, in the README's table ("Benchmarks"); a test checks that a
# small run reports exactly these.
JSON_KEYS = (
    "claims",
    "list_rps",
    "list_p99_ms",
    "baseline_list_rps",
    "baseline_list_p99_ms",
    "detail_rps",
    "detail_p99_ms",
    "baseline_detail_rps",
    "baseline_detail_p99_ms",
    "baseline_rps",
    "list_ratio",
    "detail_ratio",
    "export_rows",
    "export_s",
    "export_peak_rss_mb",
    "export_claims",
)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(
    url: str, seconds: float, headers: dict[str, str], script: Path | None
) -> dict[str, float]:
    command = ["wrk", "-t2", "-c16", f"-d{seconds:.0f}s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} error responses:\n{out}")
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * _UNITS[p99.group(2)] if p99 else float("nan"),
    }


def _random_id_script(directory: Path, path_prefix: str, claims: int) -> Path:
    script = directory / f"random-{abs(hash(path_prefix))}.lua"
    script.write_text(
        "math.randomseed(42)\n"
        "request = function()\n"
        f'  return wrk.format(nil, "{path_prefix}" .. math.random(1, {claims}))\n'
        "end\n"
    )
    return script


class Gunicorn:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{PORT}",
                "--workers", "2", "--timeout", "900", "--access-logfile", "/dev/null",
            ],
            env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{PORT}/api/schema/", timeout=5)
                return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")

    def workers(self) -> list[Any]:
        import psutil

        return psutil.Process(self.process.pid).children()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self._log.close()


def _export_peak_rss(server: Gunicorn, url: str, headers: dict[str, str]) -> dict[str, float]:
    """Stream the export to nowhere while sampling every worker's RSS; the peak is the
    serving worker's."""
    import httpx

    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            for worker in server.workers():
                try:
                    peak = max(peak, worker.memory_info().rss)
                except Exception:  # noqa: S112 — a worker may exit between listing and reading
                    continue
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    lines = 0
    try:
        with httpx.stream("GET", url, headers=headers, timeout=900) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                lines += bool(line)
    finally:
        stop.set()
        sampler.join()
    return {
        "export_rows": lines,
        "export_s": round(time.perf_counter() - started, 1),
        "export_peak_rss_mb": round(peak / 2**20, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--export-claims", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="Length of each wrk run.")
    parser.add_argument("--json", action="store_true", help="End with a JSON line of figures.")
    parser.add_argument("--database-name", default=BENCH_DB, help="Scratch database (recreated).")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("Set DATABASE_URL=postgres://... (make bench does).")
        return 2
    if shutil.which("wrk") is None:
        print("This benchmark drives the server with wrk: apt-get install wrk")
        return 2
    from benchmarks.support import load_synthetic_claims, recreate_postgres_database

    os.environ["DATABASE_URL"] = recreate_postgres_database(database_url, args.database_name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.api_settings"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from clients.services import api_key_create

    call_command("migrate", verbosity=0)
    print(f"Loading {args.claims:,} published claims ...", flush=True)
    load_synthetic_claims(args.claims, waiting=0, in_progress=0, citations=True)
    _, key = api_key_create(name="bench", scopes=["claims:read"])
    auth = {"Authorization": f"Api-Key {key}"}
    base = f"http://127.0.0.1:{PORT}"
    figures: dict[str, Any] = {"claims": args.claims}
    with tempfile.TemporaryDirectory() as tmp:
        server = Gunicorn(dict(os.environ), Path(tmp) / "gunicorn.log")
        try:
            runs = {
                "list": (f"{base}/api/v1/claims?page_size=50", auth, None),
                "baseline_list": (f"{base}/bench/baseline/claims", {}, None),
                "detail": (
                    f"{base}/",
                    auth,
                    _random_id_script(Path(tmp), "/api/v1/claims/", args.claims),
                ),
                "baseline_detail": (
                    f"{base}/",
                    {},
                    _random_id_script(Path(tmp), "/bench/baseline/claims/", args.claims),
                ),
            }
            for name, (url, headers, script) in runs.items():
                print(f"wrk {name} ...", flush=True)
                result = _wrk(url, args.seconds, headers, script)
                figures[f"{name}_rps"] = round(result["rps"], 1)
                figures[f"{name}_p99_ms"] = round(result["p99_ms"], 1)
            figures["baseline_rps"] = figures["baseline_list_rps"]
            figures["list_ratio"] = round(figures["list_rps"] / figures["baseline_list_rps"], 2)
            figures["detail_ratio"] = round(
                figures["detail_rps"] / figures["baseline_detail_rps"], 2
            )
            extra = args.export_claims - args.claims
            if extra > 0:
                print(f"Growing to {args.export_claims:,} claims for the export ...", flush=True)
                load_synthetic_claims(extra, waiting=0, in_progress=0, first_id=args.claims + 1)
            print("Streaming the export ...", flush=True)
            figures.update(_export_peak_rss(server, f"{base}/api/v1/claims/export.jsonl", auth))
            figures["export_claims"] = args.export_claims
        finally:
            server.stop()

    print(f"API on gunicorn (2 workers), wrk 2 threads x 16 connections, {args.claims:,} claims:")
    for name in ("list", "detail"):
        rps, p99 = figures[f"{name}_rps"], figures[f"{name}_p99_ms"]
        base_rps, base_p99 = figures[f"baseline_{name}_rps"], figures[f"baseline_{name}_p99_ms"]
        print(
            f"  {name:7s} {rps:8.1f} req/s  p99 {p99:7.1f} ms   baseline {base_rps:8.1f} "
            f"req/s  p99 {base_p99:7.1f} ms   ratio {figures[f'{name}_ratio']} (target >= 0.5)"
        )
    print(
        f"Export of {figures['export_rows']:,} claims as JSON Lines: {figures['export_s']} s, "
        f"worker peak RSS {figures['export_peak_rss_mb']} MB (target < 300)"
    )
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
