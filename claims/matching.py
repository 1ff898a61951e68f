"""Claim matching: is a new claim the same as one already reviewed?

The score is the cosine similarity of the two claims' sentence embeddings, nudged by how many
named entities and quantities they share (two claims about different people or numbers are
different claims however alike their wording). Above the suggest threshold a reviewer is shown
the earlier claim; above the auto-link threshold the new claim joins its cluster, unless
- the new claim is too short to be specific ("The minister lied." matches too much), or
- the claims differ in any content word: "X does not cause Y", "X lowers Y" and "X raises Y
  by 90%" all read almost exactly like "X raises Y by 10%" to an embedding model, yet a
  verdict on one says nothing about the others. Reworded claims are suggested, not linked.
`manage.py evaluate_matching` measures these rules on SciFact claim pairs (README).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from library.evidence.embedder import Vectors

# Weight of entity overlap (Jaccard) in the score when both claims name entities.
ENTITY_WEIGHT = 0.15
_WORD = re.compile(r"\w+(?:[.,'’%-]\w+)*%?")
# Words that never change what a claim asserts (unlike search stopwords such as "not", "more").
_FUNCTION_WORDS = frozenset((
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "with", "by", "from", "as", "and",
    "is", "are", "was", "were", "be", "been", "being", "that", "this", "these", "those", "it",
    "its", "their", "there",
))  # fmt: skip


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def content_words(text: str) -> list[str]:
    """The claim's words in order, without case and function words."""
    return [w for w in (m.casefold() for m in _WORD.findall(text)) if w not in _FUNCTION_WORDS]


def same_content(a: str, b: str) -> bool:
    """Whether the claims say the same words in the same order, up to case, punctuation and
    function words. Auto-linking demands it: SciFact's claim pairs show that one swapped
    word ("raises"/"lowers", "central"/"peripheral", "male"/"female", a number) turns a claim
    into its opposite while its embedding barely moves."""
    return content_words(a) == content_words(b)


def entity_overlap(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Jaccard overlap of the two entity sets (case-insensitive); None when either is empty."""
    left = {e.casefold() for e in a}
    right = {e.casefold() for e in b}
    if not left or not right:
        return None
    return len(left & right) / len(left | right)


def match_score(cosine: float, overlap: float | None) -> float:
    if overlap is None:
        return cosine
    return (1 - ENTITY_WEIGHT) * cosine + ENTITY_WEIGHT * overlap


@dataclass(frozen=True)
class Match:
    claim_id: int
    score: float
    linked: bool  # joins the matched claim's cluster (else only a suggestion)


@dataclass(frozen=True)
class Candidates:
    """Earlier claims to match against: ids, unit vectors (rows), entities and texts."""

    ids: list[int]
    vectors: Vectors
    entities: list[list[str]]
    texts: list[str]


def best_match(
    *,
    text: str,
    vector: Vectors,
    entities: Sequence[str],
    candidates: Candidates,
    suggest_at: float,
    link_at: float,
    min_words: int,
) -> Match | None:
    """The best-scoring candidate at or above `suggest_at`, with whether it may auto-link."""
    if not candidates.ids:
        return None
    cosines = candidates.vectors @ vector
    # Only the top few by cosine can win: entity overlap moves a score by at most the weight.
    shortlist = np.argsort(-cosines)[:20]
    scored = [
        (match_score(float(cosines[i]), entity_overlap(entities, candidates.entities[i])), int(i))
        for i in shortlist
    ]
    score, best = max(scored, key=lambda pair: (pair[0], -candidates.ids[pair[1]]))
    if score < suggest_at:
        return None
    linked = (
        score >= link_at
        and word_count(text) >= min_words
        and same_content(text, candidates.texts[best])
    )
    return Match(claim_id=candidates.ids[best], score=round(score, 4), linked=linked)
