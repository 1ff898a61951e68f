"""`manage.py import_claimreview PATH_OR_URL...`: fact-checks from pages, feeds or URLs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ApplicationError, PermanentError, TransientError
from core.http_client import fetch_text
from core.text import decode_bytes
from library.services.factchecks import claimreviews_from_document, factchecks_import


class Command(BaseCommand):
    help = "Import schema.org ClaimReview from fact-check pages, feeds (JSON/JSONL) or URLs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sources", nargs="+", metavar="PATH_OR_URL")

    def handle(self, *args: Any, **options: Any) -> None:
        failures = 0
        for source in options["sources"]:
            try:
                if source.startswith(("http://", "https://")):
                    text, _ = fetch_text(source)
                else:
                    text = decode_bytes(Path(source).read_bytes())
                reviews = claimreviews_from_document(text)
            except (OSError, ApplicationError, PermanentError, TransientError) as exc:
                failures += 1
                self.stderr.write(f"{source}: {getattr(exc, 'message', exc)}")
                continue
            result = factchecks_import(reviews=reviews)
            self.stdout.write(
                f"{source}: {len(reviews)} ClaimReview(s), {result.created} new, "
                f"{result.updated} updated"
            )
        if failures:
            raise CommandError(f"{failures} source(s) could not be imported.")
