"""The shipped transformer check-worthiness model: loads from its ONNX file and scores."""

import json

import numpy as np
import pytest

from claims.extraction.transformer import (
    CARD_PATH,
    MODEL_PATH,
    TOKENIZER_PATH,
    TransformerCheckworthiness,
)
from core.ml import file_version

MAX_MODEL_BYTES = 25 * 1024 * 1024


@pytest.fixture(scope="module")
def model():
    return TransformerCheckworthiness.load()


def test_shipped_model_ranks_a_factual_claim_above_small_talk(model):
    scores = model.score(
        [
            "Unemployment fell to 3.5 percent last year, the lowest level in fifty years.",
            "We spent $2 trillion on the war in Iraq.",
            "Thank you very much, it is great to be here tonight.",
            "Good evening, everyone.",
        ]
    )
    assert scores.shape == (4,)
    assert min(scores[:2]) > max(scores[2:])
    assert scores[0] > 0.5 > scores[2]
    assert ((scores >= 0) & (scores <= 1)).all()


def test_a_sentence_scores_the_same_whatever_its_neighbours(model):
    """Sentences run one at a time: in a batch, dynamic int8 quantisation would let padding
    and batch mates move a score."""
    sentences = ["The deficit doubled.", "Hello.", "Crime fell by 20% in 2019 in New York City."]
    together = model.score(sentences)
    alone = np.array([model.score([s])[0] for s in sentences])
    assert together.tolist() == alone.tolist()
    assert model.score([]).shape == (0,)


def test_version_names_the_model_file(model):
    assert model.version == file_version("minilm-l6-ft-int8", MODEL_PATH)


def test_onnx_file_fits_the_size_budget():
    assert MODEL_PATH.stat().st_size <= MAX_MODEL_BYTES
    assert TOKENIZER_PATH.is_file()


def test_card_records_training_and_the_dev_choices():
    card = json.loads(CARD_PATH.read_text())
    assert card["train"]["file"] == "ct24_english_train.tsv"
    assert card["dev"]["file"] == "ct24_english_dev.tsv"
    for split in ("train", "dev"):
        assert len(card[split]["sha256"]) == 64
    assert card["version"] == file_version("minilm-l6-ft-int8", MODEL_PATH)
    assert [e["epoch"] for e in card["epochs"]] == list(range(1, len(card["epochs"]) + 1))
    assert card["chosen_epoch"] in {e["epoch"] for e in card["epochs"]}
    for epoch in card["epochs"]:
        assert {"precision", "recall", "f1"} <= epoch["dev_at_best_threshold"].keys()
    for key in ("seed", "device", "wall_seconds", "threshold_logit", "determinism"):
        assert key in card
    assert {"torch", "transformers", "onnxruntime"} <= card["built_with"].keys()
    assert {"low", "high", "weight", "rescored_fraction", "dev"} <= card["cascade"].keys()
    assert card["size_bytes"] == MODEL_PATH.stat().st_size


def test_missing_files_say_how_to_rebuild(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_checkworthiness --backend transformer"):
        TransformerCheckworthiness.load(tmp_path / "absent.onnx")
