"""Stance hints: does this passage support or refute the claim, or neither?

A linear model over TF-IDF features of the passage, the claim, and their overlap (the
element-wise product), trained on Climate-FEVER claim–evidence pairs. It is a hint shown
next to the evidence, never a verdict: grouped cross-validation puts it well above the
majority-class baseline but far from reliable (README, "Stance suggestions").
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
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline

from core.ml import load_model, save_model

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


def build_pipeline(seed: int) -> Pipeline:
    return Pipeline(
        [
            ("pairs", PairFeatures()),
            (
                "classifier",
                LogisticRegression(
                    C=1.0, class_weight="balanced", max_iter=3000, random_state=seed
                ),
            ),
        ]
    )


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

    def save(self, path: Path = MODEL_PATH) -> None:
        save_model(self.pipeline, path)


def read_stance_jsonl(path: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    """claims, evidence, labels and groups (claim ids, else the claim text)."""
    claims, evidence, labels, groups = [], [], [], []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                claim, passage, label = row["claim"], row["evidence"], row["label"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: need {{claim, evidence, label}}") from exc
            if label not in LABELS:
                raise ValueError(f"{path}:{number}: label must be one of {', '.join(LABELS)}")
            claims.append(str(claim))
            evidence.append(str(passage))
            labels.append(label)
            groups.append(str(row.get("claim_id", claim)))
    return claims, evidence, labels, groups


def score(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    per_label = f1_score(truth, predicted, labels=list(LABELS), average=None, zero_division=0)
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(
                f1_score(truth, predicted, labels=list(LABELS), average="macro", zero_division=0)
            ),
            4,
        ),
        "f1_per_label": {
            label: round(float(v), 4) for label, v in zip(LABELS, per_label, strict=True)
        },
        "n": len(truth),
    }


def train(path: Path, *, seed: int, folds: int = 5) -> tuple[StanceModel, dict[str, Any]]:
    """Grouped CV (a claim's pairs never straddle folds), then fit on everything."""
    claims, evidence, labels, groups = read_stance_jsonl(path)
    pairs = [f"{c}{SEPARATOR}{e}" for c, e in zip(claims, evidence, strict=True)]
    y = np.asarray(labels)
    predicted = np.empty(len(y), dtype=object)
    for fit_idx, test_idx in GroupKFold(n_splits=folds).split(pairs, y, groups):
        pipeline = build_pipeline(seed).fit([pairs[i] for i in fit_idx], y[fit_idx])
        predicted[test_idx] = pipeline.predict([pairs[i] for i in test_idx])
    majority = max(set(labels), key=labels.count)
    card = {
        "model": "tf-idf (passage, claim, claim*passage) + logistic regression (balanced)",
        "seed": seed,
        "train": {"file": path.name, "n": len(labels)},
        "grouped_cv": score(labels, list(predicted)),
        "majority_baseline": score(labels, [majority] * len(labels)),
    }
    return StanceModel(build_pipeline(seed).fit(pairs, y)), card


@cache
def get_stance_model() -> StanceModel:
    return StanceModel.load()
