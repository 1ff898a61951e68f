"""`manage.py train_stance [--data FILE] [--seed N] [--cross-encoder …]`: rebuild the shipped
stance model: the linear model alone, or with `--cross-encoder` (the `train` extra) the
MiniLM cross-encoder too, mixed with it (README, "Stance suggestions")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.stance import save, train
from library.evidence.stance import CARD_PATH, MODEL_PATH

SHARED = Path(settings.BASE_DIR).parent / "shared/data"
DEFAULT_DATA = SHARED / "stance/climate_fever_train.jsonl"
DEFAULT_SCIFACT = SHARED / "retrieval/scifact"


class Command(BaseCommand):
    help = "Train the stance model on Climate-FEVER pairs; report grouped CV and the baseline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--out", type=Path, default=MODEL_PATH)
        parser.add_argument(
            "--cross-encoder",
            action="store_true",
            help="Also fine-tune the MiniLM cross-encoder (needs the `train` extra).",
        )
        parser.add_argument(
            "--scifact",
            type=Path,
            default=DEFAULT_SCIFACT,
            help="SciFact folder whose train rationales join the cross-encoder's data.",
        )
        parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--epochs", type=int, default=None)
        parser.add_argument(
            "--limit", type=int, default=None, help="Claims per dataset (smoke runs)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["data"].is_file():
            raise CommandError(f"Training data not found at {options['data']} (../shared/data).")
        self.stdout.write("training (5-fold grouped cross-validation, then the final fit)…")
        model, card = train(options["data"], seed=options["seed"])
        out: Path = options["out"]
        if options["cross_encoder"]:
            card = self._with_cross_encoder(card, out, options)
        save(model, out)
        (CARD_PATH if out == MODEL_PATH else out.with_suffix(".json")).write_text(
            json.dumps(card, indent=2) + "\n"
        )
        summary = {k: card[k] for k in ("grouped_cv", "majority_baseline")}
        if "cross_encoder" in card:
            summary["combined"] = card["cross_encoder"]["grouped_cv"]["combined"]
        self.stdout.write(json.dumps(summary))

    def _with_cross_encoder(
        self, card: dict[str, Any], out: Path, options: dict[str, Any]
    ) -> dict[str, Any]:
        """The linear card with the cross-encoder's section; its mix's hint thresholds replace
        the linear model's (kept as `linear_hints`)."""
        try:
            from lab.stance_training import Hyperparameters, train_cross_encoder
        except ImportError as exc:  # torch and transformers come with the `train` extra
            raise CommandError(
                f"{exc}. Install the training extra: pip install -e '.[train]'"
            ) from exc
        scifact = options["scifact"] if options["scifact"].is_dir() else None
        hyper = Hyperparameters()
        if options["epochs"] is not None:
            hyper = Hyperparameters(epochs=options["epochs"])
        section = train_cross_encoder(
            options["data"],
            scifact,
            seed=options["seed"],
            device=options["device"],
            folds=options["folds"],
            out_dir=out.parent,
            hyper=hyper,
            limit=options["limit"],
            progress=lambda line: self.stdout.write(line),
        )
        return {
            **card,
            "linear_hints": card["hints"],
            "hints": section.pop("hints"),
            "cross_encoder": section,
        }
