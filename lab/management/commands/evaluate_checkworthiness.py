"""`manage.py evaluate_checkworthiness --data FILE [--json]` on CheckThat! TSV files."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.conf import CHECKWORTHINESS_BACKENDS, conf
from claims.extraction.checkworthiness import CheckworthinessModel
from claims.extraction.engine import ClaimEngine, checkworthiness_scorer, resolve_scorer
from lab.checkworthiness import Scores, read_checkthat_tsv


class Command(BaseCommand):
    help = (
        "Score a labelled CheckThat! TSV file with a shipped backend (and, with --with-rules, "
        "the engine's rules); print P/R/F1/accuracy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, required=True)
        parser.add_argument(
            "--backend",
            choices=CHECKWORTHINESS_BACKENDS,
            default=None,
            help="default: CLAIMDESK_CHECKWORTHINESS_BACKEND",
        )
        parser.add_argument("--threshold", type=float, default=None)
        parser.add_argument(
            "--with-rules",
            action="store_true",
            help="Score as the claim engine does: the model, then the rules' caps and lifts; a "
            "sentence counts as check-worthy when it or a premise inside it is.",
        )
        parser.add_argument("--json", action="store_true", help="End with a JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["data"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            texts, labels = read_checkthat_tsv(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not texts:
            raise CommandError(f"{path}: no labelled sentences")
        threshold = options["threshold"]
        if threshold is None:
            threshold = conf().checkworthy_threshold
        backend = options["backend"] or conf().checkworthiness_backend
        model = resolve_scorer(checkworthiness_scorer(backend, CheckworthinessModel.load()))
        # Sentences/s per core: the process is pinned to one core for the timing.
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        started = time.perf_counter()
        if options["with_rules"]:
            engine = ClaimEngine(model, threshold=threshold)
            predicted = [
                any(part.score >= threshold for part in parts) for parts in engine.judge(texts)
            ]
        else:
            predicted = list(model.score(texts) >= threshold)
        elapsed = time.perf_counter() - started
        result = Scores.of(labels, predicted).__dict__
        result["sentences_per_s"] = round(len(texts) / elapsed, 1)
        result["threshold"] = threshold
        result["with_rules"] = options["with_rules"]
        result["backend"] = backend
        result["model_version"] = model.version
        self.stdout.write(
            f"n={result['n']}  precision={result['precision']:.4f}  recall={result['recall']:.4f}"
            f"  F1={result['f1']:.4f}  accuracy={result['accuracy']:.4f}"
            f"  ({result['sentences_per_s']:.0f} sentences/s)"
        )
        if options["json"]:
            self.stdout.write(json.dumps(result))
