"""A static embedding model, measured as a way to index the source library at speed: model2vec
distilled from the same all-MiniLM-L6-v2 (`python -m lab.static_embedder_build`, offline, torch
in a separate virtualenv). It lives in the lab, not the runtime: on SciFact train it ranks far
below the transformer (README, "Indexing at speed"), so the product does not use it.

A text's vector is the mean of its word pieces' stored vectors, scaled to unit length: no
network, no attention, numpy and `tokenizers` only, so it embeds thousands of passages per
second on one core where the transformer embeds tens. Its files (a float16 matrix, `.npy`, one row
per word piece, the tokenizer and a card) are built into var/static-embedder/, not committed.
Its vectors live in their own space: never compare them with MiniLM's (the model version
stored beside every vector keeps them apart).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from library.evidence.embedder import EmbedderUnavailableError, Vectors

MODEL_DIR = Path(__file__).resolve().parents[1] / "var" / "static-embedder"
STATIC_MATRIX_PATH = MODEL_DIR / "minilm-l6-v2.static.npy"
STATIC_TOKENIZER_PATH = MODEL_DIR / "minilm-l6-v2.static.tokenizer.json"
STATIC_CARD_PATH = MODEL_DIR / "minilm-l6-v2.static.json"
STATIC_MAX_TOKENS = 512  # model2vec's default: longer texts are truncated
STATIC_REBUILD_HINT = "python -m lab.static_embedder_build (README, 'Indexing at speed')"


class StaticEmbedder:
    """Texts → unit vectors by averaging word-piece vectors. Thread-safe (read-only arrays)."""

    def __init__(self, matrix_path: Path, tokenizer_path: Path, card_path: Path) -> None:
        for path in (matrix_path, tokenizer_path, card_path):
            if not path.is_file():
                raise EmbedderUnavailableError(
                    f"No static embedding model file at {path}. "
                    f"Rebuild it with `{STATIC_REBUILD_HINT}`."
                )
        try:
            matrix = np.load(matrix_path, allow_pickle=False)
            tokenizer = Tokenizer.from_file(str(tokenizer_path))
            card = json.loads(card_path.read_text())
        except Exception as exc:  # numpy, tokenizers and json raise their own errors
            raise EmbedderUnavailableError(
                f"Cannot load the static embedding model ({exc}). "
                f"Rebuild it with `{STATIC_REBUILD_HINT}`."
            ) from exc
        if matrix.ndim != 2 or matrix.shape[0] < tokenizer.get_vocab_size():
            raise EmbedderUnavailableError(
                f"{matrix_path}: expected one row per word piece "
                f"({tokenizer.get_vocab_size()}), got {matrix.shape}. "
                f"Rebuild it with `{STATIC_REBUILD_HINT}`."
            )
        self.matrix = np.asarray(matrix, dtype=np.float32)
        tokenizer.enable_truncation(STATIC_MAX_TOKENS)
        tokenizer.no_padding()
        self.tokenizer = tokenizer
        unknown = tokenizer.token_to_id(str(card.get("unk_token", "[UNK]")))
        self.unknown_id = -1 if unknown is None else unknown
        self.version: str = str(card["version"])
        self.dimensions = int(matrix.shape[1])

    def embed(self, texts: Sequence[str], *, batch_size: int = 0) -> Vectors:
        """Unit vectors, one row per text (a text of unknown pieces only gets zeros).
        `batch_size` is accepted for the transformer's signature and ignored."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch_fast(list(texts), add_special_tokens=False)
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        ids = [row[row != self.unknown_id] for row in ids]
        lengths = np.array([len(row) for row in ids])
        filled = np.flatnonzero(lengths)
        if not len(filled):
            return out
        flat = np.concatenate([ids[i] for i in filled])
        starts = np.concatenate(([0], np.cumsum(lengths[filled])[:-1]))
        sums = np.add.reduceat(self.matrix[flat], starts, axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        out[filled] = sums / np.clip(norms, 1e-12, None)
        return out


@cache
def static_model_version() -> str:
    """The shipped static model's version, read from its card without loading the matrix."""
    if not STATIC_CARD_PATH.is_file():
        raise EmbedderUnavailableError(
            f"No static embedding model card at {STATIC_CARD_PATH}. "
            f"Rebuild it with `{STATIC_REBUILD_HINT}`."
        )
    return str(json.loads(STATIC_CARD_PATH.read_text())["version"])


@cache
def get_static_embedder() -> StaticEmbedder:
    """The process's static embedder, loaded on first use."""
    return StaticEmbedder(STATIC_MATRIX_PATH, STATIC_TOKENIZER_PATH, STATIC_CARD_PATH)
