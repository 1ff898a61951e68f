"""`manage.py train_reranker [--device auto|cpu|cuda] [--seed N]`: rebuild the shipped
cross-encoder reranker (library/evidence/models/reranker-minilm-l6.*) from SciFact train,
with hard negatives from the current hybrid retriever, and write its model card with the
held-in figures (lab/reranking.py, lab/reranker_training.py)."""

from __future__ import annotations

import hashlib
import json
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.checkworthiness import sha256_of
from lab.reranking import Candidates, mine_candidates
from library.conf import conf
from library.evidence import rerank
from library.evidence.embedder import EmbedderUnavailableError, model_version

SCIFACT = Path(settings.BASE_DIR).parent / "shared" / "data" / "retrieval" / "scifact"


class Command(BaseCommand):
    help = "Train the cross-encoder reranker on SciFact train; report held-in scores per K."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", type=Path, default=SCIFACT / "corpus.jsonl")
        parser.add_argument("--queries", type=Path, default=SCIFACT / "queries_train.jsonl")
        parser.add_argument("--qrels", type=Path, default=SCIFACT / "qrels_train.tsv")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
        parser.add_argument("--epochs", type=int, default=2)
        parser.add_argument("--threads", type=int, default=1, help="CPU threads for torch")
        parser.add_argument(
            "--limit", type=int, default=None, help="use a seeded sample of N claims per part"
        )
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="folder for the ONNX model, tokenizer and card (default: the shipped ones)",
        )
        parser.add_argument(
            "--mine-only",
            action="store_true",
            help="only mine (or load) the hybrid candidates and print the held-in baselines",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = {key: options[key] for key in ("corpus", "queries", "qrels")}
        for key, path in paths.items():
            if not path.is_file():
                raise CommandError(
                    f"--{key} {path}: no such file. SciFact lives in ../shared/data "
                    "(next to the project root)."
                )
        data = {key: {"file": p.name, "sha256": sha256_of(p)} for key, p in paths.items()}
        candidates = self._candidates(paths, data)
        if options["mine_only"]:
            self.stdout.write(json.dumps(candidates.baseline_held_in))
            return
        missing = [name for name in ("torch", "transformers") if find_spec(name) is None]
        if missing:
            raise CommandError(
                f"{' and '.join(missing)} not installed. Training needs the training extra, "
                "best in a separate virtualenv: pip install -e '.[train]' (README, 'Reranking')."
            )
        from lab.reranker_training import Hyperparameters, train_reranker

        out_dir: Path = options["out"] or rerank.MODEL_DIR
        out_dir.mkdir(parents=True, exist_ok=True)
        card = train_reranker(
            candidates,
            seed=options["seed"],
            device=options["device"],
            out_dir=out_dir,
            hyper=Hyperparameters(epochs=options["epochs"], threads=options["threads"]),
            limit=options["limit"],
            data=data,
            progress=lambda message: self.stderr.write(message),
        )
        card_path = out_dir / rerank.CARD_PATH.name
        card_path.write_text(json.dumps(card, indent=2) + "\n")
        summary = {
            key: card[key]
            for key in ("chosen_epoch", "weights_by_top_k", "held_in_hybrid", "train_seconds")
        }
        self.stdout.write(json.dumps(summary))
        for row in card["held_in_by_top_k"]:
            self.stdout.write(json.dumps(row))
        self.stdout.write(f"Saved {out_dir / rerank.MODEL_PATH.name} and {card_path}")

    def _candidates(self, paths: dict[str, Path], data: dict[str, Any]) -> Candidates:
        """The hybrid retriever's candidates, mined once per data and retriever (minutes:
        the corpus is embedded) and kept under var/."""
        try:
            embedder = model_version()
        except EmbedderUnavailableError as exc:
            raise CommandError(str(exc)) from exc
        key = json.dumps(
            [data, embedder, conf().hybrid_candidates, conf().hybrid_rrf_k], sort_keys=True
        )
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        cache = Path(settings.VAR_DIR) / "reranking" / f"candidates-{digest}.json"
        if not cache.is_file():
            self.stderr.write("mining the hybrid retriever's candidates (embeds the corpus)")
            raw = mine_candidates(
                paths["corpus"],
                paths["queries"],
                paths["qrels"],
                progress=lambda stage, done, total: (
                    self.stderr.write(f"{stage} {done}/{total}") if done % 200 == 0 else None
                ),
            )
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(raw))
        return Candidates.of(json.loads(cache.read_text()))
