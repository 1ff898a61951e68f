"""The claim engine end to end on awkward inputs (the shipped model, no database)."""

import time

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.extraction import get_extractor
from claims.extraction.engine import MAX_CLAIM_CHARS, ClaimEngine
from claims.extraction.llm import OpenAICompatibleDecontextualiser
from core.text import detect_language, extract_from_html

ARTICLE = (
    "Arctic sea ice at record low\n"
    "By Sam Reporter\n"
    "Arctic sea ice extent fell to 4.1 million square kilometres in September 2023, according "
    "to the National Snow and Ice Data Center. "
    '"The Arctic has lost 13 percent of its summer ice per decade since 1979," said Dr. Ana Lopez. '
    "Will the ice ever come back? I think we should all care more. Share on Facebook"
)


@pytest.fixture(scope="module")
def engine():
    return get_extractor()


def test_every_sentence_is_considered_with_exact_offsets(engine):
    sentences = engine.extract(ARTICLE, author="Sam Reporter", outlet="Gazette", language="en")
    assert len(sentences) == 7
    for s in sentences:
        assert ARTICLE[s.start : s.end] == s.sentence
    by_text = {s.sentence[:20]: s for s in sentences}
    stat = by_text["Arctic sea ice exten"]
    assert stat.check_worthy
    assert stat.claim_type == "statistic"
    assert "National Snow and Ice Data Center" in stat.entities
    quote = by_text['"The Arctic has lost']
    assert quote.check_worthy
    assert (quote.speaker, quote.is_quote) == ("Dr. Ana Lopez", True)
    assert by_text["By Sam Reporter"].reason == "boilerplate"
    assert not by_text["By Sam Reporter"].check_worthy
    assert by_text["Will the ice ever co"].reason == "question"
    assert by_text["I think we should al"].reason == "personal view"
    assert not any(s.check_worthy for s in sentences if s.reason)


def test_an_embedded_premise_is_its_own_claim_with_its_own_offsets(engine):
    text = (
        "The council met on Monday. "
        "Given that the 2015 budget was never passed, how can we trust them?"
    )
    question, premise = engine.extract(text, language="en")[1:]
    assert (question.reason, question.check_worthy) == ("question", False)
    assert premise.text == premise.sentence == "the 2015 budget was never passed"
    assert text[premise.start : premise.end] == premise.text
    assert premise.start == text.index("the 2015 budget")
    assert question.start < premise.start < premise.end < question.end
    assert premise.check_worthy
    assert premise.reason == "premise (question)"
    assert premise.self_contained_text == "The 2015 budget was never passed"


def test_reported_statements_by_named_speakers_become_claims(engine):
    text = (
        "Anna Berg emphasized that Sweden will not send troops to the region. "
        "Ivan Petrov, a former soldier, firmly believes: "
        '"This war will end only when the West gets tired of it."'
    )
    reported, belief = engine.extract(text, language="en")
    assert reported.check_worthy
    assert reported.reason in {"", "reported statement by a named speaker"}
    assert (belief.reason, belief.check_worthy) == ("personal view", False)


def test_empty_and_blank_text(engine):
    assert engine.extract("") == []
    assert engine.extract(" \n\n\t ") == []


def test_five_megabytes_without_punctuation_is_one_run_on(engine):
    text = "the level of the sea keeps rising along the coast " * 100_000  # 5 MB
    started = time.perf_counter()
    (only,) = engine.extract(text, language="en")
    # The time is printed, not asserted: the machine is shared. Linear work takes seconds;
    # a quadratic step would take hours.
    print(f"5 MB without punctuation: {time.perf_counter() - started:.1f} s")  # noqa: T201
    assert only.reason == "too long to be one claim"
    assert not only.check_worthy
    assert (only.start, only.end) == (0, len(text.rstrip()))


def test_five_megabytes_of_text(engine):
    paragraph = (
        "Sea level rose 3.3 millimetres a year between 1993 and 2020, NASA said. "
        "Nobody enjoys a flooded basement. "
    )
    text = paragraph * (5_000_000 // len(paragraph))
    started = time.perf_counter()
    sentences = engine.extract(text)
    print(f"5 MB of short sentences: {time.perf_counter() - started:.1f} s")  # noqa: T201
    assert len(sentences) == 2 * (5_000_000 // len(paragraph))
    assert sentences[-1].end <= len(text)


def test_mixed_scripts_do_not_crash(engine):
    text = "Tokyo (東京) recorded 39.5°C on Monday. Москва побила рекорд жары. القاهرة 45 درجة."
    sentences = engine.extract(text, language=detect_language(text))
    assert [text[s.start : s.end] for s in sentences] == [s.sentence for s in sentences]


def test_text_that_is_all_quotes(engine):
    text = '"Sea levels are rising." "They rose 20 cm." "It will get worse," she said.'
    sentences = engine.extract(text, author="Desk")
    assert all(s.is_quote for s in sentences)
    assert len(sentences) == 3


def test_non_english_article_is_flagged(engine):
    text = (
        "Le niveau de la mer a augmenté de 20 centimètres depuis 1900, selon le GIEC. "
        "La banquise arctique a perdu 13 % de sa surface par décennie."
    )
    language = detect_language(text)
    assert language == "fr"
    sentences = engine.extract(text, language=language)
    assert len(sentences) == 2
    assert all("trained on English" in s.reason for s in sentences)
    # The score is shown but not trusted: nothing is queued until a reviewer promotes it.
    assert all(s.score >= 0 for s in sentences)
    assert not any(s.check_worthy for s in sentences)


def test_html_with_scripts_styles_and_comments(engine):
    html = """<html><head><style>.x{}</style><script>alert("Sea level rose 99 metres")</script>
    </head><body><!-- Sea level rose 77 metres --><article><p>Sea level rose 20 centimetres
    between 1900 and 2018, the IPCC said in its report.</p></article></body></html>"""
    page = extract_from_html(html)
    sentences = engine.extract(page.text)
    assert not any("99" in s.sentence or "77" in s.sentence or "{" in s.sentence for s in sentences)
    claims = [s.sentence for s in sentences if s.check_worthy]
    assert len(claims) == 1
    assert claims[0].startswith("Sea level rose 20 centimetres")


_TEXT = st.lists(
    st.one_of(
        st.sampled_from(
            [
                '"',
                "“",
                "”",
                "Dr.",
                "U.S.",
                " said ",
                "she",
                "3.5%",
                ".",
                "?",
                "\n",
                " ",
                "Ünï",
                "東京",
                "Sea level rose",
                "By Ann",
                "According to him,",
            ]
        ),
        st.text(max_size=10),
    ),
    max_size=40,
).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_TEXT)
def test_offsets_are_exact_through_the_engine(engine, text):
    for s in engine.extract(text, author="A"):
        assert text[s.start : s.end] == s.sentence == s.text
        assert len(s.sentence) == s.end - s.start


@respx.mock
def test_llm_backend_rewrites_claims(engine):
    respx.post("http://127.0.0.1:8080/v1/chat/completions").mock(
        return_value=httpx.Response(
            200,
            json={
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {
                            "role": "assistant",
                            "content": '```json\n["Arctic sea ice extent fell to 4.1 million km2 '
                            'in September 2023.", "Dr. Ana Lopez said the Arctic has lost 13 '
                            'percent of its summer ice per decade since 1979."]\n```',
                        },
                    }
                ],
            },
        )
    )
    llm = OpenAICompatibleDecontextualiser(base_url="http://127.0.0.1:8080/v1", model="local")
    with_llm = ClaimEngine(engine.model, threshold=engine.threshold, decontextualiser=llm)
    # The body only: the reply rewrites its two claims (the headline is a claim too for some
    # backends, and a reply of the wrong length is rejected).
    body = ARTICLE[ARTICLE.index("Arctic sea ice extent") :]
    claims = [s for s in with_llm.extract(body, author="Sam Reporter") if s.check_worthy]
    assert len(claims) == 2
    assert claims[1].self_contained_text.startswith("Dr. Ana Lopez said the Arctic")
    assert claims[1].text.startswith('"The Arctic has lost')  # the original stays


@respx.mock
@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, text="boom"),
        httpx.Response(200, json={"choices": [{"message": {"content": "not json"}}]}),
        httpx.Response(200, json={"choices": [{"message": {"content": '["only one"]'}}]}),
    ],
)
def test_llm_failures_fall_back_to_the_rules(engine, response):
    respx.post("http://127.0.0.1:8080/v1/chat/completions").mock(return_value=response)
    llm = OpenAICompatibleDecontextualiser(base_url="http://127.0.0.1:8080/v1", model="local")
    with_llm = ClaimEngine(engine.model, threshold=engine.threshold, decontextualiser=llm)
    plain = engine.extract(ARTICLE, author="Sam Reporter")
    assert with_llm.extract(ARTICLE, author="Sam Reporter") == plain


def test_max_claim_chars_is_sane():
    assert 500 <= MAX_CLAIM_CHARS <= 5000
