"""An article's text cut into plain and highlighted pieces from character offsets.

The pieces are data, not HTML: the template writes each one through autoescaping, so no text
from an article ever reaches the page unescaped, whatever the offsets are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    href: str = ""  # where the highlight leads ("" for a highlight that links nowhere)
    label: str = ""  # the link's accessible description


@dataclass(frozen=True)
class Segment:
    text: str
    span: Span | None = None  # the highlight this piece belongs to; None for plain text


def highlight_segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """`text` as consecutive segments whose texts join back to `text` exactly.

    Offsets are clamped to the text. Spans are taken in start order; one that overlaps an
    earlier one keeps only its part after the earlier one ends (a sentence belongs to one
    claim, so overlaps mean stale offsets, and showing the text once matters more), and an
    empty remainder is dropped. Adjacent spans stay separate highlights.
    """
    segments: list[Segment] = []
    position = 0
    size = len(text)
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        start = min(max(span.start, position), size)
        end = min(max(span.end, 0), size)
        if end <= start:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], span))
        position = end
    if position < size:
        segments.append(Segment(text[position:]))
    return segments
