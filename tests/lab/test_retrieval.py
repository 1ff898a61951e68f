"""`manage.py evaluate_retrieval` (lab) on SciFact slices, on whichever database the suite
runs on."""

import json
from io import StringIO

from django.core.management import call_command

from library.models import SourcePassage


def _scifact_slice(shared_data, tmp_path, judgements, others):
    scifact = shared_data / "retrieval" / "scifact"
    qrels_lines = (scifact / "qrels_train.tsv").read_text().splitlines()
    qrels = qrels_lines[: judgements + 1]  # header + judgements
    wanted_queries = {line.split("\t")[0] for line in qrels[1:]}
    wanted_docs = {line.split("\t")[1] for line in qrels[1:]}
    corpus = [json.loads(line) for line in (scifact / "corpus.jsonl").read_text().splitlines()]
    # The judged documents plus others, so ranking has something to get wrong.
    sample = [d for d in corpus if str(d["_id"]) in wanted_docs] + corpus[:others]
    (tmp_path / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in sample))
    queries = [
        line
        for line in (scifact / "queries_train.jsonl").read_text().splitlines()
        if json.loads(line)["_id"] in wanted_queries
    ]
    (tmp_path / "queries.jsonl").write_text("\n".join(queries))
    (tmp_path / "qrels.tsv").write_text("\n".join(qrels) + "\n")
    return len(queries)


def _evaluate(tmp_path, mode):
    out = StringIO()
    call_command(
        "evaluate_retrieval",
        "--corpus",
        str(tmp_path / "corpus.jsonl"),
        "--queries",
        str(tmp_path / "queries.jsonl"),
        "--qrels",
        str(tmp_path / "qrels.tsv"),
        "--mode",
        mode,
        "--json",
        stdout=out,
    )
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_evaluate_retrieval_on_a_scifact_slice(shared_data, tmp_path, db):
    n_queries = _scifact_slice(shared_data, tmp_path, judgements=40, others=300)
    result = _evaluate(tmp_path, "lexical")
    assert {
        "ndcg_at_10",
        "recall_at_10",
        "recall_at_100",
        "mrr_at_10",
        "p50_ms",
        "p95_ms",
    } <= result.keys()
    assert result["queries"] == n_queries
    assert result["ndcg_at_10"] > 0.5
    assert SourcePassage.objects.count() == 0  # the scratch index was rolled back


def test_evaluate_dense_and_hybrid_retrieval(shared_data, tmp_path, db, settings):
    settings.VAR_DIR = tmp_path  # a cold vector cache
    _scifact_slice(shared_data, tmp_path, judgements=15, others=40)
    dense = _evaluate(tmp_path, "dense")
    hybrid = _evaluate(tmp_path, "hybrid")  # reuses the cached vectors
    assert dense["mode"] == "dense"
    assert hybrid["mode"] == "hybrid"
    assert dense["ndcg_at_10"] > 0.5
    assert hybrid["ndcg_at_10"] > 0.5
    assert list((tmp_path / "evaluation").glob("vectors-*.npy"))
    assert SourcePassage.objects.count() == 0
