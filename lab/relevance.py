"""Training the evidence relevance model (`library.evidence.relevance`) on SciFact train.

Each train claim is searched the way the library provider searches (hybrid retrieval over the
5,183 abstracts, top `depth`); a hit is relevant when its abstract is one the claim cites.
Claims that cite a common abstract form one group, so grouped cross-validation never scores a
claim with a model that saw its abstract. On the out-of-fold scores the calibration method is
chosen (Platt's logistic scores as they are, or an isotonic map fitted inside each fold on
inner out-of-fold scores), by Brier score, and so is the threshold (best F1 of "listed" vs
"relevant"); the card keeps the reliability table of the chosen method.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from lab.progress import Progress
from lab.retrieval import read_jsonl, read_qrels, scratch_corpus, scratch_hybrid, scratch_vectors
from library.evidence.embedder import get_embedder
from library.evidence.relevance import FEATURES, Matrix, RelevanceModel, pair_features

METHODS = ("platt", "isotonic")
FOLDS = 5
BINS = 10


@dataclass(frozen=True)
class Pairs:
    features: Matrix
    labels: npt.NDArray[np.int64]
    groups: npt.NDArray[np.int64]
    claims: int


def claim_groups(qrels: dict[str, dict[str, int]], claim_ids: Sequence[str]) -> dict[str, int]:
    """Claims connected through a cited document share a group (union-find)."""
    parent = {claim: claim for claim in claim_ids}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    first_claim_of: dict[str, str] = {}
    for claim in claim_ids:
        for doc in qrels.get(claim, {}):
            other = first_claim_of.setdefault(doc, claim)
            parent[root(claim)] = root(other)
    roots = sorted({root(claim) for claim in claim_ids})
    number = {r: i for i, r in enumerate(roots)}
    return {claim: number[root(claim)] for claim in claim_ids}


def collect_pairs(
    corpus: Path, queries: Path, qrels_path: Path, *, depth: int, progress: Progress
) -> Pairs:
    """Features and labels of every (claim, top-`depth` hybrid hit) pair."""
    qrels = read_qrels(qrels_path)
    judged = [q for q in read_jsonl(queries) if str(q["_id"]) in qrels]
    group_of = claim_groups(qrels, [str(q["_id"]) for q in judged])
    features, labels, groups = [], [], []
    embedder = get_embedder()
    with scratch_corpus(corpus, progress=progress) as scratch:
        doc_of_passage = scratch.doc_of_passage
        vectors = scratch_vectors(progress)
        row_of = {pid: row for row, pid in enumerate(vectors.passage_ids)}
        search = scratch_hybrid(vectors)
        for done, query in enumerate(judged, start=1):
            text, claim_id = str(query["text"]), str(query["_id"])
            claim_vector = embedder.embed([text])[0]
            rows = [row_of[pid] for pid, _ in search(text, claim_vector, depth) if pid in row_of]
            features.append(
                pair_features(
                    text, claim_vector, [vectors.texts[r] for r in rows], vectors.vectors[rows]
                )
            )
            cited = {doc for doc, grade in qrels[claim_id].items() if grade > 0}
            labels += [int(doc_of_passage[vectors.passage_ids[r]] in cited) for r in rows]
            groups += [group_of[claim_id]] * len(rows)
            progress("claims searched", done, len(judged))
    return Pairs(
        features=np.vstack(features),
        labels=np.asarray(labels, dtype=np.int64),
        groups=np.asarray(groups, dtype=np.int64),
        claims=len(judged),
    )


def _logistic(seed: int) -> LogisticRegression:
    # No class weights: the probabilities must keep the real share of relevant hits.
    return LogisticRegression(C=1.0, max_iter=2000, random_state=seed)


def _platt_scores(model: LogisticRegression, x: Matrix) -> npt.NDArray[np.float64]:
    return np.asarray(model.predict_proba(x)[:, 1], dtype=np.float64)


def _out_of_fold(
    x: Matrix, y: npt.NDArray[np.int64], groups: npt.NDArray[np.int64], seed: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Out-of-fold Platt scores of each pair (what a model that never saw its group says)."""
    scores = np.zeros(len(y))
    for fit, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        scores[test] = _platt_scores(_logistic(seed).fit(x[fit], y[fit]), x[test])
    return scores, y.astype(np.float64)


def _calibrated_out_of_fold(
    x: Matrix, y: npt.NDArray[np.int64], groups: npt.NDArray[np.int64], seed: int
) -> dict[str, npt.NDArray[np.float64]]:
    """Out-of-fold probabilities per method; isotonic maps are fitted on inner out-of-fold
    scores of the outer training part only."""
    out = {method: np.zeros(len(y)) for method in METHODS}
    for fit, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        model = _logistic(seed).fit(x[fit], y[fit])
        out["platt"][test] = _platt_scores(model, x[test])
        inner, truth = _out_of_fold(x[fit], y[fit], groups[fit], seed)
        isotonic = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        out["isotonic"][test] = isotonic.fit(inner, truth).predict(out["platt"][test])
    return out


def calibration_scores(p: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> dict[str, float]:
    clipped = np.clip(p, 1e-6, 1 - 1e-6)
    log_loss = -np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
    return {
        "brier": round(float(np.mean((p - y) ** 2)), 5),
        "log_loss": round(float(log_loss), 5),
        "ece": round(_expected_calibration_error(p, y), 5),
    }


def _bin_of(p: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    return np.minimum((p * BINS).astype(np.int64), BINS - 1)


def _expected_calibration_error(p: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> float:
    bins = _bin_of(p)
    return sum(
        float(np.sum(bins == b)) / len(p) * abs(float(p[bins == b].mean() - y[bins == b].mean()))
        for b in range(BINS)
        if np.any(bins == b)
    )


def reliability_table(p: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> list[dict[str, Any]]:
    """Per tenth of predicted probability: pairs, mean predicted, share actually relevant."""
    bins = _bin_of(p)
    return [
        {
            "bin": f"{b / BINS:.1f}–{(b + 1) / BINS:.1f}",
            "pairs": int(np.sum(bins == b)),
            "mean_predicted": round(float(p[bins == b].mean()), 3),
            "observed_relevant": round(float(y[bins == b].mean()), 3),
        }
        for b in range(BINS)
        if np.any(bins == b)
    ]


def gate_scores(
    p: npt.NDArray[np.float64], y: npt.NDArray[np.int64], threshold: float
) -> dict[str, float]:
    listed = p >= threshold
    hits = float(np.sum(listed & (y == 1)))
    precision = hits / max(float(np.sum(listed)), 1.0)
    recall = hits / max(float(np.sum(y == 1)), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": round(threshold, 2),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "listed_share": round(float(np.mean(listed)), 4),
    }


def best_threshold(p: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> float:
    grid = [round(t, 2) for t in np.arange(0.05, 0.96, 0.01)]
    return max(grid, key=lambda t: (gate_scores(p, y, t)["f1"], -t))


def train(pairs: Pairs, *, seed: int, sources: Sequence[Path], depth: int) -> dict[str, Any]:
    """Choose the method and threshold out of fold, fit on everything; the model card."""
    x, y = pairs.features, pairs.labels
    oof = _calibrated_out_of_fold(x, y, pairs.groups, seed)
    compared = {method: calibration_scores(oof[method], y) for method in METHODS}
    method = min(METHODS, key=lambda m: (compared[m]["brier"], METHODS.index(m)))
    threshold = best_threshold(oof[method], y)
    final = _logistic(seed).fit(x, y)
    iso_x: tuple[float, ...] = ()
    iso_y: tuple[float, ...] = ()
    if method == "isotonic":
        inner, truth = _out_of_fold(x, y, pairs.groups, seed)
        isotonic = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(inner, truth)
        iso_x = tuple(round(float(v), 6) for v in isotonic.X_thresholds_)
        iso_y = tuple(round(float(v), 6) for v in isotonic.y_thresholds_)
    model = RelevanceModel(
        coefficients=tuple(round(float(c), 6) for c in final.coef_[0]),
        intercept=round(float(final.intercept_[0]), 6),
        threshold=threshold,
        method=method,
        isotonic_x=iso_x,
        isotonic_y=iso_y,
    )
    payload = json.dumps(model.to_json(), sort_keys=True)
    return {
        "version": "relevance-" + hashlib.sha256(payload.encode()).hexdigest()[:12],
        "model": model.to_json(),
        "seed": seed,
        "data": {path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:16] for path in sources},
        "pairs": {
            "claims": pairs.claims,
            "pairs": len(y),
            "relevant": int(y.sum()),
            "groups": len(set(pairs.groups.tolist())),
            "depth": depth,
        },
        "grouped_cv": {
            "folds": FOLDS,
            "methods": compared,
            "chosen": method,
            "gate": gate_scores(oof[method], y, threshold),
            "gate_at": {str(t): gate_scores(oof[method], y, t) for t in (0.2, 0.3, 0.4, 0.5, 0.6)},
            "reliability": reliability_table(oof[method], y),
        },
        "features": list(FEATURES),
    }


def write_card(card: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
