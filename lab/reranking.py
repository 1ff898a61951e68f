"""Data for training and judging the reranker (no torch here): a grouped split of a BEIR
training set, the current hybrid retriever's candidates for every query (the reranker's
input and the source of its hard negatives), and scores of a reranked candidate list.

The split keeps claims that cite a common document on one side: claims are grouped by the
connected components of the claim–document graph, and a group goes to the held-in part when
the SHA-256 of its smallest document id (with a salt) falls in the lowest `fraction`. The
same rule with another salt cuts an inner dev part out of the training part (epochs and the
reranker's weight are chosen there), so the held-in claims are never looked at until the end.
"""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lab.retrieval import (
    QueryScores,
    documents_ranked,
    p95,
    read_jsonl,
    read_qrels,
    scratch_corpus,
)
from library.evidence.rerank import Reranker, rerank
from library.models import SourcePassage
from library.services.indexing import passage_embedding_text

HELD_IN, DEV, TRAIN = "held_in", "dev", "train"
# Hybrid passages kept per query: enough documents for recall@100.
KEPT = 1000
# Passages whose text is kept per query (reranking and negatives never go deeper).
TEXT_DEPTH = 50


def claim_groups(qrels: dict[str, dict[str, int]]) -> dict[str, str]:
    """query id → its group's smallest document id (claims linked through shared documents)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for query, docs in qrels.items():
        for doc in docs:
            a, b = find("q:" + query), find("d:" + doc)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = {}
    for query in qrels:
        members.setdefault(find("q:" + query), []).append(query)
    group_of: dict[str, str] = {}
    for queries in members.values():
        smallest = min((d for q in queries for d in qrels[q]), key=lambda d: (len(d), d))
        for query in queries:
            group_of[query] = smallest
    return group_of


def _in_fraction(key: str, salt: str, fraction: float) -> bool:
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def grouped_split(
    qrels: dict[str, dict[str, int]], *, held_in: float = 0.2, dev: float = 0.15
) -> dict[str, str]:
    """query id → HELD_IN, DEV or TRAIN; no document's claims straddle two parts."""
    group_of = claim_groups(qrels)
    split = {}
    for query, group in group_of.items():
        if _in_fraction(group, "held-in", held_in):
            split[query] = HELD_IN
        elif _in_fraction(group, "inner-dev", dev):
            split[query] = DEV
        else:
            split[query] = TRAIN
    return split


def mine_candidates(
    corpus: Path,
    queries_path: Path,
    qrels_path: Path,
    *,
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None,
) -> dict[str, Any]:
    """Index the corpus in a scratch transaction and record, for every judged query, the
    current hybrid ranking (KEPT passages, its latency) and the texts of its top TEXT_DEPTH
    passages and of every passage of its relevant documents; plus the lexical, dense and
    hybrid scores of the held-in part (the baselines)."""
    qrels = read_qrels(qrels_path)
    split = grouped_split(qrels)
    queries = {str(q["_id"]): str(q["text"]) for q in read_jsonl(queries_path)}
    judged = [q for q in queries if q in qrels]
    with scratch_corpus(corpus, progress=progress) as scratch:
        searchers = {mode: scratch.searcher(mode) for mode in ("lexical", "dense", "hybrid")}
        hybrid: dict[str, list[tuple[int, float]]] = {}
        hybrid_ms: dict[str, float] = {}
        baseline: dict[str, list[QueryScores]] = {mode: [] for mode in searchers}
        for done, query in enumerate(judged, start=1):
            started = time.perf_counter()
            hits = searchers["hybrid"](queries[query], KEPT)
            hybrid_ms[query] = round((time.perf_counter() - started) * 1000, 2)
            hybrid[query] = [(pid, round(score, 6)) for pid, score in hits]
            if split[query] == HELD_IN:
                for mode, search in searchers.items():
                    found = hits if mode == "hybrid" else search(queries[query], KEPT)
                    ranked = documents_ranked(found, scratch.doc_of_passage)
                    baseline[mode].append(QueryScores.of(ranked, qrels[query]))
            progress("queries", done, len(judged))
        wanted = {pid for hits in hybrid.values() for pid, _ in hits[:TEXT_DEPTH]}
        relevant_docs = {"beir://corpus/" + d for q in judged for d in qrels[q]}
        rows = SourcePassage.objects.filter(
            document__url__in=relevant_docs
        ) | SourcePassage.objects.filter(pk__in=wanted)
        texts = {
            pid: passage_embedding_text(title, text)
            for pid, text, title in rows.order_by("id").values_list("id", "text", "document__title")
        }
        doc_of_passage = scratch.doc_of_passage
    return {
        "split": split,
        "queries": {q: queries[q] for q in judged},
        "qrels": {q: qrels[q] for q in judged},
        "hybrid": hybrid,
        "hybrid_ms": hybrid_ms,
        "texts": {str(pid): text for pid, text in texts.items()},
        "doc_of_passage": {str(pid): doc for pid, doc in doc_of_passage.items()},
        "baseline_held_in": {
            mode: asdict(QueryScores.mean(scores)) for mode, scores in baseline.items()
        },
    }


@dataclass(frozen=True)
class Candidates:
    """The mined candidates, typed (JSON keys are strings; passage ids are ints here)."""

    split: dict[str, str]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    hybrid: dict[str, list[tuple[int, float]]]
    hybrid_ms: dict[str, float]
    texts: dict[int, str]
    doc_of_passage: dict[int, str]
    baseline_held_in: dict[str, dict[str, float]]

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Candidates:
        return cls(
            split=raw["split"],
            queries=raw["queries"],
            qrels=raw["qrels"],
            hybrid={q: [(int(p), float(s)) for p, s in hits] for q, hits in raw["hybrid"].items()},
            hybrid_ms=raw["hybrid_ms"],
            texts={int(p): t for p, t in raw["texts"].items()},
            doc_of_passage={int(p): d for p, d in raw["doc_of_passage"].items()},
            baseline_held_in=raw["baseline_held_in"],
        )

    def part(self, name: str) -> list[str]:
        return sorted(q for q in self.queries if self.split.get(q) == name)

    def positives(self, query: str) -> list[int]:
        """Per relevant document, its passage the hybrid retriever ranks highest (the one a
        reader would be shown), else its first passage."""
        relevant = {d for d, g in self.qrels[query].items() if g > 0}
        chosen: dict[str, int] = {}
        for pid, _ in self.hybrid[query][:TEXT_DEPTH]:
            doc = self.doc_of_passage.get(pid)
            if doc in relevant and pid in self.texts:
                chosen.setdefault(doc, pid)
        for pid in sorted(self.texts):
            doc = self.doc_of_passage.get(pid)
            if doc in relevant:
                chosen.setdefault(doc, pid)
        return list(chosen.values())

    def hard_negatives(self, query: str, *, depth: int) -> list[int]:
        """The hybrid retriever's top passages from documents not judged relevant."""
        relevant = set(self.qrels[query])
        return [
            pid
            for pid, _ in self.hybrid[query][:depth]
            if self.doc_of_passage.get(pid) not in relevant and pid in self.texts
        ]


Scorer = Callable[[str, list[str]], list[float]]


def score_reranked(
    candidates: Candidates,
    queries: Iterable[str],
    logits_of: Callable[[str, list[int]], list[float]],
    *,
    top_k: int,
    weight: float,
) -> QueryScores:
    """Mean scores of the hybrid rankings with their top `top_k` reranked."""
    from library.evidence.rerank import combine

    per_query = []
    for query in queries:
        hits = candidates.hybrid[query]
        head = hits[:top_k]
        reranked = combine(hits, logits_of(query, [pid for pid, _ in head]), weight=weight)
        ranked = documents_ranked([(r.key, r.score) for r in reranked], candidates.doc_of_passage)
        per_query.append(QueryScores.of(ranked, candidates.qrels[query]))
    return QueryScores.mean(per_query)


def hybrid_scores(candidates: Candidates, queries: Iterable[str]) -> QueryScores:
    return QueryScores.mean(
        [
            QueryScores.of(
                documents_ranked(candidates.hybrid[q], candidates.doc_of_passage),
                candidates.qrels[q],
            )
            for q in queries
        ]
    )


def rerank_latency(
    candidates: Candidates, queries: list[str], reranker: Reranker, *, top_k: int
) -> dict[str, float]:
    """Per claim: the recorded hybrid latency plus reranking its top `top_k` (as the service
    runs it, through `rerank`); p50 and p95 in milliseconds."""
    totals, rerank_only = [], []
    for query in queries:
        hits = candidates.hybrid[query][:100]
        started = time.perf_counter()
        rerank(candidates.queries[query], hits, candidates.texts, top_k=top_k, reranker=reranker)
        spent = (time.perf_counter() - started) * 1000
        rerank_only.append(spent)
        totals.append(spent + candidates.hybrid_ms[query])
    return {
        "top_k": top_k,
        "rerank_p50_ms": round(statistics.median(rerank_only), 1),
        "rerank_p95_ms": round(p95(rerank_only), 1),
        "hybrid_plus_rerank_p50_ms": round(statistics.median(totals), 1),
        "hybrid_plus_rerank_p95_ms": round(p95(totals), 1),
    }
