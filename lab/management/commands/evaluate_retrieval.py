"""`manage.py evaluate_retrieval --corpus C --queries Q --qrels R [--json]` (BEIR format)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.progress import progress_bar
from lab.retrieval import EMBEDDERS, MODES, evaluate_retrieval
from library.evidence.embedder import EmbedderUnavailableError


class Command(BaseCommand):
    help = "Index a BEIR corpus into a scratch index and report nDCG@10, recall, MRR, latency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", type=Path, required=True)
        parser.add_argument("--queries", type=Path, required=True)
        parser.add_argument("--qrels", type=Path, required=True)
        parser.add_argument(
            "--mode",
            choices=MODES,
            default="hybrid",
            help="lexical (BM25), dense (embeddings) or hybrid (both, fused); default hybrid.",
        )
        parser.add_argument(
            "--embedder",
            choices=EMBEDDERS,
            default="minilm",
            help="Passage and claim vectors: the transformer (default) or the static model.",
        )
        parser.add_argument("--json", action="store_true", help="End with a JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        for key in ("corpus", "queries", "qrels"):
            if not options[key].is_file():
                raise CommandError(f"--{key} {options[key]}: no such file")
        with progress_bar() as progress:
            try:
                scores = evaluate_retrieval(
                    options["corpus"],
                    options["queries"],
                    options["qrels"],
                    mode=options["mode"],
                    embedder=options["embedder"],
                    progress=progress,
                )
            except (ValueError, KeyError) as exc:
                raise CommandError(f"Bad BEIR input: {exc}") from exc
            except EmbedderUnavailableError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{scores.mode}: {scores.queries} queries over {scores.documents} documents "
            f"({scores.passages} passages): nDCG@10 {scores.ndcg_at_10:.4f}  "
            f"Recall@10 {scores.recall_at_10:.4f}  Recall@100 {scores.recall_at_100:.4f}  "
            f"MRR@10 {scores.mrr_at_10:.4f}  latency p50 {scores.p50_ms} ms, p95 {scores.p95_ms} ms"
        )
        if options["json"]:
            self.stdout.write(json.dumps(dataclasses.asdict(scores)))
