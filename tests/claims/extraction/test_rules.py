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
        ("The opposition leader is a coward and a traitor to this nation.", "insult"),
        ("Down with the corrupt elites and their friends!", "slogan"),
        ("Make this country great again, vote for change!", "slogan"),
        ("I think we should all care more about the coast.", "personal view"),
        ("In my opinion the coastal plan is a failure from start to end.", "personal view"),
        ("It seems the government has lost its way on climate.", "personal view"),
        ("Maria, a retired teacher, firmly believes the town will never recover.", "personal view"),
        ("He feels that the reforms went far too far, too fast.", "personal view"),
        ("The mayor thinks the flood barriers are a waste of money.", "personal view"),
        ("We must act now and it is high time the council listened.", "opinion"),
        ("Everyone should care more about the coast and its people.", "opinion"),
        ("Democracy means the rule of the people by the people.", "definition"),
        ("Sustainability is defined as meeting the needs of today without harm.", "definition"),
        ('The term "climate refugee" refers to people forced out by the weather.', "definition"),
        ("Even if the talks succeed, nothing will change for the farmers.", "hypothetical"),
        ("If the sanctions were lifted, then prices would fall again.", "hypothetical"),
        ("But if we had listened, the dam could have held the water back.", "hypothetical"),
        ("Imagine a coast where nobody has to fear the next storm.", "hypothetical"),
    ],
)
def test_rule_caps_have_reasons(sentence, reason):
    cap, why = rules.rule_cap(sentence)
    assert cap is not None
    assert cap <= 0.3
    assert why == reason


@pytest.mark.parametrize(
    "sentence",
    [
        "Carbon dioxide reached 420 ppm in 2023, the agency reported.",
        # Figures exempt the softer rules: what they wrap is usually checkable.
        "I believe unemployment fell to 3.5 percent last year.",
        "In my opinion, taxes on incomes under $70,000 rose twice since 2019.",
        "Poverty is defined as an income below $12,000 a year for one adult.",
        # Consequences, not definitions.
        "This means that we cannot drill our way out of the problem.",
        "The closure means job losses for the whole town and its port.",
        # A conditional that states a fact, and reported positions, are not hypotheticals or
        # opinions.
        "If you have health insurance, your premiums doubled over the last eight years.",
        "The governor suggested that employers should decide on contraception cover.",
        # The missed claims (reported statements) are never capped.
        "Dmytro Kuleba, the country's foreign minister, told CNN that Ukraine is prepared "
        "to resume grain exports.",
        "Anna Berg emphasized that Sweden will not send troops to the region.",
        "There are reports that the president has privately asked for a ceasefire.",
        "The minister personally approved the contract in 2021.",
    ],
)
def test_sentences_the_caps_leave_alone(sentence):
    assert rules.rule_cap(sentence) == (None, "")


@pytest.mark.parametrize(
    "sentence",
    [
        "Dmytro Kuleba, the country's foreign minister, told CNN that Ukraine is prepared "
        "to resume grain exports.",
        "Anna Berg emphasized that Sweden will not send troops to the region.",
        "The minister stressed once again that the border will stay open.",
        "He reiterated that the army has withdrawn from the two villages.",
        "There are reports that the president has privately asked for a ceasefire.",
    ],
)
def test_reported_statements_are_lifted_to_the_threshold(sentence):
    assert rules.rule_adjust(sentence, 0.12, threshold=0.5) == (0.5, rules.REPORTED)
    # A score already above the threshold is the model's own.
    assert rules.rule_adjust(sentence, 0.9, threshold=0.5) == (0.9, "")


@pytest.mark.parametrize(
    "sentence",
    [
        "I told the committee that we would publish the report.",  # first person
        "She told me that the weather was lovely.",  # hearsay to the writer
        "He stressed that it matters.",  # too little after "that" to check
        "The minister told reporters that she thinks the plan will fail.",  # a view
        "Anna Berg emphasized that Sweden will not send troops, is that right?",
        "The spokesman said that the talks went well.",  # "said" is too common to lift
    ],
)
def test_statements_that_are_not_lifted(sentence):
    score, reason = rules.rule_adjust(sentence, 0.12, threshold=0.5)
    assert score <= 0.12
    assert reason != rules.REPORTED


@pytest.mark.parametrize(
    ("sentence", "premise"),
    [
        (
            "Given that the 2015 budget was never passed, how can we trust them?",
            "the 2015 budget was never passed",
        ),
        (
            "How can we trust them, given that the 2015 budget was never passed?",
            "the 2015 budget was never passed",
        ),
        (
            "Since the plant closed in 2019, why is the river still polluted?",
            "the plant closed in 2019",
        ),
        (
            "Now that the dam has been shut for two years, we should rebuild it.",
            "the dam has been shut for two years",
        ),
        (
            "Considering that the company lost $2 billion in 2023, why did it pay a dividend?",
            "the company lost $2 billion in 2023",
        ),
        (
            "Even though the minister resigned in March, I think nothing has changed.",
            "the minister resigned in March",
        ),
        (
            '"Do you realize that we spend $73 billion a year on college aid?"',
            "we spend $73 billion a year on college aid",
        ),
        (
            "But given that the council, which met on Monday, cut the budget, can we hope?",
            "the council, which met on Monday, cut the budget",
        ),
    ],
)
def test_embedded_premise_spans(sentence, premise):
    span = rules.embedded_premise(sentence)
    assert span is not None
    assert sentence[span[0] : span[1]] == premise


@pytest.mark.parametrize(
    "sentence",
    [
        "How can we trust them?",
        "Since 1990, how much has changed?",  # a date, not a fact
        "She believes that the budget was never passed, doesn't she?",  # belief is not assertion
        "Even if the budget passes, will anything change?",  # hypothetical, not given
        "Given that, how can we trust them?",
    ],
)
def test_no_premise(sentence):
    assert rules.embedded_premise(sentence) is None


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
