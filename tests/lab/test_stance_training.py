"""Training the cross-encoder stance model (lab.stance_training).

The data and choice helpers run everywhere; the training run itself needs torch (the `train`
extra), which the service's virtualenv does not hold, so it skips there."""

import importlib.util
import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from lab.stance_training import abstract_sentences, mix_scores, scifact_pairs
from library.evidence.stance import LABELS, StanceModel

HAS_TORCH = all(importlib.util.find_spec(m) for m in ("torch", "transformers"))


def test_scifact_rationales_become_labelled_pairs(shared_data):
    pairs = scifact_pairs(shared_data / "retrieval" / "scifact")
    by_label = {label: sum(p.label == label for p in pairs) for label in LABELS}
    # 957 rationale sets (616 SUPPORT, 341 CONTRADICT) over 1,025 sentences; four sentence
    # numbers fall outside their abstract and are dropped.
    assert 610 <= by_label["SUPPORTS"] <= 616
    assert 335 <= by_label["REFUTES"] <= 341
    assert by_label["NOT_ENOUGH_INFO"] > 0
    assert all(p.source == "scifact" and p.group.startswith("scifact:") for p in pairs)
    # Claim 2's rationale is sentence 4 of its abstract: the prevalence result it contradicts.
    (prion,) = [p for p in pairs if p.group == "scifact:2"]
    assert prion.label == "REFUTES"
    assert prion.passage.startswith("RESULTS Of the 32,441 appendix samples 16 were positive")


def test_abstract_sentences_split_where_beir_joined_them():
    text = "OBJECTIVES To test it.   \n DESIGN A survey.    SAMPLE 32,441 samples. (Aged 2.5 y.)"
    assert abstract_sentences(text) == [
        "OBJECTIVES To test it.",
        "DESIGN A survey.",
        "SAMPLE 32,441 samples.",
        "(Aged 2.5 y.)",
    ]


def test_the_mix_weight_scores_each_blend_of_the_two_models():
    truth = ["SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO", "NOT_ENOUGH_INFO"]
    right = np.eye(3)[[0, 1, 2, 2]]
    wrong = np.eye(3)[[2, 2, 2, 2]]
    mixes = {m["weight"]: m["macro_f1"] for m in mix_scores(truth, right, wrong)}
    assert mixes[1.0] == 1.0  # the cross-encoder alone is right everywhere
    assert mixes[0.0] < 0.5  # the linear model alone says NOT_ENOUGH_INFO everywhere


def test_cross_encoder_training_without_torch_says_what_to_install(shared_data, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "lab.stance_training", None)
    with pytest.raises(CommandError, match=r"\[train\]"):
        call_command("train_stance", "--cross-encoder", stdout=StringIO())


@pytest.mark.skipif(not HAS_TORCH, reason="torch and transformers (the `train` extra) absent")
def test_cross_encoder_training_exports_a_loadable_model_and_card(shared_data, tmp_path):
    out = tmp_path / "stance.skops"
    call_command(
        "train_stance",
        "--cross-encoder",
        "--limit",
        "30",
        "--folds",
        "2",
        "--epochs",
        "1",
        "--device",
        "cpu",
        "--out",
        str(out),
        stdout=StringIO(),
    )
    card = json.loads(out.with_suffix(".json").read_text())
    section = card["cross_encoder"]
    assert section["device"] == "cpu"
    assert section["grouped_cv"]["folds"] == 2
    assert section["data"]["scifact"]["pairs"] > 0
    assert 0.0 <= section["mix_weight"] <= 1.0
    assert card["hints"]["thresholds"].keys() == set(LABELS)
    assert section["size_bytes"] <= 25 * 1024 * 1024
    model = StanceModel.load(out, threads=1)
    assert model.cross is not None
    assert model.cross.version == section["version"]
    assert model.probabilities("CO2 is rising.", ["CO2 rose to 415 ppm."]).shape == (1, 3)
