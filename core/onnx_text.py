"""Running a BERT-style ONNX model on text with onnxruntime and a `tokenizers` tokenizer.

Shared by the sentence embedder (`library.evidence.embedder`) and the transformer
check-worthiness scorer (`claims.extraction.transformer`): both ship an int8 ONNX graph plus
its `tokenizer.json`, and neither process ever imports torch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnxruntime
from tokenizers import Encoding, Tokenizer

TokenIds = npt.NDArray[np.int64]


def load_tokenizer(path: Path, *, max_tokens: int) -> Tokenizer:
    """Truncating, never padding: batches are padded to their own longest text."""
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.no_padding()
    return tokenizer


def open_session(path: Path, *, threads: int) -> onnxruntime.InferenceSession:
    """CPU session; `threads` 0 lets onnxruntime use every core, 1 keeps a worker on its own."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def encode(tokenizer: Tokenizer, texts: Sequence[str]) -> list[Encoding]:
    # An empty string would encode to the special tokens only; a space keeps the shape regular.
    return tokenizer.encode_batch([text or " " for text in texts])


def length_batches(encodings: Sequence[Encoding], batch_size: int) -> Iterator[list[int]]:
    """Row indices grouped by token length, so padding stays short."""
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    for offset in range(0, len(order), batch_size):
        yield order[offset : offset + batch_size]


def model_inputs(encodings: Sequence[Encoding], input_names: set[str]) -> dict[str, TokenIds]:
    """Right-padded `input_ids` and `attention_mask` (plus `token_type_ids` if the graph takes
    them) for one batch. Segment ids are 0 for single texts and 1 for a pair's second text
    (the cross-encoder reranker's passage)."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
        types[row, : len(encoding.type_ids)] = encoding.type_ids
    feed: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in input_names:
        feed["token_type_ids"] = types
    return feed


class PairModel:
    """An int8 cross-encoder: (claim, passage) pairs in, one output row per pair. Shared by the
    reranker (one logit) and the stance model (three); sessions are locked per model, as a
    worker's threads share one."""

    def __init__(self, model_path: Path, tokenizer_path: Path, *, max_tokens: int, threads: int):
        self.tokenizer = load_tokenizer(tokenizer_path, max_tokens=max_tokens)
        self.session = open_session(model_path, threads=threads)
        self.input_names = {node.name for node in self.session.get_inputs()}
        self._lock = threading.Lock()

    def run(
        self, output: str, claim: str, passages: Sequence[str], *, width: int, batch_size: int = 16
    ) -> npt.NDArray[np.float32]:
        """`output` for each (claim, passage), shape (len(passages), width)."""
        out = np.zeros((len(passages), width), dtype=np.float32)
        if not passages:
            return out
        encodings = self.tokenizer.encode_batch([(claim or " ", p or " ") for p in passages])
        for rows in length_batches(encodings, batch_size):
            feed = model_inputs([encodings[i] for i in rows], self.input_names)
            with self._lock:
                (values,) = self.session.run([output], feed)
            out[rows] = np.asarray(values, dtype=np.float32).reshape(len(rows), width)
        return out
