"""Sentence-level rules around the model: boilerplate, questions, opinion, type, entities,
and rewriting a claim so it stands alone."""

from __future__ import annotations

import re

_BOILERPLATE = re.compile(
    r"^(?:by\s+[A-Z][\w.'’\- ]{1,60}(?:,.*)?$|article commentators?:|commentators?:|"
    r"share (?:this|on)\b|follow us\b|sign up\b|subscribe\b|read more\b|related:|"
    r"advertisement$|©|copyright\b|all rights reserved|published\s+\d|updated\s+\d|"
    r"(?:photo|image|video)(?: credit)?:|click here\b|tags?:)",
    re.I,
)
_QUESTION_END = re.compile(r"\?[\"”’')\]]*$")
_OPINION = re.compile(
    r"\b(?:I|we) (?:think|believe|feel|hope|guess|suppose)\b|\bin (?:my|our) (?:view|opinion)\b|"
    r"\b(?:should|ought to|must not|shouldn't)\b|\b(?:it is|it's) (?:time|high time)\b",
    re.I,
)
_INSULT = re.compile(
    r"\b(?:idiot|idiots|stupid|moron|morons|liar|liars|clown|clowns|disgrace|pathetic|"
    r"loser|losers|crook|crooks|incompetent)\b",
    re.I,
)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|"
    r"thousand|million|billion|trillion|percent|half|double|triple)\b",
    re.I,
)
_PREDICTION = re.compile(
    r"\b(?:will|won't|is expected to|are expected to|is projected to|forecasts?|projections?|"
    r"by 20[3-9]\d|by 21\d\d|is set to|is likely to)\b",
    re.I,
)
_CAUSAL = re.compile(
    r"\b(?:because|caused?|causing|due to|leads? to|led to|results? in|resulted in|drives?|"
    r"driven by|responsible for|contribut\w+ to|blamed? on)\b",
    re.I,
)
_POLICY = re.compile(
    r"\b(?:law|laws|bill|act|regulation|regulations|ban|banned|policy|treaty|agreement|tax|"
    r"taxes|legislation|ordinance|court|ruling|constitution|parliament|congress|senate)\b",
    re.I,
)
_COMPARISON = re.compile(
    r"\b(?:more than|less than|fewer than|highest|lowest|largest|smallest|record|"
    r"faster than|slower than|compared (?:to|with)|[a-z]+est since)\b",
    re.I,
)
_ENTITY = re.compile(
    r"(?<![\w'’])(?:[A-Z][\w'’\-]*\.?)(?:\s+(?:of|de|the|for|and|on)?\s*[A-Z][\w'’\-]*){0,5}"
)
_QUANTITY = re.compile(
    r"(?:[$€£]\s?)?\d[\d,.]*\s?(?:%|percent|per cent|million|billion|trillion|"
    r"(?:k|c)?m\b|km2|°C|°F|degrees(?: Celsius| Fahrenheit)?|ppm|parts per million|"
    r"centimet(?:re|er)s|metres|meters|feet|inches|mm|tonnes|tons|years?)?"
)
_SENTENCE_START_WORDS = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "But",
    "And",
    "It",
    "This",
    "That",
    "These",
    "Those",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "If",
    "When",
    "While",
    "As",
    "After",
    "Before",
    "According",
    "There",
    "Its",
    "Their",
    "His",
    "Her",
    "Our",
    "Is",
    "Are",
    "Was",
    "Were",
    "Will",
    "Can",
    "For",
    "With",
    "By",
    "From",
    "Since",
    "So",
    "Yet",
    "Some",
    "Many",
    "Most",
}
_LEADING_PRONOUN = re.compile(r"^(?P<pronoun>He|She|They)\b(?=\s+\w)")
# "…," she added / he reiterated once again that … / according to him.
_SAID_PRONOUN = re.compile(
    r"(?<=[,\"”]\s)(?P<pronoun>he|she|they)(?=\s+(?:[a-z]+ly\s+|also\s+)?"
    r"(?:said|says|added|told|noted|stressed|emphasi[sz]ed|reiterated|insisted|warned|"
    r"explained|argued|continued|went on|concluded|wrote)\b)"
)
_ACCORDING_PRONOUN = re.compile(r"\b(?P<lead>[Aa]ccording to )(?:him|her|them)\b")
# The sentence's first quote mark closes a quotation: it began inside one ('He lied," she
# said.'), where a leading "He" is someone the speaker talks about.
_STARTS_INSIDE_QUOTE = re.compile(r'^[^"“”]*(?:”|[,.!?]")')


def is_boilerplate(sentence: str) -> bool:
    return bool(_BOILERPLATE.match(sentence.strip()))


def rule_cap(sentence: str) -> tuple[float | None, str]:
    """An upper bound the rules put on the model's score, and why (None: no cap)."""
    words = sentence.split()
    if _QUESTION_END.search(sentence.strip()):
        return 0.1, "question"
    if len(words) < 5:
        return 0.1, "too short to be a claim"
    if _INSULT.search(sentence):
        return 0.2, "insult"
    if _OPINION.search(sentence) and not _NUMBER.search(sentence):
        return 0.3, "opinion"
    return None, ""


def claim_type(sentence: str, *, is_quote: bool) -> str:
    if _NUMBER.search(sentence) and re.search(r"\d", sentence):
        return "statistic"
    if _PREDICTION.search(sentence):
        return "prediction"
    if _CAUSAL.search(sentence):
        return "causal"
    if _POLICY.search(sentence):
        return "law_policy"
    if _COMPARISON.search(sentence):
        return "comparison"
    if is_quote:
        return "quotation"
    return "event"


def entities(sentence: str) -> list[str]:
    """Names and quantities the sentence mentions, in order, without duplicates."""
    found: list[tuple[int, str]] = []
    for match in _ENTITY.finditer(sentence):
        words = match.group(0).split()
        while words and words[0] in _SENTENCE_START_WORDS:
            words = words[1:]
        at_start = not sentence[: match.start()].strip(" \"“‘'(")
        # A lone capitalised first word is usually just the start of the sentence.
        if at_start and len(words) == 1 and not words[0].isupper():
            continue
        if words:
            found.append((match.start(), " ".join(words).rstrip(".,;:")))
    for match in _QUANTITY.finditer(sentence):
        text = match.group(0).strip().rstrip(".,")
        if any(ch.isdigit() for ch in text):
            found.append((match.start(), text))
    seen: dict[str, None] = {}
    for _, text in sorted(found):
        if len(text) > 1:
            seen.setdefault(text, None)
    return list(seen)


def decontextualise(sentence: str, *, speaker: str) -> str:
    """Replace the pronoun that refers to the speaker (subject, "she said", "according to
    him") with the speaker's name. The caller passes the speaker only when attribution
    resolved a pronoun to it."""
    if not speaker:
        return sentence
    text = _SAID_PRONOUN.sub(speaker, sentence, count=1)
    text = _ACCORDING_PRONOUN.sub(lambda m: m.group("lead") + speaker, text, count=1)
    match = _LEADING_PRONOUN.match(text)
    if match and match.group("pronoun") in {"He", "She"} and not _STARTS_INSIDE_QUOTE.match(text):
        text = speaker + text[match.end() :]
    return text
