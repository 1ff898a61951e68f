"""`manage.py embed_multilingual`: give reviewed claims matched before cross-language matching
existed (or by an older multilingual model) their language and multilingual vector, so new
claims in other languages find them (README, "Cross-language matching")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claims.services.matching import multilingual_vectors_backfill


class Command(BaseCommand):
    help = "Embed reviewed claims with the multilingual model where they lack its vector."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=100, help="Claims read per query.")

    def handle(self, *args: Any, **options: Any) -> None:
        done = multilingual_vectors_backfill(batch=options["batch"])
        self.stdout.write(f"{done} reviewed claims embedded; the index refresh is queued.")
