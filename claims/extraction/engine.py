"""The extractor interface and its first, rule-based implementation.

Issue #4 replaces the scorer with a trained model; the interface (`ClaimExtractor.extract`)
and the fields of `ScoredSentence` are what the pipeline relies on.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings

from claims.extraction.segment import split_sentences


@dataclass(frozen=True)
class ScoredSentence:
    sentence: str
    start: int
    end: int
    text: str  # the claim as stated
    self_contained_text: str
    speaker: str
    is_quote: bool
    score: float
    check_worthy: bool
    claim_type: str
    reason: str


class ClaimExtractor(Protocol):
    def extract(self, text: str, *, author: str = "", outlet: str = "") -> list[ScoredSentence]:
        """Every sentence considered, in text order, with its score."""
        ...


_NUMBER = re.compile(r"\d")
_QUOTE = re.compile(r"[\"“”]")
_SAID_AFTER = re.compile(
    r"""[,"”]\s*(?:said|says|told|added|warned|argued)\s+(?P<who>(?:[A-Z][\w'.-]*\s?){1,4})"""
)
_SAID_BEFORE = re.compile(
    r"""(?P<who>(?:[A-Z][\w'.-]*\s?){1,4})\s+(?:said|says|told|added|warned|argued)\b"""
)
_ACCORDING = re.compile(r"[Aa]ccording to (?P<who>(?:(?:the\s)?[A-Z][\w'.-]*\s?){1,5})")
_PREDICTION = re.compile(r"\b(will|would|is expected to|forecast|by 20\d\d|projected)\b", re.I)
_CAUSAL = re.compile(
    r"\b(because|caused?|causing|due to|leads? to|result(?:ed|s)? in|drives?)\b", re.I
)
_POLICY = re.compile(r"\b(law|bill|act|regulation|ban|policy|treaty|agreement|tax)\b", re.I)
_OPINION = re.compile(
    r"\b(I think|I believe|we should|should|must|ought|in my view|terrible|wonderful|great)\b",
    re.I,
)
_FACT_VERBS = re.compile(
    r"\b(is|are|was|were|has|have|had|rose|fell|increased|decreased|doubled|reached|"
    r"recorded|found|shows?|showed|measured|grew|dropped|lost|gained)\b",
    re.I,
)
_PROPER = re.compile(r"(?<=\s)[A-Z][a-z]+")


class RuleBasedExtractor:
    """Transparent first scorer: features a fact-checker would name, combined logistically."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def extract(self, text: str, *, author: str = "", outlet: str = "") -> list[ScoredSentence]:
        results = []
        for span in split_sentences(text):
            score, reason = self._score(span.text)
            speaker, is_quote = self._attribution(span.text)
            results.append(
                ScoredSentence(
                    sentence=span.text,
                    start=span.start,
                    end=span.end,
                    text=span.text,
                    self_contained_text=span.text,
                    speaker=speaker or author,
                    is_quote=is_quote,
                    score=score,
                    check_worthy=score >= self.threshold,
                    claim_type=self._claim_type(span.text, is_quote),
                    reason=reason,
                )
            )
        return results

    def _score(self, sentence: str) -> tuple[float, str]:
        words = sentence.split()
        if sentence.rstrip().endswith("?"):
            return 0.05, "question"
        if len(words) < 6:
            return 0.1, "too short to be a claim"
        logit = -1.6
        logit += 1.6 if _NUMBER.search(sentence) else 0.0
        logit += 0.9 if _FACT_VERBS.search(sentence) else 0.0
        logit += 0.3 * min(len(_PROPER.findall(sentence)), 3)
        logit += 0.5 if _CAUSAL.search(sentence) else 0.0
        logit -= 1.4 if _OPINION.search(sentence) else 0.0
        logit -= 0.6 if len(words) > 60 else 0.0
        score = 1.0 / (1.0 + math.exp(-logit))
        reason = "opinion wording" if _OPINION.search(sentence) else ""
        return round(score, 4), reason

    @staticmethod
    def _attribution(sentence: str) -> tuple[str, bool]:
        is_quote = bool(_QUOTE.search(sentence))
        for pattern in (_SAID_AFTER, _ACCORDING, _SAID_BEFORE):
            match = pattern.search(sentence)
            if match:
                return match.group("who").strip(" ,."), is_quote
        return "", is_quote

    @staticmethod
    def _claim_type(sentence: str, is_quote: bool) -> str:
        if _NUMBER.search(sentence):
            return "statistic"
        if _CAUSAL.search(sentence):
            return "causal"
        if _PREDICTION.search(sentence):
            return "prediction"
        if _POLICY.search(sentence):
            return "law_policy"
        if is_quote:
            return "quotation"
        return "event"


@cache
def get_extractor() -> ClaimExtractor:
    """The process-wide extractor, built on first use (heavy models load lazily, once)."""
    return RuleBasedExtractor(threshold=settings.CLAIMDESK_CHECKWORTHY_THRESHOLD)
