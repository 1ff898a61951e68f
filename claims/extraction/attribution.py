"""Who said it: the speaker (a person or an organisation), the outlet it was said to, and the
non-person source it rests on, for every sentence of an article, resolved across sentences
and paragraphs.

Rules, not a parser (no English pipeline with verifiable contents can be installed here; see
the README). They cover the forms news copy uses:

- `"…," said X` / `"…," X said` / `X said (that) …` / `X, <appositive>, stressed: "…"`;
- quotations running over several sentences or paragraphs (the attribution may come first
  or last);
- `he`/`she`/`they` and `according to him` → the most recent compatible named speaker,
  across paragraphs; a backshifted paraphrase ("would", "could") continues the last
  speaker;
- interview transcripts (`"Outlet": …`, `Q:`/`A:`, `Name: …`): questions are the outlet's,
  answers the interviewee's, and the label is reported so the claim text can drop it;
- `told the BBC`, `in an interview with CNN`, `speaking to Reuters` → the outlet;
- `a study by NASA`, `reports`, `officials said`, `data from X show` → the source, never the
  speaker.

Statements with no speaker are the article author's (the byline), as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.segment import Span

PERSON = "person"
ORGANIZATION = "organization"
UNKNOWN = ""

_TITLES = (
    "Dr.|Dr|Prof.|Prof|Professor|Mr.|Mr|Mrs.|Mrs|Ms.|Ms|Sen.|Senator|Rep.|Gov.|Governor|"
    "President|Minister|Secretary|Mayor|Councillor|Judge|Sir|Dame|Lord|Lady|General|Gen.|"
    "Captain|Chancellor|Premier|Ambassador|Sheriff|Commissioner|Chief|Inspector|Detective|"
    "Coach|Bishop|Cardinal|Pope|King|Queen|Prince|Princess"
)
_MALE_TITLES = {"Mr", "Mr.", "Sir", "Lord", "King", "Prince"}
_FEMALE_TITLES = {"Mrs", "Mrs.", "Ms", "Ms.", "Dame", "Lady", "Queen", "Princess"}
# Capitalised words that open a clause without being a name.
_STOP = (
    "It|This|That|These|Those|There|Here|The|A|An|We|I|You|But|And|Or|So|Yet|In|On|At|As|"
    "By|For|From|With|Without|After|Before|When|While|If|Although|Though|Since|Because|Last|"
    "Next|Earlier|Later|Meanwhile|However|Still|Also|Now|Then|Today|Yesterday|Asked|Speaking|"
    "According|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|His|Her|Their|Our|"
    "Its|My|Your|One|Some|Many|Most|Both|All|Few|Several|Officials|Sources|Analysts|Experts|"
    "Reports|Police|Authorities|Critics|Residents|Witnesses|Researchers|Scientists|"
    "Economists|Observers|Diplomats|Investigators|Data|Figures|Statistics|Estimates|Polls|"
    "Q|A|Question|Answer|Interviewer|He|She|They|Not|No|Yes|What|Why|How|Who|Where|Which"
)
_CAP = r"[A-Z][\w'’\-]*"
_PARTICLE = r"(?:de|da|di|du|van|von|der|den|del|la|le|bin|ibn|al|el|of|for|and|on|the|&)"
# A person ("Dr. Jane Smith", "Ana de la Cruz") or an organisation ("the Ministry of Health").
NAME = (
    rf"(?:[Tt]he\s+)?(?!(?:{_STOP})\b)(?:(?:{_TITLES})\s+)?{_CAP}"
    rf"(?:\s+(?:{_PARTICLE}\s+){{0,2}}(?!(?:{_STOP})\b){_CAP}){{0,5}}"
)
_PRONOUN = r"(?:he|she|they|He|She|They)"
# Unnamed speakers: a role, or an organisation named by its kind.
_PERSON_ROLE = (
    r"minister|spokes(?:wo)?man|spokesperson|official|president|mayor|chairman|chairwoman|"
    r"chair|director|chief executive|executive|ceo|governor|senator|lawmaker|judge|prosecutor|"
    r"lawyer|attorney|coach|manager|captain|doctor|professor|economist|scientist|researcher|"
    r"expert|analyst|secretary|ambassador|commissioner|surgeon|nurse|detective|officer"
)
_ORG_ROLE = (
    r"ministry|company|firm|agency|government|department|group|bank|club|union|party|council|"
    r"commission|committee|authority|regulator|court|institute|university|hospital|team|"
    r"league|federation|organisation|organization|board|office|campaign|airline|carrier|"
    r"insurer|lender|retailer|carmaker|manufacturer|watchdog|charity|foundation|association"
)
_DETERMINER = r"(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[A-Z][\w\-]*['’]s)"
_ROLE = rf"{_DETERMINER}\s+(?:[\w\-]+\s+){{0,3}}?(?:{_PERSON_ROLE}|{_ORG_ROLE})\b"
_VERB = (
    r"(?:said|says|told|tells|added|adds|warned|warns|argued|argues|claimed|claims|stated|"
    r"states|insisted|insists|explained|explains|noted|notes|wrote|writes|estimated|reported|"
    r"announced|announces|acknowledged|admitted|predicted|predicts|tweeted|posted|believes|"
    r"believed|thinks|thought|stressed|stresses|emphasi[sz]ed|emphasi[sz]es|reiterated|"
    r"reiterates|asserted|asserts|confirmed|confirms|denied|denies|maintained|maintains|"
    r"observed|pointed out|points out|recalled|suggested|suggests|countered|replied|"
    r"responded|declared|revealed|disclosed|testified|conceded|cautioned|contended|alleged|"
    r"vowed|promised|pledged|urged|remarked|commented|continued|concluded|"
    r"went on|repeated|underlined|underscored|accused|dismissed|rejected|critici[sz]ed|"
    r"defended|expects|forecasts|called (?:the|it|this|that|them|him|her)\b(?= \w+ [a-z]+\.)|"
    r"has said|had said|has warned|has argued|"
    r"has claimed|has stressed|has told|had told|has repeatedly said|once said|later said|"
    r"also said|also told|also noted|also stressed|again said|further said)"
)
_ADVERB = r"(?:(?:[a-z]+ly|also|again|firmly|once again|later|then|still|has|had)\s+){0,2}"
_ORG_WORDS = re.compile(
    r"\b(?:Ministry|Department|Institute|University|College|School|Agency|Center|Centre|"
    r"Council|Commission|Committee|Company|Corporation|Corp|Inc|Ltd|LLC|plc|Group|Bank|"
    r"Party|Office|Association|Foundation|Service|Services|Police|Authority|Board|Bureau|"
    r"Court|Government|Federation|Union|Organi[sz]ation|Fund|Club|FC|League|Hospital|"
    r"Network|Airlines?|Motors|Systems|Labs?|Laboratory|Society|Trust|Parliament|"
    r"Senate|Congress|Assembly|Administration|Army|Navy|Force|Guard|Secretariat|Embassy|"
    r"Museum|Observatory|Survey|Alliance|Coalition|Movement|Forum|Press|News|Times|Post|"
    r"Journal|Tribune|Herald|Guardian|Telegraph|Reuters|Bloomberg|Television|TV|Radio|"
    r"Industries|Holdings|Partners|Capital|Pharma|Energy|Telecom|Media|Studios|Initiative|"
    r"Chamber|Liga|United|Athletic|Rovers|Wanderers|Real|Sporting|Olympique|Dynamo)\b"
)
_ACRONYM = re.compile(r"^(?:the\s+)?[A-Z][A-Z&]{1,7}s?$")

_OUTLET = r"(?:the\s+)?[A-Z][\w&.’']*(?:\s+(?:of\s+)?[A-Z0-9][\w&.’']*){0,3}"
_OUTLET_WORDS = re.compile(
    r"\b(?:News|Times|Post|Journal|Tribune|Herald|Guardian|Telegraph|Radio|TV|Television|"
    r"Press|Reuters|Bloomberg|Agence|Daily|Mail|Gazette|Chronicle|Magazine|Channel|Network|"
    r"Broadcasting|Economist|Observer|Independent|Standard|Review|Wire|Monitor|Today|"
    r"Politico|Axios|Spiegel|Monde|Zeitung|Kommersant|Izvestia|Pravda)\b"
)
_NOT_OUTLETS = {
    "He", "She", "They", "It", "Reporters", "Monday", "Tuesday", "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
}  # fmt: skip
_NOT_OUTLET_WORDS = re.compile(
    r"\b(?:Parliament|Congress|Senate|Court|Committee|Assembly|Council|Commission)\b"
)
_OUTLET_PREFIXES = {"Al", "Sky", "Fox", "Nikkei", "Der", "Die", "Le", "La", "El", "Il", "Radio"}
_OUTLET_PATTERNS = [
    re.compile(rf"\b(?:told|tells|telling)\s+(?P<outlet>{_OUTLET})"),
    re.compile(
        rf"\b(?:[Ii]n|[Dd]uring)\s+(?:an?|the|a\s+recent|an\s+exclusive)\s+(?:\w+\s+)?"
        rf"(?:interview|conversation|podcast|broadcast)\s+(?:with|on|for)\s+(?P<outlet>{_OUTLET})"
    ),
    re.compile(
        rf"\b(?:[Ss]peaking|[Tt]alking|[Ww]riting)\s+(?:to|with|on|in)\s+(?P<outlet>{_OUTLET})"
    ),
    re.compile(rf"\b(?:said|says|claimed|argued|insisted)\s+on\s+(?P<outlet>{_OUTLET})"),
    re.compile(
        rf"\bin\s+(?:an?\s+)?(?:op-ed|column|article|editorial)\s+(?:for|in)\s+(?P<outlet>{_OUTLET})"
    ),
]

_SOURCE_NOUN = (
    r"(?:study|studies|report|reports|survey|surveys|analysis|poll|polls|research|review|"
    r"paper|audit|assessment|investigation|census|data|figures|statistics|estimates|records|"
    r"documents|findings|projections|forecast|model|index|dataset|tally|count|filing|filings|"
    r"results)"
)
_SOURCE_LEAD = (
    r"(?:(?:a|an|the|its|their|his|her|this|that|these|new|recent|latest|official|"
    r"government|preliminary|published|peer-reviewed|independent|internal|leaked|annual|"
    r"quarterly|monthly|national|unpublished|joint|separate|[A-Z][\w\-’']*|\d{4})\s+){0,4}"
    r"(?:[a-z\-]+\s+)?"
)
_SOURCE_OF = (
    rf"(?:\s+(?:by|from|of|at|in|(?:published|conducted|commissioned|released|polled)"
    rf"(?:\s+(?:by|in))?)\s+"
    rf"(?:the\s+)?(?:{NAME}|(?:[\w\-]+\s+){{0,3}}(?:{_ORG_ROLE})\b))?"
)
_DOCUMENT = rf"{_SOURCE_LEAD}(?i:{_SOURCE_NOUN}){_SOURCE_OF}"
_GROUP_NOUN = (
    r"(?:officials|sources|analysts|experts|diplomats|witnesses|residents|police|authorities|"
    r"investigators|researchers|scientists|economists|observers|insiders|aides|critics|"
    r"(?:\w+\s+)?groups|(?:people|sources|officials|diplomats) (?:familiar with|close to|"
    r"briefed on) the \w+)"
)
_GROUP = (
    r"(?:(?:two|three|four|several|many|some|senior|local|federal|state|western|unnamed|"
    r"anonymous|government|military|health|security|intelligence|administration|police|"
    r"U\.S\.|US|UK|EU|[A-Z][a-z]+)\s+){0,3}"
    rf"(?i:{_GROUP_NOUN})(?:\s+(?:at|from|in|with|polled by)\s+(?:the\s+)?{NAME})?"
)
_SOURCE_VERB = (
    r"(?:show|shows|showed|shown|found|find|finds|suggest|suggests|suggested|indicate|"
    r"indicates|indicated|reveal|reveals|revealed|estimate|estimates|estimated|say|says|"
    r"said|predict|predicts|predicted|concluded|concludes|put|puts|confirm|confirmed|told|"
    r"believe|believes|warned|warn|claim|claimed|reported|report|point|points|pointed|"
    r"expected|expect|expects|critici[sz]ed|critici[sz]e|argued|argue|fear|feared)"
)
_SOURCE_SPEECH = re.compile(
    rf"(?:^|(?<=[\s“\"(,«»]))(?P<src>{_DOCUMENT}|{_GROUP})"
    rf"(?:\s+(?:on|in|last|this)\s+\w+)?\s+(?:have\s+|has\s+|had\s+)?{_SOURCE_VERB}\b"
)
_SOURCE_PATTERNS = [
    re.compile(rf"\b[Aa]ccording to (?P<src>{_DOCUMENT}|{_GROUP})"),
    _SOURCE_SPEECH,
    re.compile(r"\b(?:[Tt]here (?:are|were|have been|had been) )(?P<src>(?:\w+\s+){0,2}reports)\b"),
]
# "it was reported", "reportedly": a report with no name.
_REPORTEDLY = re.compile(r"\b(?:reportedly|it (?:was|has been|is) reported)\b", re.I)

_QUOTE_AFTER = re.compile(
    rf"«Q»\s*,?\s*(?:(?P<verb1>{_VERB})\s+(?P<who1>{_ROLE}|{NAME}|{_PRONOUN})"
    rf"|(?P<who2>{_ROLE}|{NAME}|{_PRONOUN})\s+{_ADVERB}(?P<verb2>{_VERB}))\b"
)
# X said / X, a scientist at Y, said / X firmly believes: / he reiterated once again that.
_REPORTED = re.compile(
    rf"(?:^|(?<=[\s“\"(«»—–]))(?P<who1>{_ROLE}|{NAME}|{_PRONOUN})"
    rf"(?:\s*,\s+(?P<appos>(?:[a-z0-9]|(?:{_TITLES}|Chair|Director|Head|CEO|Chief)\b)[^«;]{{0,250}}?),)?"
    rf"\s+{_ADVERB}(?P<verb1>{_VERB})\b"
)
# "Its owners, the Hartley Group, confirmed": the name is itself the appositive.
_APPOSED = re.compile(rf",\s+(?P<who1>{NAME}),\s+{_ADVERB}(?P<verb1>{_VERB})\b")
_ACCORDING = re.compile(rf"\b[Aa]ccording to (?P<who1>him|her|them|{_ROLE}|{NAME})")
_SPEAKER_PATTERNS = [
    ("quote", _QUOTE_AFTER),
    ("reported", _REPORTED),
    ("reported", _APPOSED),
    ("according", _ACCORDING),
]
_ENDS_WITH_COLON = re.compile(rf"{_VERB}\s*:\s*$")
# Cheap tests that let most sentences skip the speaker and source patterns.
_SPEECH_HINT = re.compile(rf"«Q»|\b{_VERB}\b|[Aa]ccording to")
_SOURCE_HINT = re.compile(
    rf"\b(?:{_SOURCE_NOUN}|{_GROUP_NOUN}|reportedly|reported)\b|[Aa]ccording to", re.I
)
# The subject opening a sentence, after an optional role ("Striker Dele Mensah, who …").
_SUBJECT_NAME = re.compile(
    rf"^[\"“‘'«]?(?:[A-Z][a-z]+\s+(?:[a-z]+\s+){{1,2}}(?=[A-Z]))?(?P<who>{NAME})[\s,]"
)
_PERSON_NAME = re.compile(rf"(?:(?:{_TITLES})\s+)?{_CAP}(?:\s+(?:{_PARTICLE}\s+)?{_CAP}){{1,3}}")
_MENTION = re.compile(
    rf"(?:\b(?:interview with|spoke to|spoke with|talked to|talked with|asked)\s+"
    rf"(?:(?:[a-z\-]+|[A-Z][a-z]+ [Mm]inister)\s+){{0,3}}(?P<who>{NAME}))"
)
# A backshifted clause ("would", "had been") right after reported speech continues it.
_BACKSHIFT = re.compile(r"\b(?:would|could|might|was going to|were going to)\b")
_INTERVIEW_LABEL = re.compile(
    r"^(?P<label>[\"“](?P<quoted>[^\"”\n]{1,40})[\"”]|(?P<qa>Q|Question|A|Answer)|"
    rf"(?P<interviewer>Interviewer|Reporter|Host|Moderator)|(?P<name>{NAME}))\s*:\s+(?=\S)"
)
_STARTS_WITH_DETERMINER = re.compile(rf"{_DETERMINER}\s")
_STARTS_WITH_TITLE = re.compile(rf"(?:{_TITLES})\s")
_ENDS_WITH_ORG_ROLE = re.compile(rf"\b(?:{_ORG_ROLE})$", re.I)
_ENDS_WITH_PERSON_ROLE = re.compile(rf"\b(?:{_PERSON_ROLE})$", re.I)
_ROLE_ONLY = re.compile(rf"{_ROLE}$")
_SOURCE_ONLY = re.compile(rf"{_GROUP}|{_DOCUMENT}")
_PRONOUN_WORDS = {"he", "she", "they", "him", "her", "them"}
_STOP_WORDS = set(_STOP.split("|"))
_FEMALE = {"she", "her"}
_MALE = {"he", "him"}
# Methods that did not find the speaker in the sentence: a quotation's own attribution wins.
_INHERITED = {"author", "continued"}
_QUOTE_OPEN = "“"
_QUESTION_LABELS = {"Q", "Question", "Interviewer", "Reporter", "Host", "Moderator"}
_ANSWER_LABELS = {"A", "Answer"}
# Host, guest, and a second of each: more different names opening paragraphs are a list.
_MAX_NAMED_LABELS = 4
_MAX_CHARS = 2000
_RECENT = 20


@dataclass(frozen=True)
class Attribution:
    speaker: str
    speaker_kind: str  # person, organization, or "" (unknown)
    outlet: str
    source: str  # a non-person source the statement rests on ("a study by NASA", "officials")
    is_quote: bool
    # How the speaker was found: quote, reported, according, pronoun, interview, continued
    # (the quotation's speaker, named in an earlier sentence), paraphrase, or author
    # (unattributed).
    method: str
    quote_run: int | None = None  # sentences inside one quotation share this
    label_len: int = 0  # characters of an interview label ("Q: ") that open the sentence


@dataclass(frozen=True)
class _Label:
    role: str  # "question" or "answer"
    speaker: str
    kind: str
    length: int


def speaker_kind(name: str) -> str:
    """Person, organization or unknown, from the name alone."""
    bare = name.strip()
    if not bare:
        return UNKNOWN
    words = bare.split()
    if (
        _ACRONYM.match(bare)
        or _ORG_WORDS.search(bare)
        or _OUTLET_WORDS.search(bare)
        or any(_ACRONYM.match(w) for w in words)
    ):
        return ORGANIZATION
    if words[-1].islower() or _STARTS_WITH_DETERMINER.match(bare):
        if _ENDS_WITH_ORG_ROLE.search(bare):
            return ORGANIZATION
        if _ENDS_WITH_PERSON_ROLE.search(bare):
            return PERSON
        return UNKNOWN
    if _STARTS_WITH_TITLE.match(bare) or len(words) >= 2:
        return PERSON
    return UNKNOWN


def _mask_quotes(sentence: str, inside: bool) -> tuple[str, str, bool]:
    """The sentence with each quoted stretch replaced by «Q», the quoted words, and whether a
    quotation is still open at its end. “ opens, ” closes, a straight " toggles."""
    outside: list[str] = []
    quoted: list[str] = []
    for char in sentence:
        if char in '"“”':
            opening = char == _QUOTE_OPEN or (char == '"' and not inside)
            if opening and not inside:
                inside = True
                outside.append("«")
                continue
            if not opening and inside:
                inside = False
                outside.append("Q»")
                continue
        (quoted if inside else outside).append(char)
    masked = "".join(outside) + ("Q»" if inside else "")
    return masked, "".join(quoted), inside


class SpeakerTracker:
    """Attributes the sentences of one article in order, remembering the speakers named so
    far, an open quotation and an interview transcript's labels."""

    def __init__(self, *, author: str, outlet: str, labels: dict[str, str]) -> None:
        self.author = author
        # A byline is a person unless its name says organisation ("Reuters", "AP").
        self.author_kind = (speaker_kind(author) or PERSON) if author else UNKNOWN
        self.outlet = outlet
        self._labels = labels  # interview label → "question" / "answer"
        # Full names met so far, by surname (the latest met wins), to resolve a bare surname.
        self._by_surname: dict[str, str] = {}
        self._orgs: list[str] = []  # organisations mentioned, most recent last
        self._kinds: dict[str, str] = {}
        self._gender: dict[str, str] = {}
        self._recent: list[str] = []  # named speakers and subjects, most recent last
        self._in_quote = False
        self._runs = 0
        self._run: int | None = None
        self._quote_speaker = ""  # who the last quotation belonged to
        self._pending = ""  # "X said:" at the end of a sentence: the next quotation is X's
        self._paraphrase = ""  # the speaker of the last reported-speech sentence
        self._interview = False
        self._paragraph_label: _Label | None = None
        self._after_question = False
        self._interviewee = ""

    # --- names -------------------------------------------------------------------------

    def _remember(self, who: str, kind: str) -> str:
        """Register a name; a bare surname resolves to the full name seen earlier
        ("Varga" → "Dr Helen Varga")."""
        if " " not in who:
            who = self._by_surname.get(who, who)
        elif who not in self._kinds:
            self._by_surname[who.split()[-1]] = who
            title = who.split()[0]
            if title in _MALE_TITLES:
                self._gender[who] = "m"
            elif title in _FEMALE_TITLES:
                self._gender[who] = "f"
        if not self._kinds.get(who):
            self._kinds[who] = kind or speaker_kind(who)
        if who in self._recent:
            self._recent.remove(who)
        # A pronoun reaches back a few speakers, not to the start of a long text.
        self._recent = [*self._recent[-_RECENT + 1 :], who]
        return who

    def _resolve_pronoun(self, pronoun: str) -> str:
        """The most recent named speaker a pronoun can refer to: for he/she, a person not
        known to be of the other gender (a title or an earlier pronoun tells); for they,
        the most recent of any kind."""
        word = pronoun.lower()
        wanted = "f" if word in _FEMALE else "m" if word in _MALE else ""
        for who in reversed(self._recent):
            kind = self._kinds.get(who, UNKNOWN)
            if wanted:
                if kind == ORGANIZATION or self._gender.get(who, wanted) != wanted:
                    continue
                self._gender[who] = wanted
                return who
            return who
        return ""

    def _resolve_role(self, phrase: str) -> tuple[str, str]:
        """'the company' → the last organisation named (a speaker or subject first, else one
        mentioned); other roles stay as written, of the kind the role says."""
        kind = speaker_kind(phrase)
        if kind == ORGANIZATION and re.match(r"^(?:the|its|their)\s+\w+$", phrase, re.I):
            for who in [*reversed(self._recent), *reversed(self._orgs)]:
                if self._kinds.get(who) == ORGANIZATION:
                    return who, ORGANIZATION
        first, _, rest = phrase.partition(" ")
        if first in {"The", "A", "An", "Its", "His", "Her", "Their"}:
            phrase = f"{first.lower()} {rest}"
        return phrase, kind

    def _who(self, raw: str) -> tuple[str, str, str] | None:
        """(speaker, kind, method) for a matched subject, or None if it is not a speaker."""
        who = raw.strip()
        if not who:
            return None
        if who.lower() in _PRONOUN_WORDS:
            resolved = self._resolve_pronoun(who)
            if not resolved:
                return None
            return resolved, self._kinds.get(resolved, UNKNOWN), "pronoun"
        if _ROLE_ONLY.match(who):
            speaker, kind = self._resolve_role(who)
            return speaker, kind, ""
        who = re.sub(r"^[Tt]he\s+", "", who)
        if _SOURCE_ONLY.fullmatch(who):
            return None  # a source, not a speaker
        head, of, tail = who.partition(" of ")
        if of and speaker_kind(tail) == ORGANIZATION and speaker_kind(head) == PERSON:
            who = head  # "Dr. Ama Boateng of the Ghana Health Service"
        resolved = self._remember(who, speaker_kind(who))
        return resolved, self._kinds.get(resolved, UNKNOWN), ""

    # --- one sentence --------------------------------------------------------------------

    def attribute(self, sentence: str, *, new_paragraph: bool) -> Attribution:
        # A run-on "sentence" (an unpunctuated dump) is no one's statement: its start is
        # enough, and keeps the patterns' work bounded.
        sentence = sentence[:_MAX_CHARS]
        label = self._label(sentence) if new_paragraph else None
        if new_paragraph:
            self._paragraph_label = label
            if label is not None:
                self._after_question = label.role == "question"
        body = sentence[label.length :] if label else sentence
        continuing = self._in_quote
        if new_paragraph and continuing:
            if body[:1] in '"“':
                body = body[1:]  # a quotation reopened for its next paragraph
            else:
                continuing = False  # an unclosed quotation ends with its paragraph
        masked, quoted, self._in_quote = _mask_quotes(body, continuing)
        if continuing:
            masked = "«" + masked
        else:
            self._run = None
        is_quote = continuing or len(quoted.split()) >= 4
        if is_quote and self._run is None:
            self._runs += 1
            self._run = self._runs
        run = self._run if is_quote else None
        outlet = _outlet(masked) or self.outlet
        found = None if self._paragraph_label else self._find(masked)
        if found is None:
            attribution = self._unattributed(
                is_quote=is_quote, continuing=continuing, masked=masked
            )
        else:
            speaker, kind, method = found
            attribution = Attribution(speaker, kind, "", "", is_quote, method)
            self._paraphrase = speaker
        attribution = replace(
            attribution,
            outlet=attribution.outlet or outlet,
            source=_source(body),
            quote_run=run,
            label_len=label.length if label else 0,
        )
        if is_quote and attribution.method != "author":
            self._quote_speaker = attribution.speaker
        elif not is_quote and found is not None:
            self._quote_speaker = ""
        self._pending = attribution.speaker if _ENDS_WITH_COLON.search(masked) else ""
        if not self._in_quote:
            self._run = None
        self._note_subject(masked)
        return attribution

    def _find(self, masked: str) -> tuple[str, str, str] | None:
        """The speaker of the sentence's first attribution (the main clause's, as a rule),
        or None when there is none or the first one is a non-person source ("Sources said
        two members had argued …")."""
        if not _SPEECH_HINT.search(masked):
            return None
        candidates = sorted(
            (match.start(), order, method, match)
            for order, (method, pattern) in enumerate(_SPEAKER_PATTERNS)
            for match in pattern.finditer(masked)
        )
        sourced = _SOURCE_SPEECH.search(masked)
        for start, _, method, match in candidates:
            if sourced is not None and sourced.start() <= start:
                return None
            found = self._who(match.group("who1") or match.group("who2") or "")
            if found is not None:
                speaker, kind, how = found
                return speaker, kind, how or method
        return None

    def _unattributed(self, *, is_quote: bool, continuing: bool, masked: str) -> Attribution:
        """No speaker in the sentence itself: an interview role, the open quotation, a
        continuing paraphrase, or the author."""
        label = self._paragraph_label
        if label is not None:
            return Attribution(label.speaker, label.kind, "", "", is_quote, "interview")
        if self._interview and self._after_question and self._interviewee:
            who = self._interviewee
            return Attribution(who, self._kinds.get(who, PERSON), "", "", is_quote, "interview")
        if (continuing or is_quote) and (self._pending or self._quote_speaker):
            # Inside an open quotation, or a quotation right after "X said:" or after X's
            # last quotation: X's, as a reader assumes.
            who = self._pending or self._quote_speaker
            return Attribution(who, self._kinds.get(who, UNKNOWN), "", "", True, "continued")
        if self._paraphrase and not is_quote and _BACKSHIFT.search(masked):
            who = self._paraphrase
            return Attribution(who, self._kinds.get(who, UNKNOWN), "", "", False, "paraphrase")
        self._paraphrase = ""
        return Attribution(self.author, self.author_kind, "", "", is_quote, "author")

    def _label(self, sentence: str) -> _Label | None:
        match = _INTERVIEW_LABEL.match(sentence)
        if not match:
            return None
        text = match.group("quoted") or match.group("qa") or match.group("interviewer")
        text = text or match.group("name")
        role = self._labels.get(text)
        if role is None:
            return None
        if not self._interview:
            self._interview = True
            self._interviewee = self._recent_person()
        if role == "question":
            # The outlet asks; with no outlet known, the interviewer named by the label.
            outlet = match.group("quoted") or self.outlet
            speaker = outlet or match.group("name") or ""
            kind = ORGANIZATION if outlet else speaker_kind(speaker)
        elif match.group("name"):
            speaker = self._remember(match.group("name"), PERSON)
            kind = self._kinds.get(speaker, PERSON)
            self._interviewee = speaker
        else:
            speaker = self._interviewee or self.author
            kind = self._kinds.get(speaker, PERSON) if speaker else UNKNOWN
        return _Label(role, speaker, kind, match.end())

    def _recent_person(self) -> str:
        for who in reversed(self._recent):
            if self._kinds.get(who) == PERSON:
                return who
        return ""

    def _note_subject(self, masked: str) -> None:
        """'Varga does not think so.' makes Varga the one a following 'she said' means; 'in
        an interview with Minister Berg' names the interviewee."""
        for match in _PERSON_NAME.finditer(masked):
            name = match.group(0)
            kind = speaker_kind(name)
            if kind == ORGANIZATION:
                self._orgs = [*self._orgs[-_RECENT + 1 :], name]
                self._kinds.setdefault(name, kind)
            elif kind == PERSON and name.split()[0] not in _STOP_WORDS:
                # For surnames, not (yet) as a pronoun's referent.
                self._by_surname.setdefault(name.split()[-1], name)
        for mention in _MENTION.finditer(masked):
            name = mention.group("who")
            if speaker_kind(name) == PERSON and not _OUTLET_WORDS.search(name):
                self._remember(name, PERSON)
        subject = _SUBJECT_NAME.match(masked)
        if not subject:
            return
        who = re.sub(r"^[Tt]he\s+", "", subject.group("who"))
        known_surname = who in self._by_surname
        # One capitalised word opening a sentence is a name only if we met it as one before.
        if " " in who or known_surname or speaker_kind(who) == ORGANIZATION:
            self._remember(who, speaker_kind(who))


def _outlet(masked: str) -> str:
    for pattern in _OUTLET_PATTERNS:
        for match in pattern.finditer(masked):
            raw = match.group("outlet").strip().rstrip(".,")
            outlet = re.sub(r"[’']s$", "", re.sub(r"^the\s+", "", raw))
            first = outlet.split()[0]
            if first in _NOT_OUTLETS or _NOT_OUTLET_WORDS.search(outlet):
                continue
            # "told John Smith" is a person: an outlet is "the …", one word, an acronym, a
            # paper's or broadcaster's name, or a known outlet prefix ("Al Jazeera").
            if (
                raw.startswith("the ")
                or " " not in outlet
                or _OUTLET_WORDS.search(outlet)
                or _ACRONYM.match(first)
                or first in _OUTLET_PREFIXES
            ):
                return outlet
    return ""


def _source(sentence: str) -> str:
    if not _SOURCE_HINT.search(sentence):
        return ""
    for pattern in _SOURCE_PATTERNS:
        match = pattern.search(sentence)
        if match:
            found = match.groupdict().get("src") or match.group(0).split()[0]
            return found.strip().rstrip(".,")
    if _REPORTEDLY.search(sentence):
        return "reports"
    return ""


def _interview_labels(sentences: Sequence[str], starts: Sequence[bool]) -> dict[str, str]:
    """The labels of an interview transcript (two or more paragraphs opening with `Label:`),
    each marked question or answer. `Q:`, `Interviewer:` and a quoted outlet ask; `A:`
    answers. Of the named labels, those met earlier in the text answer (the interviewee is
    introduced first) and the others ask; when every name was met before, the first to
    speak asks."""
    found: dict[str, bool] = {}  # label → quoted
    paragraphs = 0
    for sentence, start in zip(sentences, starts, strict=True):
        match = _INTERVIEW_LABEL.match(sentence) if start else None
        if match:
            label = match.group("quoted") or match.group("qa") or match.group("interviewer")
            found.setdefault(label or match.group("name"), bool(match.group("quoted")))
            paragraphs += 1
    if paragraphs < 2:
        return {}
    roles = {label: "question" for label, quoted in found.items() if quoted}
    roles |= {label: "question" for label in found if label in _QUESTION_LABELS}
    roles |= {label: "answer" for label in found if label in _ANSWER_LABELS}
    names = [label for label in found if label not in roles]
    if not names or len(names) > _MAX_NAMED_LABELS:
        return roles  # many different "Word:" openings are a list, not two people talking
    text = " ".join(sentences)
    met = [
        label
        for label in names
        if re.search(rf"\b{re.escape(label.split()[-1])}\b", text[: max(text.find(label + ":"), 0)])
    ]
    if not met:
        return roles  # nobody introduced: "Update:" and "Note:" are not speakers
    everyone_met = len(met) == len(names) and "question" not in roles.values()
    for label in names:
        if everyone_met:
            roles[label] = "question" if label == names[0] else "answer"
        else:
            roles[label] = "answer" if label in met else "question"
    return roles


def attribute_sentences(
    sentences: Sequence[str],
    *,
    author: str,
    outlet: str,
    new_paragraph: Sequence[bool] | None = None,
) -> list[Attribution]:
    """Attribute an article's sentences in order, then give every sentence of a quotation
    the speaker named anywhere in it ('"First. Second," she said.'). `new_paragraph[i]`:
    sentence i opens a paragraph (None: each sentence is its own paragraph's continuation,
    the first opening one)."""
    starts = (
        list(new_paragraph)
        if new_paragraph is not None
        else [i == 0 for i in range(len(sentences))]
    )
    tracker = SpeakerTracker(
        author=author, outlet=outlet, labels=_interview_labels(sentences, starts)
    )
    attributions = [
        tracker.attribute(sentence, new_paragraph=start)
        for sentence, start in zip(sentences, starts, strict=True)
    ]
    speaker_of_run: dict[int, Attribution] = {}
    for who in attributions:
        if who.quote_run is not None and who.method not in _INHERITED:
            speaker_of_run.setdefault(who.quote_run, who)
    filled = []
    for who in attributions:
        found = speaker_of_run.get(who.quote_run) if who.quote_run is not None else None
        if found is not None and who.method in _INHERITED:
            who = replace(
                who,
                speaker=found.speaker,
                speaker_kind=found.speaker_kind,
                outlet=found.outlet,
                method=found.method,
            )
        filled.append(who)
    return filled


def attribute_spans(
    text: str, spans: Sequence[Span], *, author: str, outlet: str
) -> list[Attribution]:
    """attribute_sentences over segmented text: a line break between two spans starts a
    paragraph."""
    starts = [i == 0 or "\n" in text[spans[i - 1].end : span.start] for i, span in enumerate(spans)]
    return attribute_sentences(
        [span.text for span in spans], author=author, outlet=outlet, new_paragraph=starts
    )
