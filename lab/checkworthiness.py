"""Training and evaluating the check-worthiness model (`claims.extraction.checkworthiness`).

Reads the CheckThat! TSV files, cross-validates and fits the pipeline, scores it, and writes
the skops artifact and its JSON card. The web and worker processes never import this module.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from claims.extraction.checkworthiness import CARD_PATH, MODEL_PATH, CheckworthinessModel
from core.ml import save_model


def read_checkthat_tsv(path: Path) -> tuple[list[str], list[bool]]:
    """CheckThat! format: header, then `Sentence_id<TAB>Text<TAB>class_label` (Yes/No)."""
    csv.field_size_limit(1 << 24)
    texts: list[str] = []
    labels: list[bool] = []
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows, None)
        if header is None or len(header) < 3:
            raise ValueError(f"{path}: expected a header `Sentence_id<TAB>Text<TAB>class_label`")
        for line_no, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) < 3:
                raise ValueError(f"{path}:{line_no}: expected 3 tab-separated columns")
            label = row[2].strip()
            if label not in {"Yes", "No"}:
                raise ValueError(f"{path}:{line_no}: class_label must be Yes or No, not {label!r}")
            texts.append(row[1])
            labels.append(label == "Yes")
    return texts, labels


def build_pipeline(seed: int) -> Pipeline:
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, min_df=2)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=3
                ),
            ),
        ]
    )
    classifier = LogisticRegression(
        C=8.0, class_weight="balanced", max_iter=3000, random_state=seed
    )
    return Pipeline([("features", features), ("classifier", classifier)])


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    accuracy: float
    n: int

    @classmethod
    def of(cls, truth: Sequence[bool], predicted: Sequence[bool]) -> Scores:
        return cls(
            precision=round(float(precision_score(truth, predicted, zero_division=0)), 4),
            recall=round(float(recall_score(truth, predicted, zero_division=0)), 4),
            f1=round(float(f1_score(truth, predicted, zero_division=0)), 4),
            accuracy=round(float(accuracy_score(truth, predicted)), 4),
            n=len(truth),
        )


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(
    train_path: Path,
    *,
    dev_path: Path | None,
    seed: int,
    folds: int = 5,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[CheckworthinessModel, dict[str, Any]]:
    """Cross-validate on train, fit on all of train, score dev; return the model and its card."""
    texts, labels = read_checkthat_tsv(train_path)
    y = np.asarray(labels)
    cv_scores = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fold, (fit_idx, test_idx) in enumerate(splitter.split(texts, y), start=1):
        progress(f"cross-validation fold {fold}/{folds}")
        pipeline = build_pipeline(seed).fit([texts[i] for i in fit_idx], y[fit_idx])
        predicted = pipeline.predict([texts[i] for i in test_idx])
        cv_scores.append(Scores.of(list(y[test_idx]), list(predicted)))
    progress("fitting on all of train")
    model = CheckworthinessModel(build_pipeline(seed).fit(texts, y))
    card: dict[str, Any] = {
        "model": "tf-idf word 1-3 + char_wb 2-5 n-grams, logistic regression (balanced, C=8)",
        "seed": seed,
        "threshold": 0.5,
        "train": {"file": train_path.name, "sha256": sha256_of(train_path), "n": len(texts)},
        "cv_f1_mean": round(float(np.mean([s.f1 for s in cv_scores])), 4),
        "cv_f1_std": round(float(np.std([s.f1 for s in cv_scores])), 4),
        "cv_folds": [s.__dict__ for s in cv_scores],
    }
    if dev_path is not None:
        progress("scoring dev")
        dev_texts, dev_labels = read_checkthat_tsv(dev_path)
        predicted_dev = model.score(dev_texts) >= card["threshold"]
        card["dev"] = {
            "file": dev_path.name,
            "sha256": sha256_of(dev_path),
            **Scores.of(dev_labels, list(predicted_dev)).__dict__,
        }
    return model, card


def save(model: CheckworthinessModel, path: Path = MODEL_PATH) -> None:
    save_model(model.pipeline, path)


def save_card(card: dict[str, Any], path: Path = CARD_PATH) -> None:
    path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
