"""The shipped model, its training command and the evaluation command."""

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from claims.extraction.checkworthiness import CARD_PATH, CheckworthinessModel, read_checkthat_tsv


@pytest.fixture(scope="module")
def model():
    return CheckworthinessModel.load()


def test_shipped_model_separates_obvious_cases(model):
    scores = model.score(
        [
            "Unemployment fell to 3.5 percent last year, the lowest level in fifty years.",
            "We spent $2 trillion on the war in Iraq.",
            "Thank you very much, it is great to be here tonight.",
            "Good evening, everyone.",
        ]
    )
    assert scores[0] > 0.5
    assert scores[1] > 0.5
    assert scores[2] < 0.5
    assert scores[3] < 0.5


def test_model_card_records_how_it_was_trained():
    card = json.loads(CARD_PATH.read_text())
    assert card["train"]["file"] == "ct24_english_train.tsv"
    assert 0 < card["cv_f1_mean"] < 1
    assert card["dev"]["n"] == 1032


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


def test_extract_claims_command_prints_every_sentence_and_writes_nothing(
    tmp_path, db, django_assert_num_queries
):
    page = tmp_path / "a.html"
    page.write_text(
        "<html><head><title>Ice</title></head><body><article><p>Arctic sea ice fell to 4.1 "
        "million square kilometres in September 2023, the NSIDC said.</p><p>Is that bad?</p>"
        "</article></body></html>"
    )
    out = StringIO()
    with django_assert_num_queries(0):
        call_command("extract_claims", str(page), "--json", stdout=out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == 2
    keys = {
        "text",
        "sentence",
        "start",
        "end",
        "speaker",
        "outlet",
        "score",
        "check_worthy",
        "type",
        "entities",
    }
    assert all(keys <= r.keys() for r in records)
    assert [r["check_worthy"] for r in records] == [True, False]
    text_out = StringIO()
    call_command("extract_claims", str(page), stdout=text_out)
    assert "1 claim(s) in 2 sentence(s)" in text_out.getvalue()
