"""Bytes → text → article fields. Pure functions: no database, no network."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import py3langid
import trafilatura
from charset_normalizer import from_bytes
from django.utils.dateparse import parse_date, parse_datetime

from core.errors import ApplicationError

_WHITESPACE = re.compile(r"\s+")
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_HTML_SNIFF = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!doctype html|<html|<head|<body|<article|<main|<div|<meta|<title|<p[ >])",
    re.I | re.S,
)


def decode_bytes(data: bytes, declared_charset: str | None = None) -> str:
    """Decode a body whose encoding may be wrong or unstated.

    The declared charset wins when it decodes cleanly; otherwise charset-normalizer guesses.
    Bytes that look binary are refused, because extracting "text" from them yields garbage claims.
    """
    if b"\x00" in data[:4096]:
        raise ApplicationError(
            "The body looks binary (it contains NUL bytes); send HTML or plain text.",
            code="not_text",
        )
    if declared_charset:
        try:
            return data.decode(declared_charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data))
    if not matches:
        raise ApplicationError(
            "The body could not be decoded as text in any known encoding.", code="not_text"
        )
    best = matches[0]
    # Short texts often tie between code pages (cp1250 vs cp1252 for French); on a tie prefer
    # windows-1252, the legacy encoding most undeclared web text is really in (WHATWG maps
    # latin-1 labels to it too).
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    western = next((m for m in tied if m.encoding in _WESTERN), best)
    return str(western)


def looks_like_html(data: bytes | str) -> bool:
    head = data[:512].encode() if isinstance(data, str) else data[:512]
    return bool(_HTML_SNIFF.match(head))


def normalise_for_hash(text: str) -> str:
    """Case-, width- and whitespace-insensitive form used for duplicate detection."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_for_hash(text).encode()).hexdigest()


@dataclass(frozen=True)
class ExtractedPage:
    text: str
    title: str = ""
    byline: str = ""
    outlet: str = ""
    canonical_url: str = ""
    published_at: datetime | None = None
    language: str = ""
    # Plain text only: where `text` begins in the input once its line ends are "\n".
    text_start: int = 0


def parse_published(value: str | None) -> datetime | None:
    """An ISO date or datetime as an aware datetime (UTC when no zone is given)."""
    if not value:
        return None
    try:
        moment = parse_datetime(value.strip())
        if moment is None:
            day = parse_date(value.strip()[:10])
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    except ValueError:  # well-formed but impossible, e.g. 2020-13-45
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def extract_from_html(html: str, *, url: str = "") -> ExtractedPage:
    """Main text and metadata of a web page, via trafilatura (boilerplate, scripts, nav removed)."""
    text = trafilatura.extract(
        html,
        url=url or None,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    metadata = trafilatura.extract_metadata(html, default_url=url or None)
    return ExtractedPage(
        text=(text or "").strip(),
        title=(metadata.title or "") if metadata else "",
        byline=(metadata.author or "") if metadata else "",
        outlet=(metadata.sitename or "") if metadata else "",
        canonical_url=(metadata.url or "") if metadata else "",
        published_at=parse_published(metadata.date if metadata else None),
        language=(metadata.language or "") if metadata else "",
    )


_BYLINE = re.compile(r"^by\s+(?P<name>[^,\n]{2,80})", re.I)


def extract_from_text(text: str) -> ExtractedPage:
    """Plain text: a short first line is the headline; a "By …" line near the top is the byline.

    The body keeps every line (offsets index it); boilerplate lines are skipped by the claim
    engine, not cut here."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = normalised.strip()
    lead = len(normalised) - len(normalised.lstrip())
    lines = [line.strip() for line in cleaned.split("\n") if line.strip()]
    byline = next((m.group("name").strip() for ln in lines[:6] if (m := _BYLINE.match(ln))), "")
    if not lines or not _looks_like_headline(lines[0]):
        return ExtractedPage(text=cleaned, byline=byline, text_start=lead)
    outlet = ""
    title = lines[0]
    # "SOUTHERN OCEAN REVIEW" above the headline is the masthead, not the headline.
    if title.isupper() and len(lines) > 1 and _looks_like_headline(lines[1]):
        outlet, title = title.title(), lines[1]
    after_title = cleaned.index(title, len(lines[0]) if outlet else 0) + len(title)
    rest = cleaned[after_title:]
    body = rest.strip()
    return ExtractedPage(
        text=body,
        title=title,
        byline=byline,
        outlet=outlet,
        text_start=lead + after_title + len(rest) - len(rest.lstrip()),
    )


def offset_in_input(text: str, *, text_start: int) -> Callable[[int], int]:
    """Maps an offset into `extract_from_text(text).text` to the same character's offset in
    `text` as given, where the headline line and every "\r\n" line end still count."""
    # Where each "\r\n" (two characters here, one "\n" once normalised) sits once normalised.
    crlf = [match.start() - i for i, match in enumerate(re.finditer("\r\n", text))]

    def to_input(offset: int) -> int:
        at = text_start + offset
        return at + bisect_left(crlf, at)

    return to_input


def _looks_like_headline(line: str) -> bool:
    return len(line) <= 200 and not line.endswith((".", "?", "!", ":", ","))


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language ("" for text too short to tell)."""
    sample = text[:5000]
    if len(sample.split()) < 3:
        return ""
    code, _ = py3langid.classify(sample)
    return str(code)


_OPENING_QUOTES = '"“‘«„'
_CLOSING_QUOTES = '"”’»“'


def balance_quotes(text: str) -> str:
    """`text` without a quote mark that opens or closes nothing: a claim cut from a longer
    quotation often keeps its first mark (“We will cut taxes.) or its last one."""
    text = text.strip()
    if text[:1] in _OPENING_QUOTES and not any(c in _CLOSING_QUOTES for c in text[1:]):
        text = text[1:].lstrip()
    if text[-1:] in _CLOSING_QUOTES and not any(c in _OPENING_QUOTES for c in text[:-1]):
        text = text[:-1].rstrip()
    return text
