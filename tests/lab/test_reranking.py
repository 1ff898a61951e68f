"""The reranker's data (lab/reranking.py): the grouped split of SciFact train, the hybrid
candidates mined for it, and `manage.py train_reranker` up to the training step (which
needs torch, the `train` extra)."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lab.reranking import (
    DEV,
    HELD_IN,
    TRAIN,
    Candidates,
    claim_groups,
    grouped_split,
    mine_candidates,
)
from lab.retrieval import read_qrels
from tests.lab.test_retrieval import _scifact_slice


def test_claim_groups_join_claims_through_shared_documents():
    qrels = {"1": {"a": 1}, "2": {"a": 1, "b": 1}, "3": {"b": 1}, "4": {"c": 1}}
    groups = claim_groups(qrels)
    assert groups["1"] == groups["2"] == groups["3"] == "a"
    assert groups["4"] == "c"


def test_the_split_keeps_each_documents_claims_on_one_side(shared_data):
    qrels = read_qrels(shared_data / "retrieval" / "scifact" / "qrels_train.tsv")
    split = grouped_split(qrels)
    side_of_document: dict[str, str] = {}
    for query, documents in qrels.items():
        for document in documents:
            assert side_of_document.setdefault(document, split[query]) == split[query]
    counts = Counter(split.values())
    assert 0.15 < counts[HELD_IN] / len(split) < 0.25
    assert counts[DEV] > 50
    assert counts[TRAIN] > counts[HELD_IN]
    assert grouped_split(qrels) == split  # a stable hash, not a random draw


def test_mined_candidates_on_a_scifact_slice(shared_data, tmp_path, db, settings):
    settings.VAR_DIR = tmp_path
    _scifact_slice(shared_data, tmp_path, judgements=30, others=40)
    raw = mine_candidates(
        tmp_path / "corpus.jsonl", tmp_path / "queries.jsonl", tmp_path / "qrels.tsv"
    )
    candidates = Candidates.of(json.loads(json.dumps(raw)))
    assert set(candidates.baseline_held_in) == {"lexical", "dense", "hybrid"}
    for query in candidates.queries:
        relevant = set(candidates.qrels[query])
        positives = candidates.positives(query)
        assert {candidates.doc_of_passage[p] for p in positives} == relevant
        negatives = candidates.hard_negatives(query, depth=30)
        assert not {candidates.doc_of_passage[p] for p in negatives} & relevant
        assert all(p in candidates.texts for p in positives + negatives)


def test_train_reranker_mines_once_then_says_what_to_install(
    shared_data, tmp_path, db, settings, monkeypatch
):
    settings.VAR_DIR = tmp_path
    _scifact_slice(shared_data, tmp_path, judgements=15, others=20)
    files = [
        "--corpus",
        str(tmp_path / "corpus.jsonl"),
        "--queries",
        str(tmp_path / "queries.jsonl"),
        "--qrels",
        str(tmp_path / "qrels.tsv"),
    ]
    out = StringIO()
    call_command("train_reranker", *files, "--mine-only", stdout=out, stderr=StringIO())
    assert set(json.loads(out.getvalue().strip().splitlines()[-1])) == {
        "lexical",
        "dense",
        "hybrid",
    }
    assert len(list((tmp_path / "reranking").glob("candidates-*.json"))) == 1
    monkeypatch.setattr("lab.management.commands.train_reranker.find_spec", lambda name: None)
    with pytest.raises(CommandError, match=r"pip install -e '\.\[train\]'"):
        call_command("train_reranker", *files, stdout=StringIO(), stderr=StringIO())
