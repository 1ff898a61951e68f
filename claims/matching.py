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
from dataclasses import dataclass, field

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
    languages: list[str] = field(default_factory=list)  # for cross-language matching


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


# A number as written in any of the matched languages: 1,800 / 1.800 / 1 800 are one number,
# and so are Arabic-Indic or Devanagari digits (\d matches them, int() reads them).
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")


def numbers(text: str) -> frozenset[int]:
    """The numbers a claim states, separators dropped (so "2.5" and "2,5" are one number)."""
    return frozenset(int(re.sub(r"\D", "", m)) for m in _NUMBER.findall(text))


def numbers_agree(a: str, b: str) -> bool:
    """False when both claims state numbers and not the same ones: "fell to 11 %" and "fell to
    15 %", or "in 2019" and "in 2024", are other claims in any language, yet a multilingual
    embedding scores such a pair as high as a faithful translation. A claim without numbers
    is not contradicted by one with them."""
    left, right = numbers(a), numbers(b)
    return not left or not right or left == right


# Words that negate a clause, per language matched across (library.evidence.multilingual).
# French "ne" is left out: "ne ... que" means "only" ("n'utilisent que 10 %"); its negations
# carry "pas", "jamais" or "aucun". Hindi "न" is left out too ("न केवल": "not only"), and
# "no" is a negation in Spanish but "in the" in Portuguese.
_NEGATIONS: dict[str, frozenset[str]] = {
    "en": frozenset(("not", "no", "never", "cannot", "none", "nor", "neither", "nobody")),
    "fr": frozenset(("pas", "jamais", "aucun", "aucune")),
    "es": frozenset(("no", "nunca", "ningún", "ninguna", "jamás", "tampoco")),
    "de": frozenset(("nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie")),
    "pt": frozenset(("não", "nunca", "nenhum", "nenhuma", "jamais")),
    "ar": frozenset(("لا", "ليس", "ليست", "لم", "لن")),
    "hi": frozenset(("नहीं", "मत")),
}
# Whitespace-separated words less punctuation (\w would split Devanagari at its vowel signs).
_TOKEN = re.compile(r"[^\s.,;:!?¿¡«»\"“”„()\[\]।؟،]+")


def negated(text: str, language: str) -> bool:
    """Whether the claim says "not" (in its language; English rules when unknown)."""
    words = _NEGATIONS.get(language[:2].lower(), _NEGATIONS["en"])
    return any(
        token in words or token.endswith(("n't", "n’t"))
        for token in (m.casefold() for m in _TOKEN.findall(text))
    )


def best_cross_language_match(
    *, text: str, language: str, vector: Vectors, candidates: Candidates, suggest_at: float
) -> Match | None:
    """The most similar candidate (claims in other languages, multilingual vectors) at or above
    `suggest_at` whose numbers agree and which is negated exactly when this one is ("X does
    not cause Y" and "X provoque Y" score like translations of each other). Never linked:
    with no shared words there is no `same_content` check, and the evaluation set has
    antonyms and other places scoring as high as translations (README, "Cross-language
    matching"). Entities are not weighed: they are extracted by English rules."""
    if not candidates.ids:
        return None
    cosines = candidates.vectors @ vector
    for i in np.argsort(-cosines, kind="stable"):
        score = float(cosines[i])
        if score < suggest_at:
            return None
        other, other_language = candidates.texts[i], candidates.languages[i]
        if numbers_agree(text, other) and negated(text, language) == negated(other, other_language):
            return Match(claim_id=candidates.ids[i], score=round(score, 4), linked=False)
    return None
