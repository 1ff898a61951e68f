"""`manage.py train_checkworthiness [--backend linear|transformer|cascade]`: rebuild a shipped
check-worthiness model (the linear one by default, deterministic); with `--with-feedback`,
train a new linear version on the reviewers' labels too, stored in the database and
activated only if it is not worse (lab/feedback.py)."""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from claims.extraction import transformer
from claims.extraction.checkworthiness import CARD_PATH, MODEL_PATH, CheckworthinessModel
from lab.checkworthiness import save, save_card, train
from lab.feedback import NothingToTrainOn, checkworthiness_retrain

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "checkworthiness"


class Command(BaseCommand):
    help = "Train a check-worthiness model on CheckThat! 2024 English train; report dev scores."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backend",
            choices=["linear", "transformer", "cascade"],
            default="linear",
            help="cascade: only re-choose the transformer's threshold and the cascade's band "
            "and mix on dev for the shipped models (after either is retrained)",
        )
        parser.add_argument("--train", type=Path, default=SHARED_DATA / "ct24_english_train.tsv")
        parser.add_argument("--dev", type=Path, default=SHARED_DATA / "ct24_english_dev.tsv")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="linear: the .skops file; transformer: the folder for the ONNX model, "
            "tokenizer and card (default: the shipped ones)",
        )
        parser.add_argument(
            "--with-feedback",
            action="store_true",
            help="Add the reviewers' labels; store the result as a model version in the "
            "database (not --out) and activate it if it is not worse than the active one.",
        )
        transformer_options = parser.add_argument_group("transformer backend")
        transformer_options.add_argument(
            "--device", choices=["auto", "cpu", "cuda"], default="auto"
        )
        transformer_options.add_argument("--epochs", type=int, default=2)
        transformer_options.add_argument("--threads", type=int, default=1, help="CPU threads")
        transformer_options.add_argument(
            "--max-rescored",
            type=float,
            default=0.3,
            help="cascade: the largest share of dev sentences the band may send to the "
            "transformer (the speed budget)",
        )
        transformer_options.add_argument(
            "--limit", type=int, default=None, help="train on a seeded sample of N sentences"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["with_feedback"]:
            self._with_feedback(options["train"], options["seed"])
            return
        if options["backend"] == "cascade":
            self._cascade(options)
            return
        train_path: Path = options["train"]
        if not train_path.exists():
            raise CommandError(
                f"Training data not found at {train_path}. It lives in ../shared/data "
                "(next to the project root) or pass --train FILE."
            )
        if options["backend"] == "transformer":
            self._transformer(train_path, options)
        else:
            self._linear(train_path, options)

    def _linear(self, train_path: Path, options: dict[str, Any]) -> None:
        dev_path: Path = options["dev"]
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
        out: Path = options["out"] or MODEL_PATH
        save(model, out)
        save_card(card, CARD_PATH if out == MODEL_PATH else out.with_suffix(".json"))
        self.stdout.write(json.dumps({k: card[k] for k in ("cv_f1_mean", "cv_f1_std")}))
        if "dev" in card:
            self.stdout.write(json.dumps(card["dev"]))
        self.stdout.write(f"Saved {out} ({out.stat().st_size / 1e6:.1f} MB)")

    def _transformer(self, train_path: Path, options: dict[str, Any]) -> None:
        dev_path: Path = options["dev"]
        if not dev_path.exists():
            raise CommandError(
                f"Dev data not found at {dev_path}: epochs and threshold are chosen on it."
            )
        missing = [name for name in ("torch", "transformers") if find_spec(name) is None]
        if missing:
            raise CommandError(
                f"{' and '.join(missing)} not installed. The transformer backend needs the "
                "training extra, best in a separate virtualenv: pip install -e '.[train]' "
                "(README, 'Check-worthiness model')."
            )
        from lab.transformer_training import Hyperparameters, train_transformer

        out_dir: Path = options["out"] or transformer.MODEL_DIR
        card = train_transformer(
            train_path,
            dev_path,
            seed=options["seed"],
            device=options["device"],
            out_dir=out_dir,
            linear=CheckworthinessModel.load(),
            hyper=Hyperparameters(epochs=options["epochs"], threads=options["threads"]),
            limit=options["limit"],
            max_rescored=options["max_rescored"],
            progress=lambda message: self.stderr.write(message),
        )
        save_card(card, out_dir / transformer.CARD_PATH.name)
        summary = {
            "chosen_epoch": card["chosen_epoch"],
            "dev_int8": card["dev_int8"],
            "cascade": card.get("cascade"),
            "wall_seconds": card["wall_seconds"],
        }
        self.stdout.write(json.dumps(summary))
        model_path = out_dir / transformer.MODEL_PATH.name
        self.stdout.write(f"Saved {model_path} ({model_path.stat().st_size / 1e6:.1f} MB)")

    def _cascade(self, options: dict[str, Any]) -> None:
        from lab.transformer_training import operating_points

        dev_path: Path = options["dev"]
        if not dev_path.exists():
            raise CommandError(f"Dev data not found at {dev_path}: the band is chosen on it.")
        out_dir: Path = options["out"] or transformer.MODEL_DIR
        card_path = out_dir / transformer.CARD_PATH.name
        card = json.loads(card_path.read_text())
        choices = operating_points(
            transformer.TransformerCheckworthiness.load(out_dir / transformer.MODEL_PATH.name),
            dev_path,
            linear=CheckworthinessModel.load(),
            max_rescored=options["max_rescored"],
        )
        save_card({**card, **choices}, card_path)
        self.stdout.write(json.dumps(choices))

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
