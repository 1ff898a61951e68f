"""The check-worthiness training and evaluation commands (lab), on the shipped model."""

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from claims.extraction.checkworthiness import CheckworthinessModel
from lab.checkworthiness import read_checkthat_tsv


def _slice(source: Path, target: Path, rows: int) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")
    return target


def test_evaluate_command_json_contract(shared_data, tmp_path):
    data = _slice(
        shared_data / "checkworthiness" / "ct24_english_dev.tsv", tmp_path / "dev.tsv", 200
    )
    out = StringIO()
    call_command("evaluate_checkworthiness", "--data", str(data), "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert {"precision", "recall", "f1", "accuracy", "n", "sentences_per_s"} <= result.keys()
    assert result["n"] == 200
    assert result["f1"] > 0.7  # the full dev file gives 0.88; a slice should not collapse


def test_evaluate_with_rules_scores_as_the_engine_does(tmp_path, db):
    data = tmp_path / "framed.tsv"
    data.write_text(
        "Sentence_id\tText\tclass_label\n"
        # A premise inside a question counts for its sentence; a personal view is capped; a
        # named speaker's reported statement is lifted.
        "1\tGiven that the 2015 budget was never passed, how can we trust them?\tYes\n"
        "2\tIvan Petrov, a former soldier, firmly believes the West will tire of this war.\tNo\n"
        "3\tAnna Berg emphasized that Sweden will not send troops to the region.\tYes\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command(
        "evaluate_checkworthiness", "--data", str(data), "--with-rules", "--json", stdout=out
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["with_rules"] is True
    assert (result["precision"], result["recall"]) == (1.0, 1.0)


def test_evaluate_command_refuses_bad_files(tmp_path, db):
    bad = tmp_path / "bad.tsv"
    bad.write_text("Sentence_id\tText\tclass_label\n1\tSome text\tMaybe\n")
    with pytest.raises(CommandError, match="Yes or No"):
        call_command("evaluate_checkworthiness", "--data", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("evaluate_checkworthiness", "--data", str(tmp_path / "missing.tsv"))


def test_training_is_deterministic(shared_data, tmp_path):
    train = _slice(
        shared_data / "checkworthiness" / "ct24_english_train.tsv", tmp_path / "train.tsv", 400
    )
    outputs = []
    for run in ("a", "b"):
        out_path = tmp_path / f"{run}.skops"
        call_command(
            "train_checkworthiness",
            "--train",
            str(train),
            "--dev",
            str(tmp_path / "none.tsv"),
            "--seed",
            "7",
            "--out",
            str(out_path),
            stdout=StringIO(),
        )
        outputs.append(CheckworthinessModel.load(out_path))
    texts, _ = read_checkthat_tsv(train)
    assert np.array_equal(outputs[0].score(texts), outputs[1].score(texts))
    assert json.loads((tmp_path / "a.json").read_text())["seed"] == 7


def test_training_without_data_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Training data not found"):
        call_command("train_checkworthiness", "--train", str(tmp_path / "nope.tsv"))
