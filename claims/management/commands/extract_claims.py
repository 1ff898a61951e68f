"""`manage.py extract_claims PATH [--json] [--text]`: the claim engine on one file; writes
nothing. `start`/`end` index the input as given: a plain-text file's own characters (headline
line and "\r\n" line ends included), or for HTML the extracted text that `--text` prints."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction import ScoredSentence, get_extractor
from core.errors import ApplicationError
from core.text import (
    decode_bytes,
    detect_language,
    extract_from_html,
    extract_from_text,
    looks_like_html,
    offset_in_input,
)


class Command(BaseCommand):
    help = "Print the claims (and every sentence considered) of a text or HTML file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--json", action="store_true", help="One JSON object per considered sentence."
        )
        parser.add_argument(
            "--text",
            action="store_true",
            help="Print only the text that start/end index (for HTML, the extracted text).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            body = decode_bytes(path.read_bytes())
        except ApplicationError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        is_html = path.suffix.lower() in {".html", ".htm"} or looks_like_html(body)
        page = extract_from_html(body) if is_html else extract_from_text(body)
        indexed = page.text if is_html else body
        if options["text"]:
            self.stdout.write(indexed, ending="")
            return
        language = page.language or detect_language(page.text)
        sentences = get_extractor().extract(
            page.text, author=page.byline, outlet=page.outlet, language=language
        )
        if not is_html:
            sentences = _in_input(sentences, body, text_start=page.text_start)
        if options["json"]:
            for sentence in sentences:
                record = dataclasses.asdict(sentence)
                record["type"] = record.pop("claim_type")
                record["language"] = language
                self.stdout.write(json.dumps(record, ensure_ascii=False))
            return
        claims = [s for s in sentences if s.check_worthy]
        self.stdout.write(
            f"{page.title or path.name} — {len(claims)} claim(s) in {len(sentences)} sentence(s)"
            f"{f', language {language}' if language else ''}"
        )
        for claim in claims:
            who = claim.speaker or "unattributed"
            if claim.source:
                who += f" (source: {claim.source})"
            self.stdout.write(
                f"\n[{claim.score:.2f}] {claim.self_contained_text}\n"
                f"    {claim.claim_type} · {who}{' (quote)' if claim.is_quote else ''}"
                f" · chars {claim.start}-{claim.end}"
            )


def _in_input(
    sentences: list[ScoredSentence], body: str, *, text_start: int
) -> list[ScoredSentence]:
    """The sentences with offsets, and the text they span, taken from the file as given."""
    to_input = offset_in_input(body, text_start=text_start)
    moved = []
    for s in sentences:
        start, end = to_input(s.start), to_input(s.end)
        span = body[start:end]
        moved.append(dataclasses.replace(s, start=start, end=end, sentence=span, text=span))
    return moved
