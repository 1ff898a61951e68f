"""Calibrating evidence relevance (lab.relevance): groups, method choice, threshold, card."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from lab.relevance import Pairs, claim_groups, reliability_table, train, write_card
from library.evidence.relevance import FEATURES, RelevanceModel


def test_claims_citing_a_common_document_share_a_group():
    qrels = {"a": {"d1": 1}, "b": {"d1": 1, "d2": 1}, "c": {"d2": 1}, "d": {"d3": 1}}
    groups = claim_groups(qrels, ["a", "b", "c", "d", "e"])
    assert groups["a"] == groups["b"] == groups["c"]
    assert len({groups["a"], groups["d"], groups["e"]}) == 3


def _synthetic_pairs(n_claims: int = 300, per_claim: int = 10, seed: int = 0) -> Pairs:
    """Relevance drawn from a known logistic curve in the cosine: calibration must find it."""
    rng = np.random.default_rng(seed)
    cosine = rng.uniform(0.0, 1.0, n_claims * per_claim)
    coverage = np.clip(cosine + rng.normal(0, 0.2, cosine.size), 0, 1)
    truth = 1 / (1 + np.exp(-(8 * cosine - 5)))
    labels = (rng.uniform(size=cosine.size) < truth).astype(np.int64)
    return Pairs(
        features=np.column_stack([cosine, coverage, cosine * coverage]),
        labels=labels,
        groups=np.repeat(np.arange(n_claims), per_claim),
        claims=n_claims,
    )


def test_training_calibrates_and_writes_a_card_the_runtime_loads(tmp_path):
    source = tmp_path / "qrels.tsv"
    source.write_text("query-id\tcorpus-id\tscore\n")
    pairs = _synthetic_pairs()
    card = train(pairs, seed=1, sources=[source], depth=10)
    cv = card["grouped_cv"]
    assert cv["chosen"] in {"platt", "isotonic"}
    assert cv["methods"][cv["chosen"]]["ece"] < 0.05
    assert 0.05 <= cv["gate"]["threshold"] <= 0.95
    assert sum(row["pairs"] for row in cv["reliability"]) == len(pairs.labels)
    path = tmp_path / "relevance.json"
    write_card(card, path)
    model = RelevanceModel.load(path)
    assert model.threshold == cv["gate"]["threshold"]
    assert card["features"] == list(FEATURES)
    low, high = model.probabilities(np.array([[0.1, 0.1, 0.01], [0.9, 0.9, 0.81]]))
    assert low < 0.1 < 0.8 < high  # the curve it was drawn from: 0.018 and 0.9


def test_the_reliability_table_compares_predicted_and_observed_per_tenth():
    p = np.array([0.05, 0.05, 0.95, 0.95])
    y = np.array([0, 0, 1, 0])
    table = reliability_table(p, y)
    assert [row["bin"] for row in table] == ["0.0–0.1", "0.9–1.0"]
    assert table[1]["observed_relevant"] == 0.5


def test_the_command_names_missing_data(tmp_path):
    with pytest.raises(CommandError, match="SciFact files not found"):
        call_command("train_relevance", "--scifact", str(tmp_path))
