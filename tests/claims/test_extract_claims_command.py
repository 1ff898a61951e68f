"""`manage.py extract_claims`: the offsets contract (start/end index the input as given) and
inputs that are empty, huge, unpunctuated or not English."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

BODY = (
    "Dmytro Kuleba, the country's foreign minister, told CNN that Ukraine is prepared to "
    "resume grain exports.\n\n"
    "Given that the 2015 budget was never passed, how can we trust them?\n"
    "Café owners in Zürich said prices rose 12 percent in 2023 (東京 saw 4 percent)."
)


def _records(path: Path) -> list[dict]:
    out = StringIO()
    call_command("extract_claims", str(path), "--json", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("Kyiv ready to resume grain exports\n" + BODY, id="headline"),
        pytest.param(
            "WORLD DESK\r\nKyiv ready to resume grain exports\r\nBy Ann Lee\r\n\r\n"
            + BODY.replace("\n", "\r\n")
            + "\r\n",
            id="masthead-byline-crlf",
        ),
        pytest.param("\n\n  " + BODY + "\n", id="no-headline-leading-blank-lines"),
        pytest.param("Grèves à Zürich — 東京\r" + BODY.replace("\n", "\r"), id="old-mac-cr"),
    ],
)
def test_offsets_index_the_file_as_given(tmp_path, content):
    page = tmp_path / "article.txt"
    page.write_bytes(content.encode("utf-8"))
    given = page.read_bytes().decode("utf-8")  # no newline translation: the file's characters
    records = _records(page)
    assert len(records) >= 4
    for record in records:
        assert given[record["start"] : record["end"]] == record["sentence"]
    premise = next(r for r in records if r["sentence"] == "the 2015 budget was never passed")
    assert premise["check_worthy"]
    assert premise["start"] == given.index("the 2015 budget")
    lead = next(r for r in records if r["sentence"].startswith("Dmytro Kuleba"))
    assert lead["check_worthy"]
    assert lead["start"] == given.index("Dmytro Kuleba")


def test_html_offsets_index_the_text_that_text_prints(tmp_path):
    page = tmp_path / "a.html"
    page.write_text(
        "<html><head><title>Talks</title></head><body><nav>Home</nav><article>"
        "<h1>Talks</h1><p>Dmytro Kuleba told CNN that Ukraine is prepared to resume grain "
        "exports.</p><p>Given that the 2015 budget was never passed, how can we trust "
        "them?</p></article></body></html>",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("extract_claims", str(page), "--text", stdout=out)
    text = out.getvalue()
    assert "Home" not in text
    records = _records(page)
    assert records
    for record in records:
        assert text[record["start"] : record["end"]] == record["sentence"]


def test_an_empty_file_says_so(tmp_path):
    page = tmp_path / "empty.txt"
    page.write_text("  \n\n", encoding="utf-8")
    assert _records(page) == []
    out = StringIO()
    call_command("extract_claims", str(page), stdout=out)
    assert "0 claim(s) in 0 sentence(s)" in out.getvalue()


def test_five_megabytes_without_punctuation(tmp_path):
    page = tmp_path / "dump.txt"
    page.write_text("the level of the sea keeps rising along the coast " * 100_000)
    (only,) = _records(page)
    assert only["reason"] == "too long to be one claim"
    assert not only["check_worthy"]
    assert only["start"] == 0


def test_non_english_text_is_flagged_and_not_queued(tmp_path):
    page = tmp_path / "fr.txt"
    page.write_text(
        "Le niveau de la mer a augmenté de 20 centimètres depuis 1900, selon le GIEC. "
        "La banquise arctique a perdu 13 % de sa surface par décennie.",
        encoding="utf-8",
    )
    records = _records(page)
    assert {r["language"] for r in records} == {"fr"}
    assert all("trained on English" in r["reason"] for r in records)
    assert not any(r["check_worthy"] for r in records)
