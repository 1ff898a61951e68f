"""Pieces shared by the benchmarks and the end-to-end tests: a real worker process, a scratch
PostgreSQL database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent


class WorkerStartError(RuntimeError):
    pass


class WorkerProcess:
    """`celery worker` in a subprocess, logging to a file; started and ready on construction.

    With `beat_schedule` (a file path) the worker runs beat too (`--beat`), as `make run` does.
    The worker leads its own process group, so `kill_whole` can kill it as a machine dies.
    """

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        *,
        queue: str,
        concurrency: int = 1,
        ready_timeout: float = 60,
        beat_schedule: Path | None = None,
    ) -> None:
        self.log_path = log_path
        self._log = log_path.open("w")
        beat = ["--beat", "--schedule", str(beat_schedule)] if beat_schedule else []
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--loglevel", "INFO", "--pool", "prefork", "--concurrency", str(concurrency),
                "--queues", queue,
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--hostname", f"w-{uuid.uuid4().hex[:8]}@%h",
                *beat,
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self._wait_ready(ready_timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise WorkerStartError(f"celery worker exited early:\n{self.log()}")
            if " ready." in self.log():
                return
            time.sleep(0.2)
        self.stop()
        raise WorkerStartError(f"celery worker not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pool_children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def kill_whole(self) -> None:
        """SIGKILL the main process and its pool processes at once (one signal to the group):
        no process gets to hand its messages back or tell the others."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(15)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._log.close()


def with_database_name(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def recreate_postgres_database(database_url: str, name: str) -> str:
    """Drop and create `name` on the server of `database_url`; return the new database's URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database_name(database_url, name)


def use_scratch_database(database_url: str, name: str) -> tempfile.TemporaryDirectory[str]:
    """Point this process (before django.setup()) and the workers it starts at a fresh database
    `name` on the server of `database_url`, with the local settings without DEBUG (which keeps
    every SQL statement: RSS would balloon), and ANN indexes in a temporary directory (returned:
    the caller cleans it up)."""
    os.environ["DATABASE_URL"] = recreate_postgres_database(database_url, name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"
    index_dir = tempfile.TemporaryDirectory(prefix="claimdesk-ann-")
    os.environ["CLAIMDESK_DENSE_INDEX_DIR"] = index_dir.name
    return index_dir


def load_synthetic_claims(
    claims: int, *, waiting: float, in_progress: float, first_id: int = 1, citations: bool = False
) -> float:
    """Add `claims` synthetic claims (ids from `first_id`) with set-based SQL, one INSERT ...
    SELECT per table; returns the seconds it took.

    A `waiting` share is Unstarted (in take next), an `in_progress` share In progress, the
    rest published with a verdict (and a citation each, with `citations`). Ten claims per
    article. PostgreSQL only (generate_series).
    """
    from django.db import connection

    from reviews.models import Status, Verdict

    status = {s.slug: s.pk for s in Status.objects.all()}
    verdicts = list(Verdict.objects.filter(rating_value__isnull=False).values_list("pk", flat=True))
    per_article = 10
    first_article = (first_id - 1) // per_article + 1
    last_id = first_id + claims - 1
    last_article = (last_id - 1) // per_article + 1
    waiting_pct, in_progress_pct = round(waiting * 100), round(in_progress * 100)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO claims_article (id, input_kind, source_url, canonical_url,
                submission_hash, raw_content, outlet, title, byline, language, text,
                content_hash, state, progressed_at, attempts, last_error, claims_total,
                created_at, updated_at, published_at)
            SELECT g, 'url', 'https://news.example/' || g, '', md5(g::text), '',
                'Outlet ' || (g %% 40), 'Article ' || g, '',
                CASE WHEN g %% 5 = 0 THEN 'de' ELSE 'en' END,
                'Synthetic article ' || g, md5(g::text), 'ready', now(), 1, '', %s,
                now() - (g %% 720) * interval '1 hour', now(),
                now() - (g %% 720) * interval '1 hour'
            FROM generate_series(%s, %s) AS g
            ON CONFLICT (id) DO NOTHING
            """,
            [per_article, first_article, last_article],
        )
        cur.execute(
            """
            INSERT INTO claims_claim (id, article_id, text, self_contained_text, sentence,
                sentence_start, sentence_end, speaker, outlet, is_quote, checkworthiness,
                claim_type, fingerprint, evidence_state, evidence_errors, created_at,
                attribution, entities, embedding_model, speaker_kind, source,
                checkworthiness_model, evidence_providers, language, multilingual_model)
            SELECT g, (g - 1) / %s + 1, 'Synthetic claim number ' || g || ' rose by 3 percent.',
                '', '', (g %% %s) * 10, (g %% %s) * 10 + 9, 'Speaker ' || (g %% 500), '',
                false, random(), 'statistic', md5('c' || g), 'relevant', '[]', now(), '', '[]',
                '', 'person', '', 'shipped', '["library"]', 'en', ''
            FROM generate_series(%s, %s) AS g
            """,
            [per_article, per_article, per_article, first_id, last_id],
        )
        cur.execute(
            """
            INSERT INTO reviews_reviewitem (id, claim_id, status_id, in_take_next, explanation,
                priority, version, created_at, updated_at, status_changed_at, verdict_id,
                published_at)
            SELECT g, g, CASE WHEN g %% 100 < %s THEN %s
                              WHEN g %% 100 < %s THEN %s ELSE %s END,
                g %% 100 < %s,
                'Checked against the official series.', random(), 1,
                now() - (g %% 720) * interval '1 hour', now(), now(),
                CASE WHEN g %% 100 >= %s THEN (%s::bigint[])[1 + g %% %s] END,
                CASE WHEN g %% 100 >= %s THEN now() - (g %% 720) * interval '1 hour' END
            FROM generate_series(%s, %s) AS g
            """,
            [
                waiting_pct, status["unstarted"],
                waiting_pct + in_progress_pct, status["in-progress"], status["published"],
                waiting_pct,
                waiting_pct + in_progress_pct, verdicts, len(verdicts),
                waiting_pct + in_progress_pct,
                first_id, last_id,
            ],
        )  # fmt: skip
        if citations:
            cur.execute(
                """
                INSERT INTO reviews_citation (claim_id, url, title, quote, publisher, snapshot,
                    fetch_state, fetch_error, added_at)
                SELECT claim_id, 'https://stats.example/series/' || claim_id, 'Official series',
                    '', 'Statistics office', '', 'done', '', now()
                FROM reviews_reviewitem WHERE published_at IS NOT NULL AND id BETWEEN %s AND %s
                """,
                [first_id, last_id],
            )
        for table in ("claims_article", "claims_claim", "reviews_reviewitem", "reviews_citation"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 — fixed names
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        cur.execute("ANALYZE")
    return time.perf_counter() - started
