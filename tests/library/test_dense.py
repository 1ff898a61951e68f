"""Dense retrieval: the shipped embedder, indexing in batches, the on-disk ANN index kept in
line with the database, hybrid fusion, and the faults around them."""

import json
import logging
import time

import numpy as np
import pytest

from core.ann import RefreshResult
from library.evidence import dense, hybrid
from library.evidence.embedder import (
    MODEL_PATH,
    TOKENIZER_PATH,
    Embedder,
    EmbedderUnavailableError,
    get_embedder,
    model_version,
)
from library.evidence.library import LibraryProvider
from library.evidence.search import lexical_search, refresh_lexical_stats
from library.models import PassageEmbedding, SourceDocument, SourcePassage
from library.services.indexing import library_index_missing
from library.services.sources import source_document_upsert

TEXTS = {
    "https://w.example/sea": "Between 1901 and 2018 the global mean sea level rose by 15 to 25 cm.",
    "https://w.example/ice": "Arctic sea ice extent has declined by about 13 percent per decade.",
    "https://w.example/co2": "Carbon dioxide concentrations passed 420 parts per million in 2023.",
    "https://w.example/flu": "Influenza vaccination lowers the risk of hospital stays in adults.",
}


@pytest.fixture
def index_dir(settings, tmp_path):
    settings.CLAIMDESK_DENSE_INDEX_DIR = tmp_path / "dense"
    return settings.CLAIMDESK_DENSE_INDEX_DIR


@pytest.fixture
def library(db, index_dir, django_capture_on_commit_callbacks):
    """The documents, indexed the way production does it: the on-commit indexing tasks run."""
    with django_capture_on_commit_callbacks(execute=True):
        for url, text in TEXTS.items():
            source_document_upsert(url=url, title="", text=text)
    refresh_lexical_stats()


def _urls(hits):
    rows = SourcePassage.objects.select_related("document").in_bulk([pid for pid, _ in hits])
    return [rows[pid].document.url for pid, _ in hits if pid in rows]


def test_embedder_gives_unit_vectors_that_rank_paraphrases_first():
    embedder = get_embedder()
    vectors = embedder.embed(
        [
            "The cat sat on the mat.",
            "Stock markets fell sharply on Monday.",
            "A cat was sitting on a mat.",
        ]
    )
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ vectors[2] > 0.8 > vectors[0] @ vectors[1]
    # Batching sorts texts by length: each row must still belong to its own text. (Not bit-equal:
    # int8 activations are scaled per batch, so batch-mates move a vector very slightly.)
    alone = embedder.embed(["A cat was sitting on a mat."])[0]
    assert alone @ vectors[2] > 0.99


def test_model_card_records_the_check_against_the_original_model():
    card = json.loads(MODEL_PATH.with_name("minilm-l6-v2.json").read_text())
    assert card["version"] == model_version()
    assert card["verification"]["cosine_vs_original_min"] >= 0.99
    assert MODEL_PATH.stat().st_size + TOKENIZER_PATH.stat().st_size < 50 * 1024 * 1024


def test_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(EmbedderUnavailableError) as error:
        Embedder(tmp_path / "absent.onnx", TOKENIZER_PATH)
    assert str(tmp_path / "absent.onnx") in str(error.value)
    assert "embedder_build" in str(error.value)  # says how to rebuild it


def test_without_the_model_hybrid_search_falls_back_to_lexical(library, monkeypatch, caplog):
    def unavailable():
        raise EmbedderUnavailableError("No embedding model file at /nowhere.")

    monkeypatch.setattr(hybrid, "get_embedder", unavailable)
    hybrid.embed_query.cache_clear()
    with caplog.at_level(logging.WARNING, logger="library.evidence.hybrid"):
        hits = hybrid.hybrid_search("arctic sea ice decline", limit=3)
    hybrid.embed_query.cache_clear()
    assert hits == lexical_search("arctic sea ice decline", limit=3)
    assert "No embedding model file" in caplog.text


def test_indexing_embeds_every_passage_and_fills_the_index(library, index_dir):
    assert PassageEmbedding.objects.filter(model=model_version()).count() == len(TEXTS)
    assert json.loads((index_dir / "passages.json").read_text())["size"] == len(TEXTS)
    # A paraphrase with no words in common with the passage's key terms still finds it.
    hits = dense.dense_search(
        get_embedder().embed(["vaccines keep grown-ups out of hospital"])[0], limit=1
    )
    assert _urls(hits) == ["https://w.example/flu"]


def test_reindexing_the_same_source_twice_changes_nothing(
    library, index_dir, django_capture_on_commit_callbacks
):
    before = list(SourcePassage.objects.order_by("id").values_list("id", "document_id", "text"))
    vectors = list(
        PassageEmbedding.objects.order_by("passage_id").values_list("passage_id", "vector")
    )
    with django_capture_on_commit_callbacks(execute=True):
        for url, text in TEXTS.items():
            source_document_upsert(url=url, title="", text=text)
    assert (
        list(SourcePassage.objects.order_by("id").values_list("id", "document_id", "text"))
        == before
    )
    after = PassageEmbedding.objects.order_by("passage_id").values_list("passage_id", "vector")
    assert [(pid, bytes(v)) for pid, v in after] == [(pid, bytes(v)) for pid, v in vectors]
    assert SourceDocument.objects.count() == len(TEXTS)
    assert library_index_missing(limit=100) == 0  # nothing left to embed


def test_an_edited_source_replaces_only_its_changed_passages(
    library, django_capture_on_commit_callbacks
):
    url = "https://w.example/sea"
    old_ids = set(SourcePassage.objects.filter(document__url=url).values_list("id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        source_document_upsert(
            url=url, title="", text="Sea level rose 3.7 mm a year from 2006 to 2018."
        )
    new = SourcePassage.objects.filter(document__url=url)
    assert len(new) == 1
    assert new[0].pk not in old_ids
    assert PassageEmbedding.objects.filter(passage__document__url=url).count() == 1
    assert dense.passage_index_refresh().size == len(TEXTS)  # the old vector left the index


def test_refresh_is_incremental_and_survives_a_lost_index_file(library, index_dir):
    assert dense.passage_index_refresh() == RefreshResult(
        added=0, removed=0, size=len(TEXTS), rebuilt=False
    )
    SourceDocument.objects.filter(url="https://w.example/co2").delete()
    assert dense.passage_index_refresh() == RefreshResult(
        added=0, removed=1, size=len(TEXTS) - 1, rebuilt=False
    )
    (index_dir / "passages.usearch").write_bytes(b"not an index")  # corrupted on disk
    result = dense.passage_index_refresh()
    assert result.rebuilt
    assert result.size == len(TEXTS) - 1


def test_an_index_built_with_another_model_is_rebuilt_before_it_is_searched(
    library, index_dir, caplog
):
    meta = index_dir / "passages.json"
    meta.write_text(json.dumps({"format": 2, "model": "some-older-model", "size": len(TEXTS)}))
    (index_dir / "passages.usearch").write_bytes(b"vectors of another model")
    query = get_embedder().embed(["arctic sea ice decline"])[0]
    with caplog.at_level(logging.WARNING, logger="core.ann"):
        assert _urls(dense.dense_search(query, limit=1)) == ["https://w.example/ice"]
    assert "some-older-model" in caplog.text
    assert json.loads(meta.read_text())["model"] == model_version()
    assert not dense.passage_index_refresh().rebuilt  # the search left a current index


def test_index_hits_for_passages_deleted_since_the_last_refresh_are_dropped(library):
    SourceDocument.objects.filter(url="https://w.example/ice").delete()  # index not refreshed
    hits = LibraryProvider().search("Arctic sea ice extent declined", limit=4)
    assert hits
    assert "https://w.example/ice" not in [hit.url for hit in hits]


def test_hybrid_search_fuses_both_rankings(library):
    hits = hybrid.hybrid_search("sea level rise since 1901", limit=4)
    assert _urls(hits)[0] == "https://w.example/sea"
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = hybrid.reciprocal_rank_fusion([[(1, 9.0), (2, 5.0)], [(2, 0.9), (3, 0.8)]], k=60)
    assert [key for key, _ in fused] == [2, 1, 3]


def test_reciprocal_rank_fusion_weights_a_ranking():
    lexical, dense = [(1, 9.0), (2, 5.0)], [(3, 0.9)]
    plain = hybrid.reciprocal_rank_fusion([lexical, dense], k=20)
    assert [key for key, _ in plain] == [1, 3, 2]  # 1 and 3 tie; the id breaks it
    weighted = hybrid.reciprocal_rank_fusion([lexical, dense], k=20, weights=[1.0, 1.25])
    assert [key for key, _ in weighted] == [3, 1, 2]
    assert weighted[0][1] == round(1.25 / 21, 6)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_claims_find_nothing(library, text):
    assert hybrid.hybrid_search(text, limit=5) == []
    assert LibraryProvider().search(text, limit=5) == []


def test_a_very_long_claim_is_searched_within_bounds(library):
    text = "Arctic sea ice extent has declined sharply. " * 5000  # ~220,000 characters
    started = time.perf_counter()
    hits = hybrid.hybrid_search(text, limit=3)
    assert time.perf_counter() - started < 10
    assert _urls(hits)[0] == "https://w.example/ice"


def test_vectors_from_an_older_model_are_re_embedded_in_batches(library, settings):
    settings.CLAIMDESK_EMBED_BATCH = 3  # four passages: two batches
    PassageEmbedding.objects.update(model="some-older-model")
    assert library_index_missing(limit=100) == len(TEXTS)
    assert set(PassageEmbedding.objects.values_list("model", flat=True)) == {model_version()}
    assert library_index_missing(limit=100) == 0


def test_refreshes_asked_for_while_one_is_queued_fold_into_it(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    from celery import current_app

    from library.dispatch import enqueue_dense_refresh

    sent: list[object] = []
    task = current_app.tasks["claims.dense_index_refresh"]
    monkeypatch.setattr(task, "delay", lambda: sent.append(task.name))
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_dense_refresh()
        enqueue_dense_refresh()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_dense_refresh()  # the first has not started yet
    assert sent == ["claims.dense_index_refresh"]
    task()  # the refresh starts: from now on a change queues a new one
    with django_capture_on_commit_callbacks(execute=False):
        enqueue_dense_refresh()  # rolled back: no flag may stay behind
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_dense_refresh()
    assert len(sent) == 2
