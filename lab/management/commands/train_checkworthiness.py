"""`manage.py train_checkworthiness`: rebuild the shipped check-worthiness model (deterministic);
with `--with-feedback`, train a new version on the reviewers' labels too, stored in the
database and activated only if it is not worse (lab/feedback.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from claims.extraction.checkworthiness import CARD_PATH, MODEL_PATH
from lab.checkworthiness import save, save_card, train
from lab.feedback import NothingToTrainOn, checkworthiness_retrain

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "checkworthiness"


class Command(BaseCommand):
    help = "Train the check-worthiness model on CheckThat! 2024 English train; report CV and dev."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", type=Path, default=SHARED_DATA / "ct24_english_train.tsv")
        parser.add_argument("--dev", type=Path, default=SHARED_DATA / "ct24_english_dev.tsv")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--out", type=Path, default=MODEL_PATH)
        parser.add_argument(
            "--with-feedback",
            action="store_true",
            help="Add the reviewers' labels; store the result as a model version in the "
            "database (not --out) and activate it if it is not worse than the active one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["with_feedback"]:
            self._with_feedback(options["train"], options["seed"])
            return
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

    def _with_feedback(self, train_path: Path, seed: int) -> None:
        if not train_path.exists():
            self.stderr.write(
                f"No base set at {train_path}: training on the newsroom's labels alone."
            )
        try:
            outcome = checkworthiness_retrain(
                base_path=train_path, seed=seed, progress=lambda m: self.stderr.write(m)
            )
        except NothingToTrainOn as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Trained on: {outcome.trained_on}")
        version = outcome.version
        if version is None:
            return
        self.stdout.write(json.dumps({"heldout": outcome.card["heldout"]}))
        self.stdout.write(json.dumps({"compared_with": outcome.card["compared_with"]}))
        verdict = "activated" if version.is_active else "stored inactive (worse on held-out)"
        self.stdout.write(f"{version.name}: {verdict}")
