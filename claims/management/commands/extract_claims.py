"""`manage.py extract_claims PATH [--json]`: the claim engine on one file; writes nothing."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction import get_extractor
from core.errors import ApplicationError
from core.text import (
    decode_bytes,
    detect_language,
    extract_from_html,
    extract_from_text,
    looks_like_html,
)


class Command(BaseCommand):
    help = "Print the claims (and every sentence considered) of a text or HTML file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--json", action="store_true", help="One JSON object per considered sentence."
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
        language = page.language or detect_language(page.text)
        sentences = get_extractor().extract(
            page.text, author=page.byline, outlet=page.outlet, language=language
        )
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
