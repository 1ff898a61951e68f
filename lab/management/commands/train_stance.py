"""`manage.py train_stance [--data FILE] [--seed N]`: rebuild the shipped stance model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.stance import save, train
from library.evidence.stance import CARD_PATH, MODEL_PATH

DEFAULT_DATA = Path(settings.BASE_DIR).parent / "shared/data/stance/climate_fever_train.jsonl"


class Command(BaseCommand):
    help = "Train the stance model on Climate-FEVER pairs; report grouped CV and the baseline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--out", type=Path, default=MODEL_PATH)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["data"].is_file():
            raise CommandError(f"Training data not found at {options['data']} (../shared/data).")
        self.stdout.write("training (5-fold grouped cross-validation, then the final fit)…")
        model, card = train(options["data"], seed=options["seed"])
        out: Path = options["out"]
        save(model, out)
        (CARD_PATH if out == MODEL_PATH else out.with_suffix(".json")).write_text(
            json.dumps(card, indent=2) + "\n"
        )
        self.stdout.write(json.dumps({k: card[k] for k in ("grouped_cv", "majority_baseline")}))
