"""Stance hints: does this passage support or refute the claim, or neither?

A linear model over TF-IDF features of the passage, the claim, and their overlap (the
element-wise product), trained on Climate-FEVER claim–evidence pairs. It is a hint shown
next to the evidence, never a verdict: grouped cross-validation puts it well above the
majority-class baseline but far from reliable (README, "Stance suggestions").

Training and evaluation live in `lab.stance` (`manage.py train_stance`, `evaluate_stance`).
`PairFeatures` stays here: the shipped model file names this type, and loading it needs it.
"""

from __future__ import annotations

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

MODEL_PATH = Path(__file__).resolve().parent / "models" / "stance.skops"
CARD_PATH = MODEL_PATH.with_suffix(".json")
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


@dataclass(frozen=True)
class StanceHint:
    stance: str  # supports / refutes / neither, or "" (unclear: below the label's threshold)
    confidence: float  # the model's probability for its top label


class StanceModel:
    """`thresholds`: per dataset label, the confidence from which a hint is shown (from the
    card, calibrated by grouped CV in lab.stance); a label without one is never shown."""

    def __init__(self, pipeline: Pipeline, thresholds: dict[str, float | None]) -> None:
        self.pipeline = pipeline
        self.thresholds = thresholds

    def top_labels(self, claim: str, passages: Sequence[str]) -> list[tuple[str, float]]:
        """The model's own answer per passage: (dataset label, its probability), ungated."""
        if not passages:
            return []
        probabilities = self.pipeline.predict_proba([f"{claim}{SEPARATOR}{p}" for p in passages])
        classes = list(self.pipeline.classes_)
        best = np.argmax(probabilities, axis=1)
        return [
            (classes[b], round(float(row[b]), 4))
            for b, row in zip(best, probabilities, strict=True)
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
    def load(cls, path: Path) -> StanceModel:
        """Raises StanceUnavailableError when the model file is missing or unreadable."""
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
        return cls(pipeline, dict(card.get("hints", {}).get("thresholds", {})))


@cache
def get_stance_model() -> StanceModel:
    return StanceModel.load(MODEL_PATH)  # the module's path, read now (tests move it)
