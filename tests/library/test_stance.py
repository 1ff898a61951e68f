"""Stance hints: the shipped model (training and evaluation commands: tests/lab)."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from library.evidence.stance import (
    CARD_PATH,
    CROSS_ENCODER_PATH,
    LABELS,
    MODEL_PATH,
    TOKENIZER_PATH,
    StanceModel,
    StanceUnavailableError,
    get_stance_model,
)

CLAIM = "Global warming is causing sea levels to rise."
PASSAGES = [
    "Sea level rise is caused primarily by global warming through thermal expansion.",
    "Penguins are flightless birds of the Southern Hemisphere.",
]


def test_hints_are_a_stance_or_unclear_with_the_model_confidence():
    model = get_stance_model()
    hints = model.predict(CLAIM, PASSAGES)
    assert len(hints) == 2
    for hint, (label, confidence) in zip(hints, model.top_labels(CLAIM, PASSAGES), strict=True):
        assert label in {"SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"}
        assert 1 / 3 <= confidence <= 1
        assert hint.confidence == confidence
        assert hint.stance in {"supports", "refutes", "neither", ""}
    assert model.predict("anything", []) == []


def test_the_shipped_model_mixes_the_cross_encoder_in_as_its_card_says():
    card = json.loads(CARD_PATH.read_text())
    model = StanceModel.load(MODEL_PATH, threads=1)
    assert model.cross is not None, "the card names the cross-encoder that ships"
    assert model.cross.version.startswith("stance-minilm-l6/onnx-int8/")
    assert model.cross.version == card["cross_encoder"]["version"]
    assert model.mix_weight == card["cross_encoder"]["mix_weight"]
    assert model.thresholds == card["hints"]["thresholds"]
    mixed = model.probabilities(CLAIM, PASSAGES)
    assert mixed.shape == (2, 3)
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, atol=1e-6)
    cross = model.cross.probabilities(CLAIM, PASSAGES)
    linear = StanceModel(model.pipeline, model.thresholds).probabilities(CLAIM, PASSAGES)
    w = model.mix_weight
    np.testing.assert_allclose(mixed, w * cross + (1 - w) * linear, atol=1e-9)
    # Each passage is read with the claim: a different claim changes the cross-encoder's view.
    other = model.cross.probabilities("Penguins cannot fly.", PASSAGES)
    assert not np.allclose(cross, other, atol=1e-3)


def _copy_linear_model(target: Path) -> Path:
    for path in (MODEL_PATH, CARD_PATH):
        shutil.copy(path, target / path.name)
    return target / MODEL_PATH.name


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_missing_or_corrupt_cross_encoder_turns_hints_off(tmp_path, damage):
    path = _copy_linear_model(tmp_path)
    shutil.copy(TOKENIZER_PATH, tmp_path / TOKENIZER_PATH.name)
    if damage == "corrupt":
        (tmp_path / CROSS_ENCODER_PATH.name).write_bytes(b"\x00not an onnx graph")
    with pytest.raises(StanceUnavailableError, match="stance cross-encoder"):
        StanceModel.load(path, threads=1)


def test_a_card_without_a_cross_encoder_keeps_the_linear_model_alone(tmp_path):
    path = _copy_linear_model(tmp_path)
    card = json.loads(CARD_PATH.read_text())
    del card["cross_encoder"]
    path.with_suffix(".json").write_text(json.dumps(card))
    model = StanceModel.load(path, threads=1)
    assert model.cross is None
    assert model.mix_weight == 0.0
    assert model.probabilities(CLAIM, PASSAGES).shape == (2, 3)


def test_the_cross_encoder_tells_support_from_contradiction():
    cross = get_stance_model().cross
    assert cross is not None
    supports, refutes = cross.probabilities(
        CLAIM,
        [
            PASSAGES[0],
            "Sea levels have not risen at all in the past century; the oceans are stable.",
        ],
    )
    assert LABELS[int(np.argmax(supports))] == "SUPPORTS"
    assert LABELS[int(np.argmax(refutes))] == "REFUTES"
