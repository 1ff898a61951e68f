"""`manage.py train_checkworthiness`: rebuild the shipped check-worthiness model (deterministic)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from claims.extraction.checkworthiness import CARD_PATH, MODEL_PATH
from lab.checkworthiness import save, save_card, train

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "checkworthiness"


class Command(BaseCommand):
    help = "Train the check-worthiness model on CheckThat! 2024 English train; report CV and dev."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", type=Path, default=SHARED_DATA / "ct24_english_train.tsv")
        parser.add_argument("--dev", type=Path, default=SHARED_DATA / "ct24_english_dev.tsv")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--out", type=Path, default=MODEL_PATH)

    def handle(self, *args: Any, **options: Any) -> None:
        train_path: Path = options["train"]
        dev_path: Path = options["dev"]
        if not train_path.exists():
            raise CommandError(
                f"Training data not found at {train_path}. It lives in ../shared/data "
                "(next to the project root) or pass --train FILE."
            )
        steps = tqdm(total=8, desc="training", unit="step", disable=None)

        def progress(message: str) -> None:
            steps.set_postfix_str(message)
            steps.update(1)

        model, card = train(
            train_path,
            dev_path=dev_path if dev_path.exists() else None,
            seed=options["seed"],
            progress=progress,
        )
        steps.close()
        out: Path = options["out"]
        save(model, out)
        save_card(card, CARD_PATH if out == MODEL_PATH else out.with_suffix(".json"))
        self.stdout.write(json.dumps({k: card[k] for k in ("cv_f1_mean", "cv_f1_std")}))
        if "dev" in card:
            self.stdout.write(json.dumps(card["dev"]))
        self.stdout.write(f"Saved {out} ({out.stat().st_size / 1e6:.1f} MB)")
