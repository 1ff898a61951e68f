"""`manage.py index_library [--limit N]`: embed every library passage that lacks a vector from
the current model, with a progress bar, then refresh this machine's passage index.

What the Celery tasks do in the background (`claims.source_document_index`,
`claims.library_index_missing`), in the foreground for a large import or a model change.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from core.ann import AnnIndexUnavailableError
from library.evidence.dense import passage_index_refresh
from library.evidence.embedder import EmbedderUnavailableError
from library.services.indexing import library_embedding_counts, library_index_missing


class Command(BaseCommand):
    help = "Embed passages lacking a current vector (progress bar), then refresh the ANN index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, help="At most this many passages (default all).")

    def handle(self, *args: Any, **options: Any) -> None:
        before, total = library_embedding_counts()
        self.stdout.write(f"{before} of {total} passages have a current vector.")
        # disable=None: the bar shows on a terminal and stays out of logs and pipes.
        with tqdm(unit="passage", desc="embedding", disable=None) as bar:

            def progress(done: int, of: int) -> None:
                bar.total = of
                bar.update(done - bar.n)

            try:
                embedded = library_index_missing(limit=options["limit"], progress=progress)
            except EmbedderUnavailableError as exc:
                raise CommandError(str(exc)) from exc
        after, total = library_embedding_counts()
        self.stdout.write(
            f"Embedded {embedded}; {after} of {total} passages have a current vector."
        )
        if embedded:
            try:
                result = passage_index_refresh()
            except AnnIndexUnavailableError as exc:
                raise CommandError(f"Vectors saved, but the passage index failed: {exc}") from exc
            self.stdout.write(f"Passage index: {result.size} vectors (+{result.added}).")
