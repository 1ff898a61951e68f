import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ApplicationError
from core.text import (
    balance_quotes,
    content_hash,
    decode_bytes,
    extract_from_html,
    extract_from_text,
    looks_like_html,
    offset_in_input,
)


def test_decode_utf8_and_declared_charset():
    assert decode_bytes("Café – 20%".encode()) == "Café – 20%"
    assert decode_bytes("Café".encode("latin-1"), "iso-8859-1") == "Café"


def test_decode_wrong_declared_charset_falls_back_to_detection():
    body = "Le niveau de la mer a augmenté de 20 centimètres depuis 1900. " * 5
    # Declared UTF-8 but actually cp1252: must not raise, must not 500.
    text = decode_bytes(body.encode("cp1252"), "utf-8")
    assert "augment" in text
    assert "centim" in text


def test_decode_refuses_binary():
    with pytest.raises(ApplicationError) as info:
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert info.value.code == "not_text"


def test_html_extraction_drops_scripts_styles_comments_and_nav():
    html = """<html><head><title>Ice report</title><style>p{color:red}</style>
    <script>var secret = "do not extract";</script></head><body>
    <nav>Home | World | Share on Facebook</nav><!-- hidden comment -->
    <article><h1>Ice report</h1><p>Arctic sea ice extent fell to 4.1 million square kilometres
    in September 2023, according to the National Snow and Ice Data Center.</p>
    <p>Scientists measured the decline with satellites every day since 1979.</p></article>
    </body></html>"""
    page = extract_from_html(html)
    assert "4.1 million square kilometres" in page.text
    assert "do not extract" not in page.text
    assert "hidden comment" not in page.text
    assert "color:red" not in page.text
    assert page.title == "Ice report"


def test_malformed_html_does_not_crash():
    page = extract_from_html("<html><body><p>Unclosed <b>tags <i>everywhere<div></p></body")
    assert isinstance(page.text, str)


def test_plain_text_headline_is_split_off():
    page = extract_from_text("Sea ice at record low\nArctic sea ice fell to 4.1 million km2.")
    assert page.title == "Sea ice at record low"
    assert page.text == "Arctic sea ice fell to 4.1 million km2."


def test_content_hash_ignores_case_and_whitespace():
    assert content_hash("Sea  level\nROSE") == content_hash("sea level rose")
    assert content_hash("sea level rose") != content_hash("sea level fell")


def test_looks_like_html():
    assert looks_like_html("<!doctype html><html>")
    assert looks_like_html(b"  <p>hi</p>")
    assert not looks_like_html("Plain words about <b> tags")


def test_plain_text_masthead_byline_and_no_lost_paragraphs():
    page = extract_from_text(
        "SOUTHERN OCEAN REVIEW\nIce at the ends of the Earth\nBy Priya Natarajan, Editor\n\n"
        "Greenland is losing ice.\n"
    )
    assert (page.outlet, page.title, page.byline) == (
        "Southern Ocean Review",
        "Ice at the ends of the Earth",
        "Priya Natarajan",
    )
    assert page.text.endswith("Greenland is losing ice.")
    lead = extract_from_text("HEADLINE DESK\nA lead paragraph that ends here.\nMore text.")
    assert "A lead paragraph that ends here." in lead.text


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("“We will cut taxes by half.", "We will cut taxes by half."),
        ("We will cut taxes by half.”", "We will cut taxes by half."),
        ('"Crime fell 8%," the mayor said.', '"Crime fell 8%," the mayor said.'),
        ("He said “crime fell” last year.", "He said “crime fell” last year."),
        ("Sea level rose 20 cm.", "Sea level rose 20 cm."),
        ("“", ""),
    ],
)
def test_balance_quotes_drops_only_a_mark_that_pairs_with_nothing(text, title):
    assert balance_quotes(text) == title


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["\r\n", "\r", "\n", " ", "Headline", "By Ann", "é", "東京", "Body. ", "x"]
        ),
        max_size=30,
    ).map("".join)
)
def test_plain_text_offsets_map_back_to_the_input_as_given(raw):
    """`extract_from_text` drops the headline and turns line ends into "\\n"; the map puts
    every offset of its text back on the same character of the input."""
    page = extract_from_text(raw)
    to_input = offset_in_input(raw, text_start=page.text_start)
    for start in range(len(page.text) + 1):
        for end in range(start, len(page.text) + 1):
            given = raw[to_input(start) : to_input(end)]
            assert given.replace("\r\n", "\n").replace("\r", "\n") == page.text[start:end]
