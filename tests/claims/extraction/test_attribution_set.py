"""Speaker accuracy on the labelled attribution set (tests/fixtures/attribution, written for
ClaimDesk; its README says how it was labelled and scored)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from claims.extraction.attribution import Attribution, attribute_spans
from core.segment import split_sentences

SET = Path(__file__).resolve().parents[2] / "fixtures" / "attribution"
_TITLES = {
    "dr",
    "prof",
    "professor",
    "mr",
    "mrs",
    "ms",
    "sen",
    "senator",
    "president",
    "minister",
    "judge",
    "governor",
    "the",
    "a",
    "an",
}


@dataclass(frozen=True)
class Gold:
    sentence: str
    speaker: str
    outlet: str
    source: str


@dataclass(frozen=True)
class Article:
    name: str
    author: str
    outlet: str
    text: str
    gold: list[Gold]


def load(path: Path) -> list[Article]:
    articles = []
    for block in path.read_text(encoding="utf-8").split("=== ")[1:]:
        lines = block.splitlines()
        name, fields = lines[0].strip(), dict.fromkeys(("author", "outlet"), "")
        paragraphs: list[list[Gold]] = [[]]
        for line in lines[1:]:
            key, _, value = line.partition(":")
            if "||" not in line and key in fields:
                fields[key] = value.strip()
            elif not line.strip():
                if paragraphs[-1]:
                    paragraphs.append([])
            else:
                sentence, labels = line.split(" || ")
                speaker, outlet, source = (part.strip() for part in labels.split("|"))
                paragraphs[-1].append(Gold(sentence, speaker, outlet, source))
        paragraphs = [p for p in paragraphs if p]
        text = "\n".join(" ".join(g.sentence for g in p) for p in paragraphs)
        gold = [g for p in paragraphs for g in p]
        articles.append(Article(name, fields["author"], fields["outlet"], text, gold))
    return articles


def _words(name: str) -> list[str]:
    words = re.findall(r"[\w’'&-]+", name.lower().replace("’s", "").replace("'s", ""))
    return [w for w in words if w not in _TITLES]


def speaker_matches(gold: str, predicted: str) -> bool:
    want, got = _words(gold), _words(predicted)
    if not want:
        return not got
    return bool(got) and set(want) <= set(got) and want[-1] == got[-1]


def source_matches(gold: str, predicted: str) -> bool:
    want, got = _words(gold), _words(predicted)
    if not want or not got:
        return not want and not got
    return want[-1] == got[-1]


@dataclass(frozen=True)
class Score:
    n: int
    speaker: float
    outlet: float
    source: float
    misses: list[str]


def score(articles: list[Article]) -> Score:
    n = speakers = outlets = sources = 0
    misses = []
    for article in articles:
        spans = list(split_sentences(article.text))
        assert [s.text for s in spans] == [g.sentence for g in article.gold], article.name
        found = attribute_spans(article.text, spans, author=article.author, outlet=article.outlet)
        for gold, who in zip(article.gold, found, strict=True):
            n += 1
            ok = speaker_matches(gold.speaker, who.speaker)
            speakers += ok
            outlets += _words(gold.outlet or article.outlet) == _words(who.outlet)
            sources += source_matches(gold.source, who.source)
            if not ok:
                misses.append(f"{article.name}: {gold.sentence[:70]!r} {_show(gold, who)}")
    return Score(n, speakers / n, outlets / n, sources / n, misses)


def _show(gold: Gold, who: Attribution) -> str:
    return f"gold {gold.speaker!r}, got {who.speaker!r} ({who.method})"


# The development batch, and the check batch written after the rules were tuned and scored
# once (0.860): its floor guards against regressions without tuning to it.
@pytest.mark.parametrize(("batch", "floor"), [("articles.txt", 0.9), ("check.txt", 0.85)])
def test_speaker_accuracy_on_each_batch(batch, floor):
    result = score(load(SET / batch))
    # Printed, not only asserted: the figure goes in the README (pytest -s shows it).
    print(  # noqa: T201
        f"\n{batch}: {result.n} sentences; speaker accuracy {result.speaker:.3f}, "
        f"outlet {result.outlet:.3f}, source {result.source:.3f}"
    )
    print("\n".join(result.misses))  # noqa: T201
    assert result.n >= 40
    assert result.speaker >= floor


def test_the_whole_set_has_at_least_150_sentences_and_speaker_accuracy_of_090():
    result = score(load(SET / "articles.txt") + load(SET / "check.txt"))
    whole = f"whole set: {result.n} sentences; speaker accuracy {result.speaker:.3f}"
    print(whole)  # noqa: T201
    assert result.n >= 150
    assert result.speaker >= 0.9


def test_the_scorer_can_fail():
    assert not speaker_matches("Anna Berg", "Lena Fischer")
    assert not speaker_matches("Anna Berg", "")
    assert not speaker_matches("", "Anna Berg")
    assert speaker_matches("Anna Berg", "Foreign Minister Anna Berg")
    assert not source_matches("a study by NASA", "")
