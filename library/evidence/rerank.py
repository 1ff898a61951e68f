"""Cross-encoder reranking of the hybrid retriever's best candidates.

A MiniLM cross-encoder (`manage.py train_reranker`, lab/reranker_training.py) reads the
claim and one passage together and gives one relevance logit. Only the top
CLAIMDESK_RERANK_TOP_K candidates are rescored (the cost grows with K: README, "Reranking");
their order becomes a weighted sum of the standardised logit and the standardised fused
hybrid score, the weight chosen in training and read from the model card. Candidates below
the top K keep their hybrid order after them.

Vectors are untouched: the reranker needs no re-indexing of the library. A missing or
unreadable model is logged and the hybrid order is kept: evidence gathering degrades, it
does not stop. No model ships and K defaults to 0 (off): the one trained on SciFact train
did not beat the hybrid order on held-in claims (README, "Reranking").
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from core.onnx_text import PairModel
from library.conf import conf

logger = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODEL_DIR / "reranker-minilm-l6.int8.onnx"
TOKENIZER_PATH = MODEL_DIR / "minilm-l6-v2.tokenizer.json"
CARD_PATH = MODEL_DIR / "reranker-minilm-l6.json"
# Claim and passage together; longer pairs lose the passage's tail first.
MAX_TOKENS = 192
REBUILD_HINT = "manage.py train_reranker (README, 'Reranking')"

Logits = npt.NDArray[np.float32]


class RerankerUnavailableError(RuntimeError):
    """The model files are missing or unreadable: results keep their hybrid order."""


class Reranker:
    """(claim, passage) pairs → relevance logits. One per process (`get_reranker`)."""

    def __init__(
        self,
        model_path: Path,
        tokenizer_path: Path,
        *,
        threads: int = 0,
        weights: dict[int, float] | None = None,
    ) -> None:
        for path in (model_path, tokenizer_path):
            if not path.is_file():
                raise RerankerUnavailableError(
                    f"No reranker file at {path}. Rebuild it with `{REBUILD_HINT}`."
                )
        try:
            self.pairs = PairModel(
                model_path, tokenizer_path, max_tokens=MAX_TOKENS, threads=threads
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise RerankerUnavailableError(
                f"Cannot load the reranker {model_path} ({exc}). Rebuild it with `{REBUILD_HINT}`."
            ) from exc
        # Per top K, the weight of the reranker's logit against the hybrid score (1.0 = the
        # logit alone), chosen on dev in training; the nearest K's weight for other Ks.
        self.weights = weights or {}

    @classmethod
    def load(cls, model_path: Path = MODEL_PATH, *, threads: int = 0) -> Reranker:
        card_path = model_path.with_suffix("").with_suffix(".json")
        card = json.loads(card_path.read_text()) if card_path.is_file() else {}
        return cls(
            model_path,
            model_path.with_name(TOKENIZER_PATH.name),
            threads=threads,
            weights={int(k): float(w) for k, w in card.get("weights_by_top_k", {}).items()},
        )

    def weight_for(self, top_k: int) -> float:
        if not self.weights:
            return 1.0
        return self.weights[min(self.weights, key=lambda k: (abs(k - top_k), k))]

    def logits(self, claim: str, passages: Sequence[str], *, batch_size: int = 16) -> Logits:
        return self.pairs.run("logit", claim, passages, width=1, batch_size=batch_size)[:, 0]


@dataclass(frozen=True)
class Reranked:
    key: int
    score: float  # the hybrid (fused) score, unchanged
    rerank_score: float | None  # the reranker's logit; None below the top K


def _standardised(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 1e-12 else np.zeros_like(values)


def combine(
    hits: Sequence[tuple[int, float]], logits: Sequence[float], *, weight: float
) -> list[Reranked]:
    """The first len(logits) hits reordered by weight·z(logit) + (1 − weight)·z(hybrid score),
    the rest after them in their hybrid order. Ties keep the hybrid order."""
    top = len(logits)
    if not top:
        return [Reranked(key, score, None) for key, score in hits]
    fused = np.asarray([score for _, score in hits[:top]], dtype=np.float64)
    mixed = weight * _standardised(np.asarray(logits, dtype=np.float64)) + (
        1 - weight
    ) * _standardised(fused)
    order = sorted(range(top), key=lambda i: (-mixed[i], i))
    reranked = [Reranked(hits[i][0], hits[i][1], round(float(logits[i]), 4)) for i in order]
    return reranked + [Reranked(key, score, None) for key, score in hits[top:]]


def rerank(
    claim: str,
    hits: Sequence[tuple[int, float]],
    texts: dict[int, str],
    *,
    top_k: int,
    reranker: Reranker | None = None,
) -> list[Reranked]:
    """`hits` (best first) with their top `top_k` reordered by the reranker; the hybrid order
    unchanged when `top_k` is 0 or the model is unavailable. `texts` holds what is read for
    each passage (title and passage, as embedded)."""
    head = [hit for hit in hits[:top_k] if hit[0] in texts] if top_k > 0 else []
    if reranker is None and head:
        reranker = get_reranker()
    if reranker is None or not head:
        return [Reranked(key, score, None) for key, score in hits]
    heads = {key for key, _ in head}
    rest = [hit for hit in hits if hit[0] not in heads]
    logits = reranker.logits(claim, [texts[key] for key, _ in head])
    return combine(head + rest, logits.tolist(), weight=reranker.weight_for(top_k))


@cache
def get_reranker() -> Reranker | None:
    """The process's reranker, loaded on first use; None (logged once) when it cannot load."""
    try:
        return Reranker.load(MODEL_PATH, threads=conf().embedder_threads)
    except RerankerUnavailableError as exc:
        logger.warning("reranking off: %s", exc)
        return None
