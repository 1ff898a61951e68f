"""The cross-encoder reranker: a built int8 model on a small fixed set (real output, no
mocks), its mixing with the hybrid order, and the fallbacks when its files are missing or
broken (the hybrid order, a warning, never an exception).

No reranker model ships (the one trained here lost to hybrid retrieval on held-in SciFact:
README, "Reranking"), so the tests of a real model run where one has been built with
`manage.py train_reranker` into library/evidence/models/ and skip elsewhere."""

import logging
import shutil

import pytest

from library.evidence import rerank as rerank_module
from library.evidence.rerank import (
    CARD_PATH,
    MODEL_PATH,
    TOKENIZER_PATH,
    Reranker,
    RerankerUnavailableError,
    combine,
    get_reranker,
    rerank,
)
from library.services.sources import source_document_upsert

CLAIM = "Vitamin D supplements lower the risk of hip fractures in older adults."
RELEVANT = (
    "Cholecalciferol and fracture prevention\nIn a randomised trial of 9,440 women aged over "
    "70, daily cholecalciferol cut the incidence of hip fracture by a third against placebo."
)
OTHERS = [
    "Vitamins in the diet\nThe word vitamin was coined in 1912; vitamin supplements are sold "
    "in most pharmacies and supermarkets.",
    "Marathon injuries\nOlder adults who ran the city marathon reported knee pain more often "
    "than younger runners; the risk grew with the distance.",
    "Ticket prices\nFootball clubs lowered ticket prices for older fans after attendance fell.",
]


needs_model = pytest.mark.skipif(
    not MODEL_PATH.is_file(),
    reason=f"no reranker model at {MODEL_PATH} (none ships; build one with "
    "`manage.py train_reranker`, README 'Reranking')",
)


@pytest.fixture
def fresh_reranker():
    get_reranker.cache_clear()
    yield
    get_reranker.cache_clear()


@needs_model
def test_a_built_model_moves_the_relevant_passage_first():
    reranker = Reranker.load(MODEL_PATH, threads=1)
    reranker.weights = {}  # the logit alone
    texts = dict(enumerate([*OTHERS, RELEVANT], start=1))
    hits = [(pid, 1.0 / (60 + rank)) for rank, pid in enumerate(texts, start=1)]
    reranked = rerank(CLAIM, hits, texts, top_k=4, reranker=reranker)
    assert reranked[0].key == 4
    assert all(r.rerank_score is not None for r in reranked)
    logits = reranker.logits(CLAIM, [*OTHERS, RELEVANT])
    assert logits[3] > max(logits[:3])


@needs_model
def test_only_the_top_k_are_rescored():
    reranker = Reranker.load(MODEL_PATH, threads=1)
    texts = dict(enumerate([*OTHERS, RELEVANT], start=1))
    hits = [(pid, 1.0 / (60 + rank)) for rank, pid in enumerate(texts, start=1)]
    reranked = rerank(CLAIM, hits, texts, top_k=2, reranker=reranker)
    assert {r.key for r in reranked[:2]} == {1, 2}
    assert [(r.key, r.rerank_score) for r in reranked[2:]] == [(3, None), (4, None)]


def test_combine_mixes_logit_and_hybrid_score():
    hits = [(10, 0.9), (11, 0.5), (12, 0.1), (13, 0.05)]
    logits = [0.0, 1.0, 5.0]
    assert [r.key for r in combine(hits, logits, weight=1.0)] == [12, 11, 10, 13]
    assert [r.key for r in combine(hits, logits, weight=0.0)] == [10, 11, 12, 13]
    assert [r.rerank_score for r in combine(hits, logits, weight=1.0)] == [5.0, 1.0, 0.0, None]
    assert [r.key for r in combine(hits, [], weight=1.0)] == [10, 11, 12, 13]


@needs_model
def test_the_card_gives_a_weight_per_top_k():
    reranker = Reranker.load(MODEL_PATH, threads=1)
    assert CARD_PATH.is_file()
    assert reranker.weights
    assert all(0.0 <= w <= 1.0 for w in reranker.weights.values())
    assert reranker.weight_for(10_000) == reranker.weights[max(reranker.weights)]


def _hits_and_texts():
    texts = dict(enumerate([*OTHERS, RELEVANT], start=1))
    return [(pid, 1.0 / (60 + rank)) for rank, pid in enumerate(texts, start=1)], texts


def test_a_missing_model_keeps_the_hybrid_order(tmp_path, monkeypatch, caplog, fresh_reranker):
    monkeypatch.setattr(rerank_module, "MODEL_PATH", tmp_path / "absent.int8.onnx")
    hits, texts = _hits_and_texts()
    with caplog.at_level(logging.WARNING, logger="library.evidence.rerank"):
        reranked = rerank(CLAIM, hits, texts, top_k=4)
    assert [(r.key, r.score, r.rerank_score) for r in reranked] == [(k, s, None) for k, s in hits]
    assert "reranking off" in caplog.text
    assert "absent.int8.onnx" in caplog.text


def test_a_corrupt_model_keeps_the_hybrid_order(tmp_path, monkeypatch, caplog, fresh_reranker):
    broken = tmp_path / MODEL_PATH.name
    broken.write_bytes(b"not an onnx graph")
    shutil.copy(TOKENIZER_PATH, tmp_path / TOKENIZER_PATH.name)
    monkeypatch.setattr(rerank_module, "MODEL_PATH", broken)
    with pytest.raises(RerankerUnavailableError, match="Cannot load the reranker"):
        Reranker.load(broken)
    hits, texts = _hits_and_texts()
    with caplog.at_level(logging.WARNING, logger="library.evidence.rerank"):
        reranked = rerank(CLAIM, hits, texts, top_k=4)
    assert [r.key for r in reranked] == [k for k, _ in hits]
    assert "reranking off" in caplog.text


def test_top_k_zero_never_loads_the_model(monkeypatch, fresh_reranker):
    monkeypatch.setattr(rerank_module, "MODEL_PATH", MODEL_PATH.with_name("absent.onnx"))
    hits, texts = _hits_and_texts()
    assert [r.key for r in rerank(CLAIM, hits, texts, top_k=0)] == [1, 2, 3, 4]
    assert get_reranker.cache_info().misses == 0


@pytest.fixture
def library(db):
    for number, text in enumerate([*OTHERS, RELEVANT]):
        title, body = text.split("\n", 1)
        source_document_upsert(url=f"https://w.example/{number}", title=title, text=body)
    from library.evidence.search import refresh_lexical_stats

    refresh_lexical_stats()


@needs_model
def test_the_library_provider_reranks_its_top_k(library, settings, fresh_reranker):
    from library.evidence.library import LibraryProvider

    settings.CLAIMDESK_RERANK_TOP_K = 4
    hits = LibraryProvider().search(CLAIM, limit=2)
    assert len(hits) == 2
    assert all(h.rerank_score is not None for h in hits)
    settings.CLAIMDESK_RERANK_TOP_K = 0
    assert all(h.rerank_score is None for h in LibraryProvider().search(CLAIM, limit=4))


def test_the_library_provider_without_a_model_keeps_the_hybrid_order(
    library, settings, tmp_path, monkeypatch, caplog, fresh_reranker
):
    from library.evidence.library import LibraryProvider

    settings.CLAIMDESK_RERANK_TOP_K = 0
    plain = LibraryProvider().search(CLAIM, limit=4)
    assert plain
    monkeypatch.setattr(rerank_module, "MODEL_PATH", tmp_path / "absent.int8.onnx")
    settings.CLAIMDESK_RERANK_TOP_K = 4
    with caplog.at_level(logging.WARNING, logger="library.evidence.rerank"):
        assert LibraryProvider().search(CLAIM, limit=4) == plain
    assert "reranking off" in caplog.text
