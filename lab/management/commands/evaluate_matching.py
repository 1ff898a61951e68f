"""`manage.py evaluate_matching --claims claims_train.jsonl [--json]`: claim-matching precision
and recall at the configured thresholds, on SciFact claim pairs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.conf import conf
from lab.matching import evaluate_matching
from library.evidence.embedder import EmbedderUnavailableError


class Command(BaseCommand):
    help = (
        "Match every SciFact claim against all the others, as if they had been reviewed, and "
        "report suggest/auto-link precision and recall at the configured thresholds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--claims",
            type=Path,
            default=Path("../shared/data/retrieval/scifact/claims_train.jsonl"),
        )
        parser.add_argument("--suggest", type=float, help="Override the suggest threshold.")
        parser.add_argument("--autolink", type=float, help="Override the auto-link threshold.")
        parser.add_argument("--json", action="store_true", help="End with a JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["claims"].is_file():
            raise CommandError(f"--claims {options['claims']}: no such file")
        suggest = options["suggest"] or conf().match_suggest_threshold
        autolink = options["autolink"] or conf().match_autolink_threshold
        try:
            report = evaluate_matching(
                options["claims"],
                suggest_at=suggest,
                link_at=autolink,
                min_words=conf().match_min_words,
            )
        except (ValueError, KeyError) as exc:
            raise CommandError(f"Bad claims file: {exc}") from exc
        except EmbedderUnavailableError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{report.claims} claims; {report.with_same_verdict_partner} have a same-verdict "
            f"partner (same cited sentence, same label), {report.with_related_partner} a related "
            "one (same cited document)."
        )
        self.stdout.write(
            "threshold  suggest P / R      auto-link P / R   links to opposite verdict"
        )
        for row in report.sweep:
            marker = " <- " if row.threshold in (suggest, autolink) else ""
            self.stdout.write(
                f"  {row.threshold:.2f}     {row.suggest_precision:.3f} / {row.suggest_recall:.3f}"
                f"    {row.link_precision:.3f} / {row.link_recall:.3f}"
                f"    {row.links_to_opposite_verdict}{marker}"
            )
        self.stdout.write(
            f"At suggest {suggest}: precision {report.at_suggest.suggest_precision:.3f}, "
            f"recall {report.at_suggest.suggest_recall:.3f}. At auto-link {autolink}: precision "
            f"{report.at_link.link_precision:.3f}, recall {report.at_link.link_recall:.3f}, "
            f"{report.at_link.links_to_opposite_verdict} links to an opposite verdict."
        )
        if options["json"]:
            self.stdout.write(json.dumps(dataclasses.asdict(report)))
