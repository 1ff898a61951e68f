from hypothesis import given, settings
from hypothesis import strategies as st

from core.segment import split_sentences


def test_abbreviations_numbers_and_quotes():
    text = (
        'Dr. Smith said sea level rose 3.3 mm a year. "It is accelerating," she said. '
        "The U.S. agency agreed.\nHeadline without a stop\n\nNext paragraph here!"
    )
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == [
        "Dr. Smith said sea level rose 3.3 mm a year.",
        '"It is accelerating," she said.',
        "The U.S. agency agreed.",
        "Headline without a stop",
        "Next paragraph here!",
    ]


def test_empty_and_whitespace_text():
    assert list(split_sentences("")) == []
    assert list(split_sentences(" \n\t ")) == []


def test_one_enormous_paragraph_without_punctuation():
    text = "word " * 200_000
    spans = list(split_sentences(text))
    assert len(spans) == 1
    assert spans[0].text == text.strip()


_pieces = st.sampled_from(
    [
        "Dr.",
        "U.S.",
        "3.5",
        '"',
        "“",
        "”",
        "'",
        ".",
        "!",
        "?",
        " ",
        "\n",
        "\n\n",
        "e.g.",
        "Ünï",
        "東京",
        "مرحبا",
        "Sea",
        "level",
        "rose",
        "A",
        "(",
        ")",
        "…",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=60).map("".join))
def test_offsets_are_exact_for_any_text(text):
    previous_end = 0
    for span in split_sentences(text):
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip()
        assert span.text
        assert span.start >= previous_end
        previous_end = span.end
