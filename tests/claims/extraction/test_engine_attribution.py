"""Attribution as the engine reports it: interview labels out of the claim text with offsets
that still index the article, the pronoun replaced in self_contained_text, the source and
the speaker kind in `extract_claims --json`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from claims.extraction import get_extractor

INTERVIEW = (
    "Foreign Minister Anna Berg spoke to the Daily Courier in Stockholm.\n"
    '"Daily Courier": Your government cut the army budget by 4 percent in 2023?\n'
    "Berg: The parliament approved a cut of 12 percent in March 2023.\n"
    "Q: Will Norland withdraw its 3,000 troops from the border by May?\n"
    "A: Norland will withdraw 3,000 troops from the border by the end of May.\n"
)


@pytest.fixture(scope="module")
def engine():
    return get_extractor()


def test_interview_labels_leave_the_claim_text_and_offsets_stay_exact(engine):
    sentences = engine.extract(INTERVIEW, author="Lena Fischer", outlet="Daily Courier")
    for s in sentences:
        assert INTERVIEW[s.start : s.end] == s.sentence
        assert not s.text.startswith(('"Daily Courier":', "Berg:", "Q:", "A:"))
    by_start = {s.text[:12]: s for s in sentences}
    question = by_start["Your governm"]
    assert (question.speaker, question.speaker_kind) == ("Daily Courier", "organization")
    answer = by_start["The parliame"]
    assert (answer.speaker, answer.attribution) == ("Foreign Minister Anna Berg", "interview")
    assert INTERVIEW[answer.start - len("Berg: ") : answer.start] == "Berg: "
    assert by_start["Norland will"].speaker == "Foreign Minister Anna Berg"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Foreign Minister Anna Berg met the envoy on Monday. The talks have stalled since "
            "January. She reiterated once again that Norland will not sign the treaty.",
            "Foreign Minister Anna Berg reiterated once again that Norland will not sign the "
            "treaty.",
        ),
        (
            "Prof. Alan Kim said the survey covered 4,000 homes in 2023. According to him, "
            "12 percent of the homes had flooded twice since 2010.",
            "According to Prof. Alan Kim, 12 percent of the homes had flooded twice since 2010.",
        ),
    ],
    ids=["leading-pronoun", "according-to-him"],
)
def test_self_contained_text_names_the_pronoun(engine, text, expected):
    last = engine.extract(text, author="Ann Reporter")[-1]
    assert last.self_contained_text == expected
    assert last.text == text[last.start : last.end]  # the claim as stated is unchanged


def test_a_pronoun_inside_the_quotation_stays(engine):
    # The second sentence opens inside the quotation: its "He" is not the speaker.
    (_, second) = engine.extract(
        'Dr Helen Varga spoke on Monday. "The sea rose 4 mm. He is wrong about it," she said.',
        author="Ann Reporter",
    )[1:]
    assert second.self_contained_text == 'He is wrong about it," Dr Helen Varga said.'


def test_a_pronoun_not_about_the_speaker_stays(engine):
    # "He" opens a statement the author makes (no speech verb): nothing to resolve.
    (_, second) = engine.extract(
        "Dr Helen Varga said the sea rose 4 mm in 2023. He was born in Leeds in 1961.",
        author="Ann Reporter",
    )
    assert second.self_contained_text == "He was born in Leeds in 1961."


def test_extract_claims_json_reports_source_and_speaker_kind(tmp_path):
    page = tmp_path / "a.txt"
    page.write_text(
        "Sea level\n"
        "Senator Maria Lopez said sea levels rose 10 cm since 1990, according to a study by "
        "NASA.\n"
    )
    out = StringIO()
    call_command("extract_claims", str(page), "--json", stdout=out)
    record = next(json.loads(line) for line in out.getvalue().splitlines() if "Senator" in line)
    assert (record["speaker"], record["speaker_kind"], record["source"]) == (
        "Senator Maria Lopez",
        "person",
        "a study by NASA",
    )
