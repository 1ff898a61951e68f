"""Stance hints: does this passage support or refute the claim, or neither?

Two models, their probabilities mixed with the weight the model card gives: a linear model
over TF-IDF features of the passage, the claim, and their overlap (the element-wise product),
trained on Climate-FEVER claim–evidence pairs; and, where the card names one, a MiniLM
cross-encoder reading claim and passage together (int8 ONNX, trained on Climate-FEVER and the
SciFact rationales). A hint is shown next to the evidence, never a verdict (README, "Stance
suggestions").

Training and evaluation live in `lab.stance` and `lab.stance_training` (`manage.py
train_stance [--cross-encoder]`, `evaluate_stance`). `PairFeatures` stays here: the shipped
linear model file names this type, and loading it needs it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]  # no stubs shipped
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from core.ml import load_model
from core.onnx_text import PairModel
from library.conf import conf

MODEL_PATH = Path(__file__).resolve().parent / "models" / "stance.skops"
CARD_PATH = MODEL_PATH.with_suffix(".json")
CROSS_ENCODER_PATH = MODEL_PATH.with_name("stance-minilm-l6.int8.onnx")
TOKENIZER_PATH = MODEL_PATH.with_name("minilm-l6-v2.tokenizer.json")
# A claim and one evidence sentence fit: Climate-FEVER pairs average 52 tokens.
CROSS_MAX_TOKENS = 128
LABELS = ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO")
# Evidence.Stance values for each dataset label.
STANCE_OF_LABEL = {"SUPPORTS": "supports", "REFUTES": "refutes", "NOT_ENOUGH_INFO": "neither"}
REBUILD_HINT = "python manage.py train_stance"
SEPARATOR = "\u241e"  # a claim and its passage travel as one string: "claim␞passage"


class StanceUnavailableError(RuntimeError):
    """The stance model file is missing or unreadable: hints are off until it is rebuilt."""


class PairFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """[passage tf-idf | claim ⊙ passage | claim tf-idf] from "claim␞passage" strings."""

    def fit(self, pairs: Sequence[str], y: Any = None) -> PairFeatures:
        claims, passages = _split(pairs)
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
        self.vectorizer_.fit(list(claims) + list(passages))
        return self

    def transform(self, pairs: Sequence[str]) -> sp.csr_matrix:
        claims, passages = _split(pairs)
        c = self.vectorizer_.transform(claims)
        p = self.vectorizer_.transform(passages)
        return sp.hstack([p, c.multiply(p), c]).tocsr()


def _split(pairs: Sequence[str]) -> tuple[list[str], list[str]]:
    halves = [pair.split(SEPARATOR, 1) for pair in pairs]
    return [h[0] for h in halves], [h[1] if len(h) > 1 else "" for h in halves]


class CrossEncoderStance:
    """(claim, passage) pairs → probabilities of LABELS, from the int8 cross-encoder."""

    def __init__(self, model_path: Path, tokenizer_path: Path, *, threads: int = 0) -> None:
        try:
            self.pairs = PairModel(
                model_path, tokenizer_path, max_tokens=CROSS_MAX_TOKENS, threads=threads
            )
        except Exception as exc:  # a missing file, or onnxruntime's own untyped errors
            raise StanceUnavailableError(
                f"Cannot load the stance cross-encoder {model_path} ({exc}). "
                f"Rebuild it with `{REBUILD_HINT} --cross-encoder`."
            ) from exc
        digest = hashlib.sha256(model_path.read_bytes()).hexdigest()
        self.version = f"stance-minilm-l6/onnx-int8/{digest[:12]}"

    def probabilities(self, claim: str, passages: Sequence[str]) -> np.ndarray:
        logits = self.pairs.run("logits", claim, passages, width=len(LABELS)).astype(np.float64)
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class StanceHint:
    stance: str  # supports / refutes / neither, or "" (unclear: below the label's threshold)
    confidence: float  # the model's probability for its top label


class StanceModel:
    """`thresholds`: per dataset label, the confidence from which a hint is shown (from the
    card, calibrated by grouped CV in lab.stance); a label without one is never shown.
    `cross`: the cross-encoder whose probabilities weigh `mix_weight` against the linear
    model's (none: the linear model alone)."""

    def __init__(
        self,
        pipeline: Pipeline,
        thresholds: dict[str, float | None],
        *,
        cross: CrossEncoderStance | None = None,
        mix_weight: float = 0.0,
    ) -> None:
        self.pipeline = pipeline
        self.thresholds = thresholds
        self.cross = cross
        self.mix_weight = mix_weight if cross is not None else 0.0

    def probabilities(self, claim: str, passages: Sequence[str]) -> np.ndarray:
        """Per passage, the probability of each of LABELS (in that order)."""
        linear = self.pipeline.predict_proba([f"{claim}{SEPARATOR}{p}" for p in passages])
        columns = [list(self.pipeline.classes_).index(label) for label in LABELS]
        mixed = np.asarray(linear)[:, columns]
        if self.cross is not None and self.mix_weight > 0:
            cross = self.cross.probabilities(claim, passages)
            mixed = self.mix_weight * cross + (1 - self.mix_weight) * mixed
        return mixed

    def top_labels(self, claim: str, passages: Sequence[str]) -> list[tuple[str, float]]:
        """The model's own answer per passage: (dataset label, its probability), ungated."""
        if not passages:
            return []
        probabilities = self.probabilities(claim, passages)
        best = np.argmax(probabilities, axis=1)
        return [
            (LABELS[b], round(float(row[b]), 4)) for b, row in zip(best, probabilities, strict=True)
        ]

    def predict(self, claim: str, passages: Sequence[str]) -> list[StanceHint]:
        """Hints as shown: a label only at or above its threshold, else "" (unclear)."""
        hints = []
        for label, confidence in self.top_labels(claim, passages):
            threshold = self.thresholds.get(label)
            shown = threshold is not None and confidence >= threshold
            hints.append(StanceHint(STANCE_OF_LABEL[label] if shown else "", confidence))
        return hints

    @classmethod
    def load(cls, path: Path, *, threads: int = 0) -> StanceModel:
        """The linear model at `path` and, if its card names one, the cross-encoder beside it.
        Raises StanceUnavailableError when a file is missing or unreadable."""
        try:
            pipeline = load_model(
                path,
                rebuild_hint=REBUILD_HINT,
                own_types=(f"{PairFeatures.__module__}.{PairFeatures.__qualname__}",),
            )
        except Exception as exc:  # skops raises many kinds on a damaged file
            raise StanceUnavailableError(
                f"Cannot load the stance model {path} ({exc}). Rebuild it with `{REBUILD_HINT}`."
            ) from exc
        card_path = path.with_suffix(".json")
        card = json.loads(card_path.read_text()) if card_path.is_file() else {}
        thresholds = dict(card.get("hints", {}).get("thresholds", {}))
        section = card.get("cross_encoder")
        if not section:
            return cls(pipeline, thresholds)
        cross = CrossEncoderStance(
            path.with_name(section["file"]), path.with_name(section["tokenizer"]), threads=threads
        )
        return cls(pipeline, thresholds, cross=cross, mix_weight=float(section["mix_weight"]))


@cache
def get_stance_model() -> StanceModel:
    # The module's path, read now (tests move it).
    return StanceModel.load(MODEL_PATH, threads=conf().embedder_threads)
