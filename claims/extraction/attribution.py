"""Who said it: speaker and outlet for quotes and reported speech, resolved across sentences.

Rules, not a parser: they cover the forms news copy uses ("…," said X; X said that …;
X told the BBC …; according to X, …; she added …) and fall back to the article's author for
unattributed statements. Pronoun speakers ("she said", "according to him") resolve to the
most recent named speaker, as a reader would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_TITLE = (
    r"(?:Dr\.?|Prof\.?|Professor|Mr\.?|Mrs\.?|Ms\.?|Sen\.?|Senator|Rep\.?|Gov\.?|Governor|"
    r"President|Minister|Secretary|Mayor|Councillor|Judge|Sir|Dame|Lord|Lady|General|Captain)"
)
_NAME_WORD = r"[A-Z][a-zA-Z'’\-]+"
# "Dr. Jane Smith", "Helen Varga", "Ana de la Cruz" (lower-case particles inside a name).
_PARTICLE = r"(?:de|da|van|von|der|del|la|le|bin|al)"
NAME = rf"(?:{_TITLE}\s+)?{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,3}}"
_ROLE = (
    r"(?:the|a|an)\s+(?:[a-z\-]+\s+){0,3}(?:minister|spokes(?:wo)?man|spokesperson|official|"
    r"scientist|researcher|expert|president|mayor|report|study|agency|government|ministry|"
    r"department)"
)
_SPEECH_VERB = (
    r"(?:said|says|told|added|warned|argued|claimed|stated|insisted|explained|noted|wrote|"
    r"estimated|reported|announced|acknowledged|admitted|predicted|tweeted|posted)"
)
_PRONOUN = r"(?:he|she|they|He|She|They)"
_OUTLET = r"(?:the\s+)?[A-Z][\w&.]*(?:\s+[A-Z][\w&.]*){0,3}"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "…," said Dr. Jane Smith / "…," she said / "…," Smith told Reuters.
    (
        "quote_after",
        re.compile(
            rf"""[,.!?]["”’']\s*(?:(?P<verb1>{_SPEECH_VERB})\s+(?:(?:the\s+)?[a-z\-]+\s+){{0,3}}?"""
            rf"""(?P<who1>{NAME}|{_PRONOUN}|{_ROLE})"""
            rf"""|(?P<who2>{NAME}|{_PRONOUN}|{_ROLE})\s+(?P<verb2>{_SPEECH_VERB}))"""
            rf"""(?:\s+(?P<outlet>{_OUTLET}))?"""
        ),
    ),
    # According to X, … / According to him, …
    (
        "according",
        re.compile(rf"""\b[Aa]ccording to (?P<who1>{NAME}|him|her|them|{_ROLE})"""),
    ),
    # X said (that) … / X told the BBC (that) … / X, a climatologist at Y, said …
    (
        "reported",
        re.compile(
            rf"""(?:^|[\s"“(])(?P<who1>{NAME}|{_PRONOUN}|{_ROLE})(?:,[^,"“]{{3,120}},)?\s+"""
            rf"""(?P<verb1>{_SPEECH_VERB})\b(?:\s+(?P<outlet>{_OUTLET}))?"""
        ),
    ),
]
_PRONOUN_WORDS = {"he", "she", "they", "him", "her", "them"}
_SUBJECT_NAME = re.compile(rf"^[\"“‘']?(?P<who>{NAME})\s+(?:[a-z]+)\b")
_NOT_SPEAKERS = {"It", "This", "That", "There", "The", "A", "An", "We", "I", "You", "But", "And"}
_QUOTE_CHARS = re.compile(r"[\"“”]")


@dataclass(frozen=True)
class Attribution:
    speaker: str
    outlet: str
    is_quote: bool
    source: str  # "quote", "reported", "according", "pronoun", "author" (unattributed)
    quote_run: int | None = None  # sentences inside one multi-sentence quotation share this


class SpeakerTracker:
    """Attributes a sequence of sentences, remembering the last named speaker and whether a
    quotation is still open from the previous sentence."""

    def __init__(self, *, author: str, outlet: str) -> None:
        self.author = author
        self.outlet = outlet
        self.last_named = ""
        self._in_quote = False
        self._quote_speaker = ""
        self._runs = 0
        self._known: list[str] = []

    def attribute(self, sentence: str) -> Attribution:
        attribution = self._attribute(sentence)
        self._note_subject(sentence)
        return attribution

    def _note_subject(self, sentence: str) -> None:
        """ "Varga does not think so." makes Varga the person a following "she said" means."""
        match = _SUBJECT_NAME.match(sentence)
        if not match:
            return
        who = match.group("who")
        known_surname = any(k.split()[-1] == who for k in self._known)
        # One capitalised word opening a sentence is a name only if we met it as one before.
        if (" " in who and who.split()[0] not in _NOT_SPEAKERS) or known_surname:
            self.last_named = self._full_name(who)

    def _full_name(self, who: str) -> str:
        """A bare surname resolves to the full name seen earlier ("Varga" → "Dr Helen Varga")."""
        if " " not in who:
            for known in reversed(self._known):
                if known.split()[-1] == who:
                    return known
        elif who not in self._known:
            self._known.append(who)
        return who

    def _attribute(self, sentence: str) -> Attribution:
        continuing = self._in_quote
        run = self._runs if continuing else None
        if not continuing and _QUOTE_CHARS.search(sentence):
            self._runs += 1
            run = self._runs
        is_quote = continuing or bool(_QUOTE_CHARS.search(sentence))
        found = self._find(sentence, inside_quote=continuing)
        self._in_quote = _ends_inside_quote(sentence, continuing)
        if found is not None:
            speaker, outlet, source = found
            self._quote_speaker = speaker if is_quote else ""
            return Attribution(speaker, outlet, is_quote, source, run)
        if not is_quote:
            self._quote_speaker = ""
        if (continuing or is_quote) and self._quote_speaker:
            # Inside an open quotation, or a new quotation right after an attributed one:
            # still the same speaker, as a reader assumes.
            return Attribution(self._quote_speaker, self.outlet, True, "quote", run)
        return Attribution(self.author, self.outlet, is_quote, "author", run)

    def _find(self, sentence: str, *, inside_quote: bool) -> tuple[str, str, str] | None:
        for kind, pattern in _PATTERNS:
            if inside_quote and kind == "according":
                continue  # a speaker citing a source is still the speaker
            for match in pattern.finditer(sentence):
                groups = match.groupdict()
                who = (groups.get("who1") or groups.get("who2") or "").strip()
                if not who or who.split()[0] in _NOT_SPEAKERS:
                    continue
                if who.lower() in _PRONOUN_WORDS:
                    if not self.last_named:
                        continue
                    speaker, source = self.last_named, "pronoun"
                else:
                    speaker = self._full_name(who)
                    source = "quote" if kind == "quote_after" else kind
                    self.last_named = speaker
                verb = groups.get("verb1") or groups.get("verb2") or ""
                outlet = (groups.get("outlet") or "").strip().removeprefix("the ")
                told = outlet if verb == "told" and outlet[:1].isupper() else ""
                return speaker, told or self.outlet, source
        return None


def _ends_inside_quote(sentence: str, inside: bool) -> bool:
    """Follow quote marks left to right: “ opens, ” closes, a straight " toggles."""
    for char in sentence:
        if char == "“":
            inside = True
        elif char == "”":
            inside = False
        elif char == '"':
            inside = not inside
    return inside


def attribute_sentences(sentences: list[str], *, author: str, outlet: str) -> list[Attribution]:
    """Attribute an article's sentences in order, then give every sentence of a
    multi-sentence quotation the speaker named anywhere in it ('"First. Second," she said.')."""
    tracker = SpeakerTracker(author=author, outlet=outlet)
    attributions = [tracker.attribute(sentence) for sentence in sentences]
    speaker_of_run: dict[int, Attribution] = {}
    for who in attributions:
        if who.quote_run is not None and who.source != "author":
            speaker_of_run.setdefault(who.quote_run, who)
    filled = []
    for who in attributions:
        found = speaker_of_run.get(who.quote_run) if who.quote_run is not None else None
        if found is not None and who.source == "author":
            who = replace(who, speaker=found.speaker, outlet=found.outlet, source=found.source)
        filled.append(who)
    return filled
