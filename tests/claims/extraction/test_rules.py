import pytest

from claims.extraction import rules


@pytest.mark.parametrize(
    "line",
    [
        "By Priya Natarajan, Environment Editor",
        "Article commentators: Bob, Alice",
        "Share on Facebook",
        "© 2026 The Gazette. All rights reserved.",
        "Published 24 February 2026",
    ],
)
def test_boilerplate_lines(line):
    assert rules.is_boilerplate(line)


def test_news_sentences_are_not_boilerplate():
    assert not rules.is_boilerplate("By 2050, sea level will have risen 30 centimetres.")
    assert not rules.is_boilerplate("Published research shows ice loss tripled.")


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Is this the end of coastal cities as we know them?", "question"),
        ("Thank you all.", "too short to be a claim"),
        ("These people are idiots who never read a report.", "insult"),
        ("I think we should all care more about the coast.", "opinion"),
    ],
)
def test_rule_caps_have_reasons(sentence, reason):
    cap, why = rules.rule_cap(sentence)
    assert cap is not None
    assert cap <= 0.3
    assert why == reason


def test_a_factual_sentence_is_not_capped():
    assert rules.rule_cap("Carbon dioxide reached 420 ppm in 2023, the agency reported.") == (
        None,
        "",
    )


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Sea level rose 20 centimetres between 1900 and 2018.", "statistic"),
        ("Sea level will keep rising for centuries.", "prediction"),
        ("The floods were caused by record rainfall.", "causal"),
        ("The senate passed the bill on Tuesday.", "law_policy"),
        ("It was the hottest summer on record.", "comparison"),
        ('"We stand with the farmers," she said.', "quotation"),
    ],
)
def test_claim_types(sentence, kind):
    assert rules.claim_type(sentence, is_quote=sentence.startswith('"')) == kind


def test_entities_names_and_quantities():
    found = rules.entities(
        "Global sea level rose 20 centimetres since 1900, said Dr Helen Varga of the "
        "Halden Institute, while NASA measured 3.3 mm a year."
    )
    assert "Dr Helen Varga" in found
    assert "NASA" in found
    assert "20 centimetres" in found
    assert "Global" not in found  # a capitalised first word is not a name


def test_decontextualise_replaces_speaker_pronouns():
    assert rules.decontextualise(
        "She said rates rose to 92% last year.", speaker="The health minister"
    ) == ("The health minister said rates rose to 92% last year.")
    assert (
        rules.decontextualise('"It rose," she said.', speaker="Dr Varga")
        == '"It rose," Dr Varga said.'
    )
    assert rules.decontextualise("It rose.", speaker="") == "It rose."
