"""The shipped model and the extract_claims command (training and evaluation: tests/lab)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from claims.extraction.checkworthiness import CARD_PATH, CheckworthinessModel


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
    with django_assert_num_queries(1):  # one read: which model version is active
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
