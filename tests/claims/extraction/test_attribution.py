from claims.extraction.attribution import attribute_sentences


def attribute_all(sentences, author="Ann Reporter", outlet="The Gazette"):
    return attribute_sentences(sentences, author=author, outlet=outlet)


def test_direct_quote_after_and_before_the_verb():
    said_after, name_first = attribute_all(
        [
            '"Rates rose to 92% last year," said Dr. Jane Smith, the health minister.',
            '"We will double it," Smith said.',
        ]
    )
    assert (said_after.speaker, said_after.is_quote, said_after.source) == (
        "Dr. Jane Smith",
        True,
        "quote",
    )
    assert name_first.speaker == "Dr. Jane Smith"  # the surname resolves to the full name


def test_reported_speech_names_the_outlet():
    (who,) = attribute_all(["Health Minister Maria Lopez told the BBC that vaccination rose."])
    assert who.speaker == "Health Minister Maria Lopez"
    assert who.outlet == "BBC"
    assert not who.is_quote


def test_pronouns_resolve_to_the_most_recent_named_speaker():
    results = attribute_all(
        [
            "Prof. Alan Kim said the survey covered 4,000 homes.",
            "According to him, 12% had flooded twice.",
            '"It will get worse," he added.',
        ]
    )
    assert [r.speaker for r in results] == ["Prof. Alan Kim"] * 3
    assert results[1].source == "pronoun"


def test_a_named_subject_becomes_the_referent_of_she():
    results = attribute_all(
        [
            "Dr Helen Varga, an oceanographer, said the data were clear.",
            "Councillor Brent Mayhew disagreed.",
            "Varga does not think so.",
            '"The rise is accelerating," she said.',
        ]
    )
    assert results[3].speaker == "Dr Helen Varga"


def test_a_quote_spanning_sentences_belongs_to_its_speaker():
    results = attribute_all(
        [
            '"Sea ice is shrinking.',
            'It is a trend, not noise," said Dr. Ana Lopez.',
            "Ice fell 13%.",
        ]
    )
    assert [r.speaker for r in results] == ["Dr. Ana Lopez", "Dr. Ana Lopez", "Ann Reporter"]
    assert results[0].quote_run == results[1].quote_run


def test_unattributed_statements_are_the_authors():
    (who,) = attribute_all(["Arctic sea ice fell to 4.1 million square kilometres."])
    assert (who.speaker, who.outlet, who.source, who.is_quote) == (
        "Ann Reporter",
        "The Gazette",
        "author",
        False,
    )
