"""Fine-tuning the transformer check-worthiness model (lab.transformer_training).

The choice helpers run everywhere; the training run itself needs torch (the `train` extra),
which the service's virtualenv does not hold, so it skips there."""

import importlib.util
import json
import shutil
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from claims.extraction.cascade import CascadeConfig, cascade_scores
from claims.extraction.checkworthiness import CheckworthinessModel
from claims.extraction.transformer import MODEL_DIR, TransformerCheckworthiness
from lab.transformer_training import best_threshold, tune_cascade

HAS_TORCH = all(importlib.util.find_spec(m) for m in ("torch", "transformers"))


def test_best_threshold_finds_the_cut_with_the_best_f1():
    values = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1])
    truth = [True, True, False, True, False, False]
    cut, scores = best_threshold(values, truth)
    assert 0.2 < cut < 0.6  # everything from 0.6 up: P 3/4, R 1 beats P 1, R 2/3
    assert scores.f1 == pytest.approx(2 * 0.75 / 1.75, abs=1e-4)
    assert scores.n == 6


def test_tune_cascade_respects_the_rescoring_budget():
    rng = np.random.default_rng(0)
    truth = rng.random(400) < 0.3
    linear = np.clip(truth * 0.35 + rng.random(400) * 0.6, 0, 1)
    transformer = np.where(truth, 0.9, 0.1)  # a perfect second opinion
    choice = tune_cascade(linear, transformer, list(truth), threshold=0.5, max_rescored=0.25)
    assert choice["rescored_fraction"] <= 0.25
    config = CascadeConfig(low=choice["low"], high=choice["high"], weight=choice["weight"])
    combined = cascade_scores(linear, transformer, config) >= 0.5
    linear_only = linear >= 0.5
    assert (combined == truth).mean() > (linear_only == truth).mean()
    with pytest.raises(ValueError, match="no band"):
        tune_cascade(linear, transformer, list(truth), threshold=0.5, max_rescored=0.0)


def test_transformer_backend_without_torch_says_what_to_install(shared_data, monkeypatch):
    monkeypatch.setattr(
        "lab.management.commands.train_checkworthiness.find_spec", lambda name: None
    )
    with pytest.raises(CommandError, match=r"\[train\]"):
        call_command("train_checkworthiness", "--backend", "transformer")


def _slice(source: Path, target: Path, rows: int) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")
    return target


@pytest.mark.skipif(not HAS_TORCH, reason="torch and transformers (the `train` extra) absent")
def test_transformer_training_exports_a_loadable_model_and_card(shared_data, tmp_path):
    data = shared_data / "checkworthiness"
    dev = _slice(data / "ct24_english_dev.tsv", tmp_path / "dev.tsv", 64)
    outputs = []
    for run in ("a", "b"):
        out_dir = tmp_path / run
        out = StringIO()
        call_command(
            "train_checkworthiness",
            "--backend",
            "transformer",
            "--dev",
            str(dev),
            "--limit",
            "64",
            "--epochs",
            "1",
            "--device",
            "cpu",
            "--out",
            str(out_dir),
            stdout=out,
            stderr=StringIO(),
        )
        assert "Saved" in out.getvalue()
        outputs.append(out_dir)
    card = json.loads((outputs[0] / "checkworthiness-minilm.json").read_text())
    assert card["train"]["n"] == 64
    assert card["dev"]["n"] == 64
    assert card["device"] == "cpu"
    assert len(card["epochs"]) == 1
    assert card["size_bytes"] <= 25 * 1024 * 1024
    model = TransformerCheckworthiness(
        outputs[0] / "checkworthiness-minilm.int8.onnx",
        outputs[0] / "checkworthiness-minilm.tokenizer.json",
    )
    assert model.threshold_logit == card["threshold_logit"]
    assert model.score(["A sentence.", "Another one."]).shape == (2,)
    # Same seed, same CPU and thread count: the same model, byte for byte.
    onnx_bytes = [(d / "checkworthiness-minilm.int8.onnx").read_bytes() for d in outputs]
    assert onnx_bytes[0] == onnx_bytes[1]


def test_cascade_backend_rechooses_the_band_for_the_shipped_models(shared_data, tmp_path):
    for path in MODEL_DIR.glob("checkworthiness-minilm.*"):
        shutil.copy(path, tmp_path / path.name)
    card_path = tmp_path / "checkworthiness-minilm.json"
    card = json.loads(card_path.read_text())
    del card["cascade"]
    card_path.write_text(json.dumps(card))
    dev = _slice(shared_data / "checkworthiness" / "ct24_english_dev.tsv", tmp_path / "d.tsv", 80)
    call_command(
        "train_checkworthiness",
        "--backend",
        "cascade",
        "--dev",
        str(dev),
        "--max-rescored",
        "0.5",
        "--out",
        str(tmp_path),
        stdout=StringIO(),
    )
    updated = json.loads(card_path.read_text())
    cascade = updated["cascade"]
    assert cascade["rescored_fraction"] <= 0.5
    assert cascade["dev"]["n"] == 80
    assert cascade["linear_version"] == CheckworthinessModel.load().version
    assert cascade["transformer_version"] == card["version"]
    # The threshold is chosen again on this dev file; everything else in the card is kept.
    assert updated["dev_int8"]["n"] == 80
    chosen = {"cascade", "threshold_logit", "dev_int8"}
    assert {k: v for k, v in updated.items() if k not in chosen} == {
        k: v for k, v in card.items() if k not in chosen
    }
