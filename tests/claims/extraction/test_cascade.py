"""The cascade's band logic, the backend setting, and the non-English bypass."""

import numpy as np
import pytest

from claims.extraction.active import active_checkworthiness_model
from claims.extraction.cascade import CascadeConfig, CascadeModel, cascade_scores
from claims.extraction.engine import (
    ClaimEngine,
    checkworthiness_scorer,
    get_extractor,
    resolve_scorer,
)
from claims.extraction.transformer import TransformerCheckworthiness


class FixedScorer:
    """Scores each sentence from a table and records what it was asked to score."""

    def __init__(self, name, table=None, *, default=None):
        self.version = name
        self.table = table or {}
        self.default = default
        self.seen = []

    def score(self, sentences):
        self.seen.extend(sentences)
        return np.array([self.table.get(s, self.default) for s in sentences], dtype=np.float64)


CONFIG = CascadeConfig(low=0.3, high=0.7, weight=0.75)


def test_outside_the_band_keeps_the_linear_score_inside_gets_the_mix():
    linear = FixedScorer("lin", {"low": 0.1, "edge": 0.3, "mid": 0.5, "high": 0.9})
    transformer = FixedScorer("tr", {"low": 0.8, "edge": 0.9, "mid": 0.1, "high": 0.2})
    cascade = CascadeModel(linear, transformer, CONFIG)
    scores = cascade.score(["low", "edge", "mid", "high"])
    assert scores.tolist() == pytest.approx([0.1, 0.25 * 0.3 + 0.75 * 0.9, 0.25 * 0.5 + 0.075, 0.9])
    # Only the band went to the transformer, once each.
    assert transformer.seen == ["edge", "mid"]
    assert cascade.version == "cascade(lin+tr)"


def test_nothing_in_the_band_never_calls_the_transformer():
    linear = FixedScorer("lin", {"a": 0.05, "b": 0.95})
    transformer = FixedScorer("tr", {})
    assert CascadeModel(linear, transformer, CONFIG).score(["a", "b"]).tolist() == [0.05, 0.95]
    assert transformer.seen == []


def test_weight_one_replaces_the_linear_score_in_the_band():
    replace = CascadeConfig(low=0.4, high=0.6, weight=1.0)
    mixed = cascade_scores(np.array([0.45, 0.7]), np.array([0.9, 0.0]), replace)
    assert mixed.tolist() == [0.9, 0.7]


def test_shipped_card_holds_a_dev_chosen_band():
    config = CascadeConfig.from_card()
    assert 0.0 <= config.low < 0.5 < config.high <= 1.0
    assert 0.0 < config.weight <= 1.0


def test_non_english_text_never_reaches_the_english_scorer():
    english = FixedScorer("tr", default=0.6)
    fallback = FixedScorer("lin", default=0.6)
    engine = ClaimEngine(english, threshold=0.5, non_english=fallback)
    results = engine.extract("Die Arbeitslosigkeit sank 2023 auf 5,1 Prozent.", language="de")
    assert english.seen == []
    assert fallback.seen
    assert {r.model_version for r in results} == {"lin"}
    engine.extract("Unemployment fell to 3.5 percent in 2023.", language="en")
    assert english.seen


@pytest.mark.parametrize(
    ("backend", "kind"),
    [
        ("linear", "{linear}"),
        ("transformer", "minilm-l6-ft-int8/"),
        ("cascade", "cascade({linear}+"),
    ],
)
def test_backend_setting_picks_the_scorer(settings, db, backend, kind):
    settings.CLAIMDESK_CHECKWORTHINESS_BACKEND = backend
    linear = active_checkworthiness_model().version
    get_extractor.cache_clear()
    try:
        engine = get_extractor()
        assert isinstance(engine, ClaimEngine)
        assert engine.model.version.startswith(kind.format(linear=linear))
        # Whatever the backend, non-English text goes to the (active) linear model.
        assert engine.non_english.version == linear
    finally:
        get_extractor.cache_clear()


def test_cascade_builds_around_any_linear_model():
    linear = FixedScorer("custom-linear/1", default=0.5)
    scorer = resolve_scorer(checkworthiness_scorer("cascade", linear))
    assert isinstance(scorer, CascadeModel)
    assert scorer.linear is linear
    assert isinstance(scorer.transformer, TransformerCheckworthiness)
