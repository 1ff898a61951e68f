"""Sentence embeddings for dense retrieval and claim matching: all-MiniLM-L6-v2 on ONNX Runtime.

The model ships in the repository as an int8 ONNX graph plus its tokenizer (built once by
`python -m lab.embedder_build`, which is the only place torch is used), so a
worker needs neither torch nor a network. Pooling and normalisation follow
sentence-transformers: the mean of the token vectors under the attention mask, scaled to unit
length, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
from tokenizers import Encoding

from core.onnx_text import encode, length_batches, load_tokenizer, model_inputs, open_session
from library.conf import conf

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODEL_DIR / "minilm-l6-v2.int8.onnx"
TOKENIZER_PATH = MODEL_DIR / "minilm-l6-v2.tokenizer.json"
CARD_PATH = MODEL_DIR / "minilm-l6-v2.json"
DIMENSIONS = 384
# sentence-transformers' max_seq_length for this model: longer inputs are truncated.
MAX_TOKENS = 256
UNKNOWN_PIECE = "[UNK]"  # what BERT's WordPiece vocabulary calls a piece it does not know
REBUILD_HINT = "python -m lab.embedder_build (README, 'Dense retrieval')"

Vectors = npt.NDArray[np.float32]


class TextEmbedder(Protocol):
    """What indexing and evaluation need of a model: its version and texts → unit vectors."""

    version: str

    def embed(self, texts: Sequence[str], *, batch_size: int = ...) -> Vectors: ...


class EmbedderUnavailableError(RuntimeError):
    """The model files are missing or unreadable: dense search is off until they are rebuilt."""


class Embedder:
    """Texts → unit vectors. One per process (see `get_embedder`); thread-safe for reads."""

    def __init__(self, model_path: Path, tokenizer_path: Path, *, threads: int = 0) -> None:
        for path in (model_path, tokenizer_path):
            if not path.is_file():
                raise EmbedderUnavailableError(
                    f"No embedding model file at {path}. Rebuild it with `{REBUILD_HINT}`."
                )
        self.tokenizer = load_tokenizer(tokenizer_path, max_tokens=MAX_TOKENS)
        try:
            self.session = open_session(model_path, threads=threads)
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise EmbedderUnavailableError(
                f"Cannot load the embedding model {model_path} ({exc}). "
                f"Rebuild it with `{REBUILD_HINT}`."
            ) from exc
        self.input_names = {node.name for node in self.session.get_inputs()}
        card_path = model_path.with_name(CARD_PATH.name)
        card = json.loads(card_path.read_text()) if card_path.is_file() else {}
        self.version: str = card.get("version", model_path.name)
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], *, batch_size: int = 8) -> Vectors:
        """Unit vectors, one row per text. Texts are batched by length so padding stays short."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = encode(self.tokenizer, texts)
        for rows in length_batches(encodings, batch_size):
            out[rows] = self._run([encodings[i] for i in rows])
        return out

    def unknown_share(self, text: str) -> float:
        """The share of the text's word pieces the vocabulary does not know (0 for no text):
        near 1 for a script the model was not trained on, whose vectors would be noise."""
        encoding = self.tokenizer.encode(text)  # truncated: the first MAX_TOKENS pieces
        pieces = [
            token
            for token, special in zip(encoding.tokens, encoding.special_tokens_mask, strict=True)
            if not special
        ]
        return sum(piece == UNKNOWN_PIECE for piece in pieces) / len(pieces) if pieces else 0.0

    def _run(self, encodings: list[Encoding]) -> Vectors:
        feed = model_inputs(encodings, self.input_names)
        with self._lock:
            (tokens,) = self.session.run(["last_hidden_state"], feed)
        return mean_pool_normalise(np.asarray(tokens, dtype=np.float32), feed["attention_mask"])


def mean_pool_normalise(tokens: Vectors, mask: npt.NDArray[np.int64]) -> Vectors:
    weights = mask[:, :, None].astype(np.float32)
    pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
    return unit


@cache
def model_version() -> str:
    """The shipped model's version (from its card) without loading the model: stored next to
    every vector, so vectors from another model are never compared with this one's."""
    if not CARD_PATH.is_file():
        raise EmbedderUnavailableError(
            f"No embedding model card at {CARD_PATH}. Rebuild it with `{REBUILD_HINT}`."
        )
    return str(json.loads(CARD_PATH.read_text())["version"])


@cache
def get_embedder() -> Embedder:
    """The process's embedder, loaded on first use (never at import time of a web module)."""
    return Embedder(MODEL_PATH, TOKENIZER_PATH, threads=conf().embedder_threads)


def to_bytes(vector: npt.NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes | memoryview) -> Vectors:
    return np.frombuffer(bytes(blob), dtype="<f4")
