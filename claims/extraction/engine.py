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
from claims.extraction.attribution import Attribution, attribute_spans
from claims.extraction.cascade import CascadeConfig, CascadeModel, SentenceScorer
from claims.extraction.llm import decontextualiser_from_settings
from claims.extraction.transformer import TransformerCheckworthiness
from core.segment import Span, split_sentences

logger = logging.getLogger(__name__)

# Longer "sentences" are run-on text (lists, tables, unpunctuated dumps), not one claim.
MAX_CLAIM_CHARS = 1500


def foreign_reason(language: str) -> str:
    return f"language '{language}': the model is trained on English; its score is not trusted"


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
    # How the speaker was found: quote, reported, according, pronoun, interview, continued,
    # paraphrase, or author (unattributed).
    attribution: str
    score: float
    check_worthy: bool
    claim_type: str
    entities: list[str] = field(default_factory=list)
    reason: str = ""  # why the rules changed the score, or how the span was found
    speaker_kind: str = ""  # person, organization, or "" (unknown)
    source: str = ""  # a non-person source the statement rests on ("a study by NASA")
    model_version: str = ""  # the check-worthiness model that scored it (Claim records it)


@dataclass(frozen=True)
class Judgement:
    """A span of one sentence (the sentence itself, or a premise inside it) with its score."""

    start: int  # in the sentence
    end: int
    score: float
    reason: str


def _pronoun_speaker(who: Attribution) -> str:
    """The name a pronoun in the claim stands for: only one resolved to this speaker."""
    return who.speaker if who.method == "pronoun" else ""


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


ScorerSource = SentenceScorer | Callable[[], SentenceScorer]


def resolve_scorer(source: ScorerSource) -> SentenceScorer:
    return source() if callable(source) else source


class ClaimEngine:
    def __init__(
        self,
        model: ScorerSource,
        *,
        threshold: float,
        decontextualiser: Decontextualiser | None = None,
        non_english: ScorerSource | None = None,
    ) -> None:
        """`model`: a fixed scorer, or where to get the one to use now (the active version).
        `non_english` scores text whose language is known not to be English (the English
        transformer must never see it); by default `model` does."""
        self._model = model
        self._non_english = non_english or model
        self.threshold = threshold
        self.decontextualiser = decontextualiser

    @property
    def model(self) -> SentenceScorer:
        return resolve_scorer(self._model)

    @property
    def non_english(self) -> SentenceScorer:
        return resolve_scorer(self._non_english)

    def extract(
        self, text: str, *, author: str = "", outlet: str = "", language: str = ""
    ) -> list[ScoredSentence]:
        # The rules read English and the model was trained on English: elsewhere its score is
        # shown but not trusted, so nothing becomes a claim until a reviewer promotes it.
        foreign = bool(language) and not language.lower().startswith("en")
        # One model for the whole article, even if another is activated meanwhile.
        model = self.non_english if foreign else self.model
        spans = list(split_sentences(text))
        boilerplate = [rules.is_boilerplate(span.text) for span in spans]
        attributions = attribute_spans(text, spans, author=author, outlet=outlet)
        judged = iter(
            self.judge(
                [s.text for s, b in zip(spans, boilerplate, strict=True) if not b],
                rules_apply=not foreign,
                model=model,
            )
        )
        results = []
        for span, is_boiler, who in zip(spans, boilerplate, attributions, strict=True):
            if is_boiler:
                results.append(self._sentence(span, who, score=0.0, reason="boilerplate"))
                continue
            for j in next(judged):
                part = Span(span.start + j.start, span.start + j.end, span.text[j.start : j.end])
                reason = foreign_reason(language) if foreign else j.reason
                # A premise starts mid-sentence, past any interview label.
                said = who if j.start == 0 else replace(who, label_len=0)
                scored = self._sentence(
                    part,
                    said,
                    score=j.score,
                    reason=reason,
                    trusted=not foreign,
                    version=model.version,
                )
                if j.start > 0:  # "the budget was never passed" as a sentence of its own
                    standalone = part.text[:1].upper() + part.text[1:]
                    scored = replace(
                        scored,
                        self_contained_text=rules.decontextualise(
                            standalone, speaker=_pronoun_speaker(who)
                        ),
                    )
                results.append(scored)
        return self._rewrite(results, text)

    def judge(
        self,
        sentences: list[str],
        *,
        rules_apply: bool = True,
        model: SentenceScorer | None = None,
    ) -> list[list[Judgement]]:
        """Each sentence scored by the model and the rules, followed by the premise inside it
        (scored on its own) when the rules cap the sentence but it takes a fact as given.
        `model`: the one `extract` scores the whole article with (default: the current one)."""
        model = model or self.model
        scores = model.score([s[:MAX_CLAIM_CHARS] for s in sentences]).tolist()
        judged = [
            [self._judgement(s, 0, len(s), score, rules_apply=rules_apply)]
            for s, score in zip(sentences, scores, strict=True)
        ]
        if not rules_apply:
            return judged
        premises = [
            (i, span)
            for i, (s, (whole,)) in enumerate(zip(sentences, judged, strict=True))
            if whole.reason in rules.FRAMING and (span := rules.embedded_premise(s))
        ]
        premise_scores = model.score([sentences[i][a:b] for i, (a, b) in premises]).tolist()
        for (i, (a, b)), score in zip(premises, premise_scores, strict=True):
            own = self._judgement(sentences[i], a, b, score)
            framing = f"premise ({judged[i][0].reason})"
            reason = f"{framing}; {own.reason}" if own.reason else framing
            judged[i].append(replace(own, reason=reason))
        return judged

    def _judgement(
        self, sentence: str, start: int, end: int, score: float, *, rules_apply: bool = True
    ) -> Judgement:
        text = sentence[start:end]
        if not rules_apply:
            return Judgement(start, end, score, "")
        if len(text) > MAX_CLAIM_CHARS:
            return Judgement(start, end, min(score, 0.2), "too long to be one claim")
        score, reason = rules.rule_adjust(text, score, threshold=self.threshold)
        return Judgement(start, end, score, reason)

    def _sentence(
        self,
        span: Span,
        who: Attribution,
        *,
        score: float,
        reason: str,
        trusted: bool = True,
        version: str = "",
    ) -> ScoredSentence:
        if who.label_len:
            # An interview label ("Q: ") is not part of the claim; the span still indexes it.
            span = Span(span.start + who.label_len, span.end, span.text[who.label_len :])
        return ScoredSentence(
            sentence=span.text,
            start=span.start,
            end=span.end,
            text=span.text,
            self_contained_text=rules.decontextualise(span.text, speaker=_pronoun_speaker(who)),
            speaker=who.speaker,
            speaker_kind=who.speaker_kind,
            source=who.source,
            outlet=who.outlet,
            is_quote=who.is_quote,
            attribution=who.method,
            score=round(score, 4),
            check_worthy=trusted and score >= self.threshold and reason != "boilerplate",
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


def checkworthiness_scorer(backend: str, linear: ScorerSource) -> ScorerSource:
    """The scorer for CLAIMDESK_CHECKWORTHINESS_BACKEND, built around `linear` (a model with
    `score` and `version`, or where to get the active one)."""
    if backend == "linear":
        return linear
    transformer = TransformerCheckworthiness.load()
    if backend == "transformer":
        return transformer
    config = CascadeConfig.from_card()
    # Wrapping the linear model at each use keeps a newly activated version in the cascade.
    return lambda: CascadeModel(resolve_scorer(linear), transformer, config)


@cache
def get_extractor() -> ClaimExtractor:
    """The process-wide engine, built on first use (the models load once per worker)."""
    return ClaimEngine(
        checkworthiness_scorer(conf().checkworthiness_backend, active_checkworthiness_model),
        threshold=conf().checkworthy_threshold,
        decontextualiser=decontextualiser_from_settings(),
        non_english=active_checkworthiness_model,
    )
