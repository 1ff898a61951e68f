"""The stance training and evaluation commands (lab), on the shipped model."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from library.evidence.stance import StanceModel


def test_evaluate_stance_json_contract(shared_data, tmp_path):
    lines = (shared_data / "stance" / "climate_fever_train.jsonl").read_text().splitlines()[:300]
    data = tmp_path / "slice.jsonl"
    data.write_text("\n".join(lines) + "\n")
    out = StringIO()
    call_command("evaluate_stance", "--data", str(data), "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert {"accuracy", "macro_f1", "n"} <= result.keys()
    assert result["n"] == 300
    assert set(result["f1_per_label"]) == {"SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"}


def test_evaluate_stance_refuses_bad_labels(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text(json.dumps({"claim": "a", "evidence": "b", "label": "MAYBE"}) + "\n")
    with pytest.raises(CommandError, match="label must be one of"):
        call_command("evaluate_stance", "--data", str(data))


def test_training_is_deterministic(shared_data, tmp_path):
    lines = (shared_data / "stance" / "climate_fever_train.jsonl").read_text().splitlines()[:600]
    data = tmp_path / "train.jsonl"
    data.write_text("\n".join(lines) + "\n")
    models = []
    for run in ("a", "b"):
        call_command(
            "train_stance",
            "--data",
            str(data),
            "--seed",
            "3",
            "--out",
            str(tmp_path / f"{run}.skops"),
            stdout=StringIO(),
        )
        models.append(StanceModel.load(tmp_path / f"{run}.skops"))
    claim, passages = "CO2 is rising", ["Atmospheric CO2 rose to 415 ppm.", "Cats sleep a lot."]
    assert models[0].predict(claim, passages) == models[1].predict(claim, passages)
