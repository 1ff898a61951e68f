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
# A sentence may open with a quote mark or a conjunction before the words the rules look at.
_LEAD = r"^[\W_]*(?:(?:and|but|so|now|well|yet),?\s+)?"
_PERSONAL_VIEW = re.compile(
    r"\b(?:I|we)\s+(?:(?:do|really|firmly|strongly|truly|just|still|honestly|personally)\s+)*"
    r"(?:think|believe|feel|hope|guess|suppose|reckon)\b|"
    r"\b(?:believes|thinks|feels that|is convinced|are convinced|it seems|seems to me|"
    r"it appears to me)\b|\bin (?:my|our|his|her|their) (?:view|opinion)\b",
    re.I,
)
# What ought to be, unless it is someone's reported position ("he suggested that employers
# should decide"), which is a checkable fact about them.
_OPINION = re.compile(
    r"^(?!.*\b(?:said|says|suggested|suggests|argued|argues|proposed|proposes|wants|wanted)\b"
    r".*\b(?:should|ought to)\b)"
    r".*(?:\b(?:should|ought to|must not|shouldn't)\b|\b(?:it is|it's) (?:time|high time)\b)",
    re.I,
)
# "X means Y", "X is defined as Y": what a word means, not what happened. The subject is a
# bare term ("Democracy means …", "The term 'X' means …"): "The closure means job losses" and
# "which means that …" state consequences.
_DEFINITION = re.compile(
    _LEAD + r"(?:the (?:term|word|phrase|concept)\s+)?[\"“'‘]?"
    r"(?!(?:the|a|an|this|that|it|which|what|all|our|their|his|her|its)\b)"
    r"\w[\w\-'’]*(?:\s+\w[\w\-'’]*){0,2}[\"”'’]?,?\s+"
    r"(?:means|is defined as|are defined as|refers to|is the term for)\s+(?!that\b)|"
    r"\b(?:is|are) defined as\b|\bby [^,;:]{1,40}? (?:I|we) mean\b",
    re.I,
)
# "Even if …", "What if …", "Imagine …", and "If …, (then) … would/could/might …". A plain
# "If you look at the record, X rose" states X; only the conditional mood makes it hypothetical.
_HYPOTHETICAL = re.compile(
    _LEAD
    + r"(?:even if|what if|imagine|suppose|supposing)\b|"
    + _LEAD
    + r"if\b.*\b(?:then|would|could|might)\b",
    re.I,
)
_INSULT = re.compile(
    r"\b(?:idiot|idiots|stupid|moron|morons|liar|liars|clown|clowns|disgrace|pathetic|"
    r"loser|losers|crook|crooks|incompetent|traitor|traitors|coward|cowards|fool|fools|"
    r"thug|thugs|hypocrite|hypocrites|buffoon|buffoons)\b",
    re.I,
)
# Chants and rallying cries: short exclamations, and the set forms of campaign slogans.
_SLOGAN = re.compile(
    r"^[^.?!]{1,60}!+[\"”’')\]]*$|" + _LEAD + r"(?:long live|down with|vote (?:for|no|yes|leave)|"
    r"stop the|no more|make \w+(?: \w+)? great)\b",
    re.I,
)
# Reported speech whose speaker is named (not I/we/you): what a minister told a network or
# stressed is the statement a fact-checker checks, though the model (trained on debate
# transcripts) rarely sees the form.
_REPORTED = re.compile(
    r"(?<![\w'’])(?<!\bI )(?<!\bwe )(?<!\byou )"
    r"(?:told (?!(?:me|us|you)\b)[^,;:\"“”]{1,60}?|emphasi[sz]ed|stressed|reiterated|insisted|"
    r"confirmed|announced|warned|stated)(?:,? (?:once again|again|repeatedly|also),?)? that\s+"
    r"(?=(?:\S+\s+){3})|" + _LEAD + r"there (?:are|were) (?:\w+ )?reports that\s",
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


# The caps sit below any sensible threshold: a sentence they catch is not check-worthy by
# default, and reviewers can still promote it. Figures exempt the softer rules: a personal
# view, opinion, definition or exclamation with a number in it usually states something
# checkable (on CT24 dev, "I believe … 5 to 5 …" and "In my opinion … $70,000 …" are claims).
_CAPS: list[tuple[re.Pattern[str], float, str, bool]] = [
    (_INSULT, 0.2, "insult", False),
    (_SLOGAN, 0.2, "slogan", True),
    (_HYPOTHETICAL, 0.3, "hypothetical", False),
    (_DEFINITION, 0.3, "definition", True),
    (_PERSONAL_VIEW, 0.3, "personal view", True),
    (_OPINION, 0.3, "opinion", True),
]
REPORTED = "reported statement by a named speaker"
# The caps that mark framing around a statement (not its length): a premise inside is sought.
FRAMING = frozenset({"question", *(reason for _, _, reason, _ in _CAPS)})

# A fact stated as the ground of a question, view or wish: "Given that the budget was never
# passed, how can we trust them?" asserts that the budget was never passed. Belief verbs
# ("she believes that X") do not assert X, so their clauses are not premises.
_PREMISE_SUBORDINATE = (
    r"(?:given that|since|now that|considering that|seeing that|seeing as|even though|"
    r"although|though|despite the fact that|in light of the fact that)"
)
_PREMISE_OPENING = re.compile(_LEAD + _PREMISE_SUBORDINATE + r"\s+", re.I)
# "Do you realize (that) X?" and "Isn't it true that X?" put the whole rest forward as fact.
_PREMISE_QUESTION = re.compile(
    _LEAD + r"(?:do you (?:realize|realise|know)|did you know|don't you know|"
    r"isn't it true|is it not true)(?: that)?,?\s+",
    re.I,
)
_PREMISE_TRAILING = re.compile(r",\s+" + _PREMISE_SUBORDINATE + r"\s+(?=\S)", re.I)
# Words that open the main clause after a fronted premise ("…, how can we …", "…, I think …").
_MAIN_CLAUSE = re.compile(
    r",\s+(?:how|why|what|who|where|when|can|could|should|shall|will|would|is|are|was|were|"
    r"do|does|did|has|have|isn't|aren't|wasn't|don't|doesn't|didn't|won't|wouldn't|can't|"
    r"shouldn't|i|we|you|they|it|he|she|this|there|let|surely|perhaps|maybe|then|in my)\b",
    re.I,
)
_SPAN_TRIM = " \t\n,;:.?!\"“”‘’'()[]"
MIN_PREMISE_WORDS = 4


def embedded_premise(sentence: str) -> tuple[int, int] | None:
    """The span (start, end in `sentence`) of a fact the sentence takes as given, if any."""
    if opening := _PREMISE_QUESTION.match(sentence):
        start, end = opening.end(), len(sentence)
    elif opening := _PREMISE_OPENING.match(sentence):
        start = opening.end()
        main = _MAIN_CLAUSE.search(sentence, start)
        end = main.start() if main else sentence.find(",", start)
        if end < 0:
            return None
    elif trailing := _PREMISE_TRAILING.search(sentence):
        start, end = trailing.end(), len(sentence)
    else:
        return None
    while end > start and sentence[end - 1] in _SPAN_TRIM:
        end -= 1
    while start < end and sentence[start] in _SPAN_TRIM:
        start += 1
    if len(sentence[start:end].split()) < MIN_PREMISE_WORDS:
        return None
    return start, end


def rule_cap(sentence: str) -> tuple[float | None, str]:
    """An upper bound the rules put on the model's score, and why (None: no cap)."""
    words = sentence.split()
    if _QUESTION_END.search(sentence.strip()):
        return 0.1, "question"
    if len(words) < 5:
        return 0.1, "too short to be a claim"
    for pattern, cap, reason, figures_exempt in _CAPS:
        if pattern.search(sentence) and not (figures_exempt and _NUMBER.search(sentence)):
            return cap, reason
    return None, ""


def rule_adjust(sentence: str, score: float, *, threshold: float) -> tuple[float, str]:
    """The model's score after the rules, and why it changed ("" when it did not): capped for
    what is not a claim, raised to the threshold for a named speaker's reported statement."""
    cap, reason = rule_cap(sentence)
    if cap is not None:
        return min(score, cap), reason
    if score < threshold and _REPORTED.search(sentence):
        return threshold, REPORTED
    return score, ""


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
