"""Sentence segmentation with exact character offsets into the original text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "gov",
        "sen",
        "rep",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "univ",
        "no",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "approx",
        "est",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "a.m",
        "p.m",
    ]
)
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and an opener,
# or at a line break (extracted text puts each paragraph, headline and list item on its own line).
_BOUNDARY = re.compile(
    r"""(?P<end>[.!?…]+["'”’)\]]*)(?P<gap>\s+)(?=["'“‘(\[]?[A-Z0-9À-ÖØ-Þ])"""
    r"""|(?P<para>\s*\n\s*)"""
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def _is_abbreviation(text: str, dot_index: int) -> bool:
    # Look only at a short window before the dot: searching from 0 made long texts quadratic.
    match = _WORD_BEFORE.search(text, max(0, dot_index - 40), dot_index + 1)
    if not match:
        return False
    word = match.group(1).rstrip(".").lower()
    # Single capital letters are initials ("J. Smith"); numbers with a dot are list items.
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> Iterator[Span]:
    """Yield non-empty sentences; `text[span.start:span.end] == span.text` always holds."""
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group("para") is not None:
            cut, next_start = match.start(), match.end()
        else:
            if match.group("end").startswith(".") and _is_abbreviation(text, match.start("end")):
                continue
            cut, next_start = match.end("end"), match.end()
        yield from _trimmed(text, start, cut)
        start = next_start
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[Span]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield Span(start, end, text[start:end])
