"""Stance hints: does this passage support or refute the claim, or neither?

A linear model over TF-IDF features of the passage, the claim, and their overlap (the
element-wise product), trained on Climate-FEVER claim–evidence pairs. It is a hint shown
next to the evidence, never a verdict: grouped cross-validation puts it well above the
majority-class baseline but far from reliable (README, "Stance suggestions").

Training and evaluation live in `lab.stance` (`manage.py train_stance`, `evaluate_stance`).
`PairFeatures` stays here: the shipped model file names this type, and loading it needs it.
"""

from __future__ import annotations

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
SEPARATOR = "\u241e"  # a claim and its passage travel as one string: "claim␞passage"


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
    stance: str  # supports / refutes / neither
    confidence: float


class StanceModel:
    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def predict(self, claim: str, passages: Sequence[str]) -> list[StanceHint]:
        if not passages:
            return []
        probabilities = self.pipeline.predict_proba([f"{claim}{SEPARATOR}{p}" for p in passages])
        classes = list(self.pipeline.classes_)
        hints = []
        for row in probabilities:
            best = int(np.argmax(row))
            hints.append(StanceHint(STANCE_OF_LABEL[classes[best]], round(float(row[best]), 4)))
        return hints

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> StanceModel:
        return cls(
            load_model(
                path,
                rebuild_hint="python manage.py train_stance",
                own_types=(f"{PairFeatures.__module__}.{PairFeatures.__qualname__}",),
            )
        )


@cache
def get_stance_model() -> StanceModel:
    return StanceModel.load()
