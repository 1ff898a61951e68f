"""`manage.py ingest PATH_OR_URL...`: submit files, folders and URLs; `--wait` for the queue."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from claims.models import Article
from claims.selectors import article_progress, articles_with_progress
from claims.services.articles import article_submit
from claims.steps import WORKING_STATES
from core.errors import ApplicationError, PermanentError, TransientError
from core.http_client import fetch_text
from core.text import decode_bytes, looks_like_html
from library.evidence.search import refresh_lexical_stats
from library.services.sources import source_ingest

SUFFIXES = {".html", ".htm", ".txt", ".text", ".md"}


def _expand(targets: list[str]) -> list[str]:
    found: list[str] = []
    for target in targets:
        if target.startswith(("http://", "https://")):
            found.append(target)
            continue
        path = Path(target)
        if path.is_dir():
            found.extend(
                str(p)
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        elif path.is_file():
            found.append(str(path))
        else:
            raise CommandError(f"{target}: no such file, folder or http(s) URL")
    return found


class Command(BaseCommand):
    help = "Submit articles from files, folders (.html/.txt/.md) or URLs to the pipeline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument(
            "--wait", action="store_true", help="Block until every article is done."
        )
        parser.add_argument(
            "--timeout", type=float, default=600.0, help="Seconds --wait gives up after."
        )
        parser.add_argument(
            "--as-source",
            action="store_true",
            help="Add to the source library (evidence), not to the articles to check.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        targets = _expand(options["targets"])
        if not targets:
            raise CommandError("Nothing to ingest: no .html/.htm/.txt/.md files found.")
        if options["as_source"]:
            self._ingest_sources(targets)
            return
        ids: list[int] = []
        problems: list[str] = []
        for target in tqdm(targets, desc="submitting", unit="article", disable=None):
            try:
                ids.append(self._submit(target))
            except ApplicationError as exc:
                problems.append(f"{target}: {exc.message}")
        for problem in problems:
            self.stderr.write(problem)
        self.stdout.write(f"Submitted {len(ids)} article(s); {len(problems)} refused.")
        if options["wait"] and ids:
            self._wait(ids, options["timeout"])
        if problems:
            raise CommandError(f"{len(problems)} target(s) could not be submitted.")

    def _ingest_sources(self, targets: list[str]) -> None:
        added = 0
        problems: list[str] = []
        for target in tqdm(targets, desc="indexing", unit="document", disable=None):
            try:
                if target.startswith(("http://", "https://")):
                    body, final_url = fetch_text(target)
                    source_ingest(body=body, url=final_url)
                else:
                    source_ingest(body=decode_bytes(Path(target).read_bytes()))
                added += 1
            except ApplicationError as exc:
                problems.append(f"{target}: {exc.message}")
            except (PermanentError, TransientError) as exc:
                problems.append(f"{target}: {exc}")
        refresh_lexical_stats()
        for problem in problems:
            self.stderr.write(problem)
        self.stdout.write(f"Indexed {added} source document(s); {len(problems)} refused.")
        if problems:
            raise CommandError(f"{len(problems)} target(s) could not be indexed.")

    @staticmethod
    def _submit(target: str) -> int:
        if target.startswith(("http://", "https://")):
            article, _ = article_submit(url=target)
            return article.pk
        raw = Path(target).read_bytes()
        body = decode_bytes(raw)
        if looks_like_html(body) or target.lower().endswith((".html", ".htm")):
            article, _ = article_submit(html=body)
        else:
            article, _ = article_submit(text=body)
        return article.pk

    def _wait(self, ids: list[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        working = set(WORKING_STATES)
        with tqdm(total=len(ids), desc="processing", unit="article", disable=None) as bar:
            done = 0
            while True:
                states = dict(Article.objects.filter(pk__in=ids).values_list("pk", "state"))
                finished = sum(1 for state in states.values() if state not in working)
                bar.update(finished - done)
                done = finished
                if finished == len(ids) or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
        self._summary(ids)
        if done < len(ids):
            raise CommandError(
                f"Timed out after {timeout:.0f}s with {len(ids) - done} article(s) still working."
                " Is a worker running? (make run starts one; or: celery -A config worker)"
            )

    def _summary(self, ids: list[int]) -> None:
        for article in articles_with_progress().filter(pk__in=ids).order_by("pk"):
            label = article_progress(article=article).label
            name = article.title or article.source_url or "(untitled)"
            self.stdout.write(
                f"  #{article.pk} {name[:70]}: {label}, {article.claims_total} claim(s)"
            )
        total = sum(Article.objects.filter(pk__in=ids).values_list("claims_total", flat=True))
        self.stdout.write(f"{total} claim(s) in the review queue from {len(ids)} article(s).")
