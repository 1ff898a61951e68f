"""Readiness: can this deployment do its work? The checks /readyz runs, each timed.

A check is a function that returns when all is well and raises (with a message for the
operator) when not. core registers the database, its migrations and the broker; apps register
theirs from AppConfig.ready(), such as "the shipped model loads" (`ModelLoads`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from celery import current_app
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from kombu import Queue
from kombu.exceptions import ChannelError

Check = Callable[[], None]

# A probe must answer quickly, also when the broker does not.
BROKER_TIMEOUT_S = 2


class NotReadyError(Exception):
    """A check's finding, in words for the operator."""


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    duration_ms: float
    error: str = ""


def database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


class MigrationsApplied:
    """Every migration of this code is applied. Once so, it stays so for the process (new
    migrations come with new code, in a new process), so later probes cost nothing."""

    def __init__(self) -> None:
        self.applied = False

    def __call__(self) -> None:
        if self.applied:
            return
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            first = plan[0][0]
            raise NotReadyError(
                f"{len(plan)} migration(s) not applied, from {first.app_label}.{first.name}: "
                "run `python manage.py migrate`"
            )
        self.applied = True


def broker() -> None:
    """The broker answers. Connecting alone proves nothing on every transport (the SQLite
    one opens its file lazily), so a passive declaration of the default queue asks it
    something; "no such queue" (Redis drops empty ones) is an answer too."""
    with current_app.connection_for_write(connect_timeout=BROKER_TIMEOUT_S) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_S)
        with suppress(ChannelError):
            Queue(current_app.conf.task_default_queue, channel=conn.default_channel).queue_declare(
                passive=True
            )


class ModelLoads:
    """A shipped model loads. Tried once per version of its files (size and modification
    time) and remembered, so after the first probe a check costs a `stat`; the first takes as
    long as loading does (seconds), and probes meanwhile are told it is loading. The loaded
    model is not kept: a web process that never uses it must not hold its memory.

    `files` and `load` are called at check time, so they see the module's current paths.
    """

    def __init__(self, files: Callable[[], Sequence[Path]], load: Callable[[], object]) -> None:
        self.files = files
        self.load = load
        self._lock = threading.Lock()
        self._loaded: tuple[tuple[str, int, int], ...] | None = None

    def __call__(self) -> None:
        version = []
        for path in self.files():
            try:
                stat = path.stat()
            except OSError as exc:
                raise NotReadyError(f"Cannot read the model file {path}: {exc.strerror}") from exc
            version.append((str(path), stat.st_size, stat.st_mtime_ns))
        if self._loaded == tuple(version):
            return
        if not self._lock.acquire(blocking=False):
            raise NotReadyError("Loading the model (the first check since the process started)")
        try:
            self.load()
            self._loaded = tuple(version)
        finally:
            self._lock.release()


_checks: dict[str, Check] = {
    "database": database,
    "migrations": MigrationsApplied(),
    "broker": broker,
}


def register(name: str, check: Check) -> None:
    """Add (or replace) the check called `name`."""
    _checks[name] = check


def run_checks() -> dict[str, CheckResult]:
    """Every check, in registration order; a failure does not stop the others."""
    results = {}
    for name, check in _checks.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # any failure is the finding: report it, run the next check
            error = (
                f"{type(exc).__name__}: {exc}" if not isinstance(exc, NotReadyError) else str(exc)
            )
            ok = False
        else:
            error, ok = "", True
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        results[name] = CheckResult(ok=ok, duration_ms=duration_ms, error=error)
    return results
