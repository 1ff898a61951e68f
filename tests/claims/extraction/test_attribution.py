import pytest

from claims.extraction.attribution import (
    ORGANIZATION,
    PERSON,
    UNKNOWN,
    attribute_sentences,
    attribute_spans,
    speaker_kind,
)
from core.segment import split_sentences


def attribute_all(sentences, author="Ann Reporter", outlet="The Gazette"):
    return attribute_sentences(sentences, author=author, outlet=outlet)


def test_direct_quote_after_and_before_the_verb():
    said_after, name_first = attribute_all(
        [
            '"Rates rose to 92% last year," said Dr. Jane Smith, the health minister.',
            '"We will double it," Smith said.',
        ]
    )
    assert (said_after.speaker, said_after.is_quote, said_after.method) == (
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
    assert results[1].method == "pronoun"


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
    assert (who.speaker, who.outlet, who.method, who.is_quote) == (
        "Ann Reporter",
        "The Gazette",
        "author",
        False,
    )


def attribute_text(text, author="Ann Reporter", outlet="The Gazette"):
    return attribute_spans(text, list(split_sentences(text)), author=author, outlet=outlet)


# (article text, index of the sentence, speaker, speaker kind, outlet or None for the
# article's, source)
PATTERNS = {
    "appositive with commas and 'of'": (
        "Tomas Lind, a political scientist and chairman of the Baltic Policy Institute, said: "
        '"The offer is real."',
        0,
        "Tomas Lind",
        PERSON,
        None,
        "",
    ),
    "appositive with 'at' and believes": (
        'Maja Holm, associate professor at Uppsala University, believes: "Dahl will fall."',
        0,
        "Maja Holm",
        PERSON,
        None,
        "",
    ),
    "appositive with a relative clause and an adverb": (
        "Erik Nyberg, a former soldier who served two tours in the north, firmly believes: "
        '"Nobody wants this war."',
        0,
        "Erik Nyberg",
        PERSON,
        None,
        "",
    ),
    "stressed / noted / emphasized / reiterated": (
        "Anna Berg stressed that 3,000 soldiers had left. Berg noted the date. "
        "Berg emphasized that Norland will not sign. Berg reiterated the offer.",
        2,
        "Anna Berg",
        PERSON,
        None,
        "",
    ),
    "name as the appositive of a role": (
        "The shop's owner, Rahul Mehta, told reporters that the robbers had a hammer.",
        0,
        "Rahul Mehta",
        PERSON,
        None,
        "",
    ),
    "quote then verb then name": (
        '"Rates rose to 92% last year," said Dr. Jane Smith, the health minister.',
        0,
        "Dr. Jane Smith",
        PERSON,
        None,
        "",
    ),
    "quote over several sentences, attribution after": (
        '"We have eleven games left. We need four wins. Nobody has given up," Frank Lowe said.',
        0,
        "Frank Lowe",
        PERSON,
        None,
        "",
    ),
    "quote over two paragraphs, attribution before": (
        'Judge Martin Hale said: "You targeted people who trusted you.\n'
        '"Two of your victims died before this trial began." The trial lasted a week.',
        1,
        "Judge Martin Hale",
        PERSON,
        None,
        "",
    ),
    "quote over two paragraphs, attribution after": (
        '"We built 42,000 homes. Rents fell.\n'
        '"Nobody said this was possible," Prime Minister Sofia Marin said.',
        0,
        "Prime Minister Sofia Marin",
        PERSON,
        None,
        "",
    ),
    "the author again after a closed quote": (
        'Judge Martin Hale said: "You targeted people who trusted you.\n'
        '"Two of your victims died before this trial began." The trial lasted a week.',
        2,
        "Ann Reporter",
        PERSON,
        None,
        "",
    ),
    "he two sentences after the named minister": (
        "Foreign Minister Anna Berg spoke in Geneva. The talks have stalled. "
        "She reiterated once again that Norland will not sign.",
        2,
        "Foreign Minister Anna Berg",
        PERSON,
        None,
        "",
    ),
    "she across a paragraph boundary": (
        "Dr Helen Varga said the sea rose 4 mm.\nThe city has 200 pumps.\n"
        "She added that two had failed.",
        2,
        "Dr Helen Varga",
        PERSON,
        None,
        "",
    ),
    "according to him": (
        "Prof. Alan Kim said the survey covered 4,000 homes. According to him, 12% flooded.",
        1,
        "Prof. Alan Kim",
        PERSON,
        None,
        "",
    ),
    "he skips a woman named since": (
        "Mr Paul Stone said the plant would close. Ms Ada Lee, the mayor, said so too. "
        '"It is over," he said.',
        2,
        "Mr Paul Stone",
        PERSON,
        None,
        "",
    ),
    "a paraphrase continues in would-clauses": (
        "Finance Minister David Okoro said the deficit narrowed to 3.1 percent. "
        "The fuel tax would bring in $2 billion.",
        1,
        "Finance Minister David Okoro",
        PERSON,
        None,
        "",
    ),
    "a paraphrase stops at a plain statement": (
        "Finance Minister David Okoro said the deficit narrowed to 3.1 percent. "
        "The tax was introduced in 2021.",
        1,
        "Ann Reporter",
        PERSON,
        None,
        "",
    ),
    "told the BBC sets the outlet": (
        "Health Minister Maria Lopez told the BBC that vaccination rose.",
        0,
        "Health Minister Maria Lopez",
        PERSON,
        "BBC",
        "",
    ),
    "in an interview with CNN": (
        "In an interview with CNN, Senator Ray Cole said the bill would pass.",
        0,
        "Senator Ray Cole",
        PERSON,
        "CNN",
        "",
    ),
    "speaking to Reuters": (
        "Speaking to Reuters, Ingrid Solberg said sales fell 8 percent.",
        0,
        "Ingrid Solberg",
        PERSON,
        "Reuters",
        "",
    ),
    "told a person is not an outlet": (
        "Ingrid Solberg told John Brandt that sales fell 8 percent.",
        0,
        "Ingrid Solberg",
        PERSON,
        None,
        "",
    ),
    "a study by NASA is a source, the senator the speaker": (
        "Senator Maria Lopez said sea levels rose 10 cm, according to a study by NASA.",
        0,
        "Senator Maria Lopez",
        PERSON,
        None,
        "a study by NASA",
    ),
    "according to a study, no speaker named": (
        "Sea levels rose 10 cm, according to a study by NASA.",
        0,
        "Ann Reporter",
        PERSON,
        None,
        "a study by NASA",
    ),
    "officials said": (
        "Officials said 40 people were injured.",
        0,
        "Ann Reporter",
        PERSON,
        None,
        "Officials",
    ),
    "there are reports": (
        "There are reports that President Karl Dahl has offered to reopen the consulate.",
        0,
        "Ann Reporter",
        PERSON,
        None,
        "reports",
    ),
    "data from X show": (
        "Data from the European Space Agency show that Greenland lost 270 billion tonnes.",
        0,
        "Ann Reporter",
        PERSON,
        None,
        "Data from the European Space Agency",
    ),
    "they: the organisation that spoke last": (
        "The Chamber of Commerce said the rise would cost $2 billion. "
        "They added that 4,000 firms would close.",
        1,
        "Chamber of Commerce",
        ORGANIZATION,
        None,
        "",
    ),
    "an organisation speaks": (
        "The World Health Organization said the vaccine cut deaths by 30 percent.",
        0,
        "World Health Organization",
        ORGANIZATION,
        None,
        "",
    ),
    "an acronym is an organisation": (
        "NASA said it would launch a satellite in 2026.",
        0,
        "NASA",
        ORGANIZATION,
        None,
        "",
    ),
    "'the company' is the organisation named before": (
        "Shares in Halvorsen Motors fell 8 percent. The company said sales fell.",
        1,
        "Halvorsen Motors",
        ORGANIZATION,
        None,
        "",
    ),
    "an unnamed spokesman is a person of no name": (
        "A police spokesman said two men had been charged.",
        0,
        "a police spokesman",
        PERSON,
        None,
        "",
    ),
    "unattributed statements are the author's": (
        "Arctic sea ice fell to 4.1 million square kilometres.",
        0,
        "Ann Reporter",
        PERSON,
        None,
        "",
    ),
}


@pytest.mark.parametrize("case", PATTERNS.values(), ids=PATTERNS.keys())
def test_attribution_patterns(case):
    text, index, speaker, kind, outlet, source = case
    who = attribute_text(text)[index]
    assert (who.speaker, who.speaker_kind) == (speaker, kind)
    assert who.outlet == (outlet or "The Gazette")
    assert who.source == source


QA_TRANSCRIPT = (
    "Elena Petrova, the chief executive of Solarix, spoke to us about sales.\n"
    "Q: How many panels did Solarix sell last year?\n"
    "A: We sold 2.1 million panels. Most went to Germany.\n"
    "Q: Your critics say your prices are subsidised.\n"
    "That is false.\n"
)
NAMED_TRANSCRIPT = (
    "Radio Nord's Jenny Aalto interviewed Health Minister Lars Eklund.\n"
    "Aalto: How long do patients wait?\n"
    "Eklund: The average wait is 94 days.\n"
)
OUTLET_TRANSCRIPT = (
    "Foreign Minister Anna Berg answered our questions.\n"
    '"Daily Courier": Is Norland ready to sign a ceasefire?\n'
    "Berg: We are ready.\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            QA_TRANSCRIPT,
            [
                ("Ann Reporter", ""),
                ("The Gazette", "Q: "),
                ("Elena Petrova", "A: "),
                ("Elena Petrova", ""),
                ("The Gazette", "Q: "),
                ("Elena Petrova", ""),  # an unlabelled paragraph after a question answers it
            ],
        ),
        (
            NAMED_TRANSCRIPT,
            [
                ("Ann Reporter", ""),
                ("The Gazette", "Aalto: "),
                ("Health Minister Lars Eklund", "Eklund: "),
            ],
        ),
        (
            OUTLET_TRANSCRIPT,
            [
                ("Ann Reporter", ""),
                ("Daily Courier", '"Daily Courier": '),
                ("Foreign Minister Anna Berg", "Berg: "),
            ],
        ),
        (
            "Coach Frank Lowe met us after training.\n"
            "Question: Can City still avoid relegation?\n"
            "Answer: We need four wins from eleven games.\n"
            "Interviewer: And the injuries?\n"
            "Answer: Dele Mensah is back on Saturday.\n",
            [
                ("Ann Reporter", ""),
                ("The Gazette", "Question: "),
                ("Coach Frank Lowe", "Answer: "),
                ("The Gazette", "Interviewer: "),
                ("Coach Frank Lowe", "Answer: "),
            ],
        ),
    ],
    ids=["q-and-a", "named-labels", "quoted-outlet-label", "question-answer-interviewer"],
)
def test_interview_transcripts(text, expected):
    spans = list(split_sentences(text))
    found = attribute_spans(text, spans, author="Ann Reporter", outlet="The Gazette")
    assert [
        (w.speaker, s.text[: w.label_len]) for w, s in zip(found, spans, strict=True)
    ] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Update: the bridge reopened on Monday.\nIt carries 9,000 cars.",
        # Two labels, but nobody introduced before them: notes, not an interview.
        "Update: the bridge reopened on Monday.\nCorrection: it carries 9,000 cars a day.",
    ],
    ids=["one-label", "labels-of-no-one"],
)
def test_colon_openings_that_are_not_a_transcript(text):
    for who in attribute_text(text):
        assert (who.speaker, who.label_len) == ("Ann Reporter", 0)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Dr. Jane Smith", PERSON),
        ("Anna Berg", PERSON),
        ("NASA", ORGANIZATION),
        ("Ministry of Health", ORGANIZATION),
        ("NHS England", ORGANIZATION),
        ("Germany's finance ministry", ORGANIZATION),
        ("a police spokesman", PERSON),
        ("Smith", UNKNOWN),
        ("", UNKNOWN),
    ],
)
def test_speaker_kind(name, kind):
    assert speaker_kind(name) == kind
