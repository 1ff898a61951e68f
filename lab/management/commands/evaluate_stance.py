"""`manage.py evaluate_stance --data FILE.jsonl [--json]`: accuracy, macro-F1, per-label F1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.stance import read_stance_jsonl, score
from library.evidence.stance import MODEL_PATH, StanceModel


class Command(BaseCommand):
    help = "Score {claim, evidence, label} lines with the shipped stance model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, required=True)
        parser.add_argument("--json", action="store_true", help="End with a JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["data"].is_file():
            raise CommandError(f"{options['data']}: no such file")
        try:
            claims, evidence, labels, _ = read_stance_jsonl(options["data"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        model = StanceModel.load(MODEL_PATH)
        predicted = [
            model.top_labels(claim, [passage])[0][0]
            for claim, passage in zip(claims, evidence, strict=True)
        ]
        result = score(labels, predicted)
        majority = max(set(labels), key=labels.count) if labels else ""
        result["majority_macro_f1"] = score(labels, [majority] * len(labels))["macro_f1"]
        per_label = "  ".join(f"{k} {v:.3f}" for k, v in result["f1_per_label"].items())
        self.stdout.write(
            f"n={result['n']}  accuracy {result['accuracy']:.4f}  macro-F1 {result['macro_f1']:.4f}"
            f"  (majority class {result['majority_macro_f1']:.4f})  {per_label}"
        )
        if options["json"]:
            self.stdout.write(json.dumps(result))
