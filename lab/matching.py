"""How well claim matching finds the same claim: measured on SciFact's training claims.

SciFact pairs claims with the abstract sentences that support or contradict them. Two claims
citing the same sentence with the same label make the same assertion about it (often in other
words): the pair a reviewer would want auto-linked, since one verdict fits both; so does a
claim that appears twice with the same wording. The same
sentence with opposite labels marks a claim and its negation, worded almost alike: the pair
auto-linking must not join. Claims citing the same document are related: worth suggesting.

Every claim is matched against all the others as if they had been reviewed, exactly as
`claims.matching.best_match` does in the pipeline, and the best match is checked against
those relations at each threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claims.extraction.rules import entities
from claims.matching import Candidates, best_match, same_content, word_count
from lab.retrieval import read_jsonl
from library.evidence.embedder import get_embedder

SWEEP = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


@dataclass(frozen=True)
class ThresholdRow:
    threshold: float
    suggested: int
    suggest_precision: float  # best match is a related claim (same cited document)
    suggest_recall: float
    linked: int
    link_precision: float  # best match makes the same assertion with the same verdict
    link_recall: float
    links_to_opposite_verdict: int


@dataclass(frozen=True)
class MatchingReport:
    claims: int
    with_same_verdict_partner: int
    with_related_partner: int
    at_suggest: ThresholdRow
    at_link: ThresholdRow
    sweep: list[ThresholdRow]


@dataclass(frozen=True)
class _Best:
    score: float
    may_link: bool  # long enough, and the same content words as the match
    related: bool
    same_verdict: bool
    opposite_verdict: bool


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _row(threshold: float, best: list[_Best], n_related: int, n_same: int) -> ThresholdRow:
    suggested = [b for b in best if b.score >= threshold]
    linked = [b for b in suggested if b.may_link]
    right_suggestions = sum(b.related for b in suggested)
    right_links = sum(b.same_verdict for b in linked)
    return ThresholdRow(
        threshold=threshold,
        suggested=len(suggested),
        suggest_precision=_ratio(right_suggestions, len(suggested)),
        suggest_recall=_ratio(right_suggestions, n_related),
        linked=len(linked),
        link_precision=_ratio(right_links, len(linked)),
        link_recall=_ratio(right_links, n_same),
        links_to_opposite_verdict=sum(b.opposite_verdict for b in linked),
    )


def evaluate_matching(
    path: Path, *, suggest_at: float, link_at: float, min_words: int
) -> MatchingReport:
    rows: list[dict[str, Any]] = list(read_jsonl(path))
    texts = [str(row["claim"]) for row in rows]
    docs = [{str(d) for d in row.get("cited_doc_ids", [])} for row in rows]
    rationale: list[dict[tuple[str, int], str]] = [
        {
            (str(doc), int(sentence)): str(item["label"])
            for doc, items in (row.get("evidence") or {}).items()
            for item in items
            for sentence in item["sentences"]
        }
        for row in rows
    ]
    vectors = get_embedder().embed(texts)
    names = [entities(text) for text in texts]

    def same(i: int, j: int) -> bool:
        if " ".join(texts[i].casefold().split()) == " ".join(texts[j].casefold().split()):
            return True  # a claim submitted twice
        return any(rationale[j].get(key) == label for key, label in rationale[i].items())

    def opposite(i: int, j: int) -> bool:
        return any(rationale[j].get(key, label) != label for key, label in rationale[i].items())

    best: list[_Best] = []
    n_same = n_related = 0
    for i in range(len(rows)):
        others = [j for j in range(len(rows)) if j != i]
        n_same += any(same(i, j) for j in others)
        n_related += any(docs[i] & docs[j] for j in others)
        match = best_match(
            text=texts[i],
            vector=vectors[i],
            entities=names[i],
            candidates=Candidates(
                ids=others,
                vectors=vectors[others],
                entities=[names[j] for j in others],
                texts=[texts[j] for j in others],
            ),
            suggest_at=-1.0,  # always return the best; thresholds are applied below
            link_at=-1.0,
            min_words=min_words,
        )
        assert match is not None  # noqa: S101  # suggest_at=-1 always finds one
        j = match.claim_id
        best.append(
            _Best(
                score=match.score,
                may_link=word_count(texts[i]) >= min_words and same_content(texts[i], texts[j]),
                related=bool(docs[i] & docs[j]),
                same_verdict=same(i, j),
                opposite_verdict=opposite(i, j),
            )
        )
    thresholds = sorted({*SWEEP, suggest_at, link_at})
    return MatchingReport(
        claims=len(rows),
        with_same_verdict_partner=n_same,
        with_related_partner=n_related,
        at_suggest=_row(suggest_at, best, n_related, n_same),
        at_link=_row(link_at, best, n_related, n_same),
        sweep=[_row(t, best, n_related, n_same) for t in thresholds],
    )
