"""The claim engine: article text → every sentence considered, scored, attributed and typed.

`get_extractor()` is the one entry point; the model loads once per process, on first use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Protocol

import claims.extraction.rules as rules
from claims.conf import conf
from claims.extraction.active import active_checkworthiness_model
from claims.extraction.attribution import Attribution, attribute_sentences
from claims.extraction.checkworthiness import CheckworthinessModel
from claims.extraction.llm import decontextualiser_from_settings
from core.segment import Span, split_sentences

logger = logging.getLogger(__name__)

# Longer "sentences" are run-on text (lists, tables, unpunctuated dumps), not one claim.
MAX_CLAIM_CHARS = 1500


@dataclass(frozen=True)
class ScoredSentence:
    sentence: str
    start: int
    end: int
    text: str  # the claim as stated
    self_contained_text: str
    speaker: str
    outlet: str
    is_quote: bool
    attribution: str  # how the speaker was found: quote, reported, according, pronoun, author
    score: float
    check_worthy: bool
    claim_type: str
    entities: list[str] = field(default_factory=list)
    reason: str = ""  # why the score was capped or the sentence skipped
    model_version: str = ""  # the check-worthiness model that scored it (Claim records it)


class Decontextualiser(Protocol):
    """Rewrites claims so they stand alone (an LLM backend, for example)."""

    def rewrite(self, items: list[tuple[str, str]]) -> list[str | None]:
        """(claim, preceding context) pairs → rewritten claims (None: keep the rule output)."""
        ...


class ClaimExtractor(Protocol):
    def extract(
        self, text: str, *, author: str = "", outlet: str = "", language: str = ""
    ) -> list[ScoredSentence]:
        """Every sentence considered, in text order, with its score."""
        ...


class ClaimEngine:
    def __init__(
        self,
        model: CheckworthinessModel | Callable[[], CheckworthinessModel],
        *,
        threshold: float,
        decontextualiser: Decontextualiser | None = None,
    ) -> None:
        """`model`: a fixed model, or where to get the one to use now (the active version)."""
        self._model = model
        self.threshold = threshold
        self.decontextualiser = decontextualiser

    @property
    def model(self) -> CheckworthinessModel:
        return self._model if isinstance(self._model, CheckworthinessModel) else self._model()

    def extract(
        self, text: str, *, author: str = "", outlet: str = "", language: str = ""
    ) -> list[ScoredSentence]:
        model = self.model  # one model for the whole article, even if another is activated
        spans = list(split_sentences(text))
        boilerplate = [rules.is_boilerplate(span.text) for span in spans]
        to_score = [
            s.text[:MAX_CLAIM_CHARS] for s, b in zip(spans, boilerplate, strict=True) if not b
        ]
        model_scores = iter(model.score(to_score).tolist())
        attributions = attribute_sentences(
            [span.text for span in spans], author=author, outlet=outlet
        )
        foreign = bool(language) and not language.lower().startswith("en")
        results = []
        for span, is_boiler, who in zip(spans, boilerplate, attributions, strict=True):
            if is_boiler:
                results.append(
                    self._sentence(span, who, score=0.0, reason="boilerplate", version="")
                )
                continue
            score = float(next(model_scores))
            cap, reason = rules.rule_cap(span.text)
            if len(span.text) > MAX_CLAIM_CHARS:
                cap, reason = 0.2, "too long to be one claim"
            if cap is not None:
                score = min(score, cap)
            if foreign:
                reason = reason or f"language '{language}': the model is trained on English"
            results.append(
                self._sentence(span, who, score=score, reason=reason, version=model.version)
            )
        return self._rewrite(results, text)

    def _sentence(
        self, span: Span, who: Attribution, *, score: float, reason: str, version: str
    ) -> ScoredSentence:
        return ScoredSentence(
            sentence=span.text,
            start=span.start,
            end=span.end,
            text=span.text,
            self_contained_text=rules.decontextualise(span.text, speaker=who.speaker),
            speaker=who.speaker,
            outlet=who.outlet,
            is_quote=who.is_quote,
            attribution=who.source,
            score=round(score, 4),
            check_worthy=score >= self.threshold and reason != "boilerplate",
            claim_type=rules.claim_type(span.text, is_quote=who.is_quote),
            entities=rules.entities(span.text) if reason != "boilerplate" else [],
            reason=reason,
            model_version=version,
        )

    def _rewrite(self, results: list[ScoredSentence], text: str) -> list[ScoredSentence]:
        if self.decontextualiser is None:
            return results
        wanted = [i for i, r in enumerate(results) if r.check_worthy]
        if not wanted:
            return results
        items = [
            (results[i].text, text[max(0, results[i].start - 600) : results[i].start])
            for i in wanted
        ]
        try:
            rewritten = self.decontextualiser.rewrite(items)
        except Exception:  # the optional backend must never lose the local result
            logger.exception("decontextualiser failed; keeping rule-based rewrites")
            return results
        for index, new_text in zip(wanted, rewritten, strict=False):
            if new_text:
                results[index] = replace(results[index], self_contained_text=new_text)
        return results


@cache
def get_extractor() -> ClaimExtractor:
    """The process-wide engine, built on first use (the model loads once per worker)."""
    return ClaimEngine(
        active_checkworthiness_model,
        threshold=conf().checkworthy_threshold,
        decontextualiser=decontextualiser_from_settings(),
    )
