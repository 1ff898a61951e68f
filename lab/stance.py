"""Training and evaluating the stance model (`library.evidence.stance`).

Reads Climate-FEVER claim–evidence pairs, runs grouped cross-validation, fits the pipeline
and scores it. `PairFeatures`, the pipeline's own feature step, stays in
`library.evidence.stance`: the shipped model file names it there and loading needs it.
The web and worker processes never import this module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline

from core.ml import save_model
from library.evidence.stance import LABELS, MODEL_PATH, SEPARATOR, PairFeatures, StanceModel

# A stance hint is shown only where grouped CV found it right this often (README, "Stance").
HINT_PRECISION = 0.7
HINT_MIN_SUPPORT = 20


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


def hint_thresholds(labels: Sequence[str], probabilities: np.ndarray) -> dict[str, Any]:
    """Per label, the lowest confidence from which the model's out-of-fold predictions of that
    label were right at least HINT_PRECISION of the time (over at least HINT_MIN_SUPPORT
    pairs): below it the page says "stance unclear". None: the label is never shown."""
    truth = np.asarray(labels)
    top = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    thresholds: dict[str, float | None] = {}
    shown: dict[str, dict[str, float]] = {}
    for column, label in enumerate(LABELS):
        thresholds[label] = None
        for t in np.arange(0.34, 1.0, 0.01):
            chosen = (top == column) & (confidence >= t)
            if chosen.sum() < HINT_MIN_SUPPORT:
                break
            precision = float(np.mean(truth[chosen] == label))
            if precision >= HINT_PRECISION:
                thresholds[label] = round(float(t), 2)
                shown[label] = {
                    "precision": round(precision, 4),
                    "recall": round(
                        float(chosen.sum() * precision) / max(float(np.sum(truth == label)), 1.0), 4
                    ),
                    "pairs": int(chosen.sum()),
                }
                break
    return {
        "target_precision": HINT_PRECISION,
        "min_support": HINT_MIN_SUPPORT,
        "thresholds": thresholds,
        "at_threshold": shown,
    }


def pair_strings(claims: Sequence[str], evidence: Sequence[str]) -> list[str]:
    """The linear pipeline's input: "claim␞passage" per pair."""
    return [f"{c}{SEPARATOR}{e}" for c, e in zip(claims, evidence, strict=True)]


def predicted_labels(probabilities: np.ndarray) -> list[str]:
    """The top label of each row (columns in LABELS order)."""
    return [LABELS[i] for i in probabilities.argmax(axis=1)]


def stance_folds(groups: Sequence[str], folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped folds (a claim's pairs never straddle two): the linear model's and the
    cross-encoder's (lab.stance_training), so their out-of-fold predictions line up."""
    return list(GroupKFold(n_splits=folds).split(np.zeros(len(groups)), groups=groups))


def linear_out_of_fold(
    claims: Sequence[str],
    evidence: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str],
    *,
    folds: int,
    seed: int,
) -> np.ndarray:
    """Out-of-fold probabilities (columns in LABELS order) of the linear pipeline."""
    pairs = pair_strings(claims, evidence)
    y = np.asarray(labels)
    probabilities = np.zeros((len(y), len(LABELS)))
    for fit_idx, test_idx in stance_folds(groups, folds):
        pipeline = build_pipeline(seed).fit([pairs[i] for i in fit_idx], y[fit_idx])
        columns = [list(pipeline.classes_).index(label) for label in LABELS]
        probabilities[test_idx] = pipeline.predict_proba([pairs[i] for i in test_idx])[:, columns]
    return probabilities


def train(path: Path, *, seed: int, folds: int = 5) -> tuple[StanceModel, dict[str, Any]]:
    """Grouped CV (a claim's pairs never straddle folds), then fit on everything."""
    claims, evidence, labels, groups = read_stance_jsonl(path)
    probabilities = linear_out_of_fold(claims, evidence, labels, groups, folds=folds, seed=seed)
    predicted = predicted_labels(probabilities)
    majority = max(set(labels), key=labels.count)
    hints = hint_thresholds(labels, probabilities)
    card = {
        "model": "tf-idf (passage, claim, claim*passage) + logistic regression (balanced)",
        "seed": seed,
        "train": {"file": path.name, "n": len(labels)},
        "grouped_cv": score(labels, predicted),
        "majority_baseline": score(labels, [majority] * len(labels)),
        "hints": hints,
    }
    pipeline = build_pipeline(seed).fit(pair_strings(claims, evidence), np.asarray(labels))
    return StanceModel(pipeline, hints["thresholds"]), card


def save(model: StanceModel, path: Path = MODEL_PATH) -> None:
    save_model(model.pipeline, path)
