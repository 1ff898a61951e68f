"""`manage.py train_relevance [--scifact DIR] [--depth N] [--seed N] [--out FILE]`: rebuild the
shipped evidence relevance model (library/evidence/models/relevance.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.progress import progress_bar
from lab.relevance import collect_pairs, train, write_card
from library.evidence.embedder import EmbedderUnavailableError
from library.evidence.relevance import MODEL_PATH

DEFAULT_DATA = Path(settings.BASE_DIR).parent / "shared/data/retrieval/scifact"
FILES = ("corpus.jsonl", "queries_train.jsonl", "qrels_train.tsv")


class Command(BaseCommand):
    help = "Calibrate evidence relevance on SciFact train claims (grouped CV); write the card."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scifact", type=Path, default=DEFAULT_DATA, help="BEIR folder.")
        parser.add_argument(
            "--depth", type=int, default=10, help="Hybrid hits per claim (default 10)."
        )
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--out", type=Path, default=MODEL_PATH)

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [options["scifact"] / name for name in FILES]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"SciFact files not found: {', '.join(missing)} (../shared/data).")
        with progress_bar() as progress:
            try:
                pairs = collect_pairs(*paths, depth=options["depth"], progress=progress)
            except EmbedderUnavailableError as exc:
                raise CommandError(str(exc)) from exc
        card = train(pairs, seed=options["seed"], sources=paths, depth=options["depth"])
        write_card(card, options["out"])
        cv = card["grouped_cv"]
        self.stdout.write(
            f"{card['pairs']['pairs']} pairs from {card['pairs']['claims']} claims; "
            f"method {cv['chosen']}, threshold {cv['gate']['threshold']}: "
            f"precision {cv['gate']['precision']}, recall {cv['gate']['recall']} (grouped CV)"
        )
        self.stdout.write(json.dumps(cv["methods"]))
