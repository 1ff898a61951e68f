"""The transformer check-worthiness scorer: fine-tuned all-MiniLM-L6-v2, int8 ONNX.

Built by `manage.py train_checkworthiness --backend transformer` (`lab.transformer_training`,
the only place torch is used); the service runs it on onnxruntime with the `tokenizers`
package. The graph outputs one logit per sentence. The card's `threshold_logit` (chosen on
dev) is subtracted before the sigmoid, so a score of 0.5 is the dev-chosen operating point
and `CLAIMDESK_CHECKWORTHY_THRESHOLD` means the same for every backend.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.ml import file_version
from core.onnx_text import encode, length_batches, load_tokenizer, model_inputs, open_session

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODEL_DIR / "checkworthiness-minilm.int8.onnx"
TOKENIZER_PATH = MODEL_DIR / "checkworthiness-minilm.tokenizer.json"
CARD_PATH = MODEL_DIR / "checkworthiness-minilm.json"
# Debate sentences rarely run past 64 word pieces; longer ones are cut (as in training).
MAX_TOKENS = 96
REBUILD_HINT = "python manage.py train_checkworthiness --backend transformer"


class TransformerCheckworthiness:
    """Scores sentences in [0, 1] with the fine-tuned transformer; thread-safe for reads."""

    def __init__(
        self,
        model_path: Path = MODEL_PATH,
        tokenizer_path: Path = TOKENIZER_PATH,
        *,
        threshold_logit: float | None = None,
        threads: int = 1,
    ) -> None:
        for path in (model_path, tokenizer_path):
            if not path.is_file():
                raise FileNotFoundError(
                    f"No model file at {path}. Rebuild it with `{REBUILD_HINT}`."
                )
        if threshold_logit is None:
            card_path = model_path.with_name(CARD_PATH.name)
            card: dict[str, Any] = json.loads(card_path.read_text()) if card_path.is_file() else {}
            threshold_logit = float(card.get("threshold_logit", 0.0))
        self.threshold_logit = threshold_logit
        self.tokenizer = load_tokenizer(tokenizer_path, max_tokens=MAX_TOKENS)
        self.session = open_session(model_path, threads=threads)
        self.input_names = {node.name for node in self.session.get_inputs()}
        self.version = file_version("minilm-l6-ft-int8", model_path)
        self._lock = threading.Lock()

    def logits(
        self, sentences: Sequence[str], *, batch_size: int = 1
    ) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The graph's raw logits, before the operating-point shift.

        One sentence per run by default: dynamic int8 quantisation scales activations per
        batch, padding included, so in a batch a logit moved by up to 0.47 with its batch
        mates (dev, measured), enough to flip decisions near the threshold. Alone, a sentence
        scores the same in every article, at 742 sentences/s against 801 in batches of 32
        (dev, one core)."""
        out = np.zeros(len(sentences), dtype=np.float64)
        if not sentences:
            return out
        encodings = encode(self.tokenizer, sentences)
        for rows in length_batches(encodings, batch_size):
            feed = model_inputs([encodings[i] for i in rows], self.input_names)
            with self._lock:
                (logits,) = self.session.run(["logit"], feed)
            out[rows] = np.asarray(logits, dtype=np.float64).reshape(-1)
        return out

    def score(self, sentences: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        scores: np.ndarray[Any, np.dtype[np.float64]] = 1.0 / (
            1.0 + np.exp(-(self.logits(sentences) - self.threshold_logit))
        )
        return scores

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> TransformerCheckworthiness:
        return cls(path, path.with_name(TOKENIZER_PATH.name))
