"""Relevance: the probability that an evidence item bears on the claim, calibrated.

Provider scores cannot say "nothing here is relevant": reciprocal-rank fusion gives the best of
five off-topic passages the same score as the best of five on-topic ones, and every provider
has its own scale. So every candidate, whatever its provider, is scored on the same two
signals, and a logistic model trained on SciFact's train claims (their cited abstracts are the
relevant items, the other top hybrid hits are not) turns them into a probability:

- `cosine`: the claim's and the item's sentence embeddings (the item as the library embeds a
  passage: title + text), so a paraphrase counts;
- `term_coverage`: the share of the claim's informative words (first six letters, so
  "vaccines" meets "vaccinated") the item contains, so a passage on the same topic that does
  not mention the claim's specifics counts less;

and their product. How the scores were calibrated, the threshold and the reliability table are
in the model card (`relevance.json`, built by `manage.py train_relevance`, README "Evidence
relevance"). Items at or above the threshold are listed as evidence; the others go into a
collapsed "low relevance" list.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from library.evidence.embedder import MODEL_DIR, EmbedderUnavailableError, Vectors, get_embedder
from library.evidence.terms import TOKEN, query_terms

MODEL_PATH = MODEL_DIR / "relevance.json"
REBUILD_HINT = "python manage.py train_relevance (README, 'Evidence relevance')"
FEATURES = ("cosine", "term_coverage", "cosine_x_coverage")
_STEM = 6  # letters compared per word
_CLAIM_TERMS = 32

Matrix = npt.NDArray[np.float64]


class RelevanceUnavailableError(RuntimeError):
    """A model needed to score relevance is missing or unreadable."""


@dataclass(frozen=True)
class RelevanceModel:
    """Logistic scores, then (method "isotonic") a monotone map fitted on held-in data."""

    coefficients: tuple[float, ...]
    intercept: float
    threshold: float
    method: str = "platt"
    isotonic_x: tuple[float, ...] = ()
    isotonic_y: tuple[float, ...] = ()
    version: str = ""

    def probabilities(self, features: Matrix) -> Vectors:
        logits = features @ np.asarray(self.coefficients, dtype=np.float64) + self.intercept
        platt = 1.0 / (1.0 + np.exp(-logits))
        if self.method == "isotonic":
            platt = np.interp(platt, self.isotonic_x, self.isotonic_y)
        return np.asarray(platt, dtype=np.float32)

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "method": self.method,
            "isotonic_x": list(self.isotonic_x),
            "isotonic_y": list(self.isotonic_y),
        }

    @classmethod
    def load(cls, path: Path) -> RelevanceModel:
        try:
            card = json.loads(path.read_text(encoding="utf-8"))
            model = card["model"]
            if tuple(model["features"]) != FEATURES:
                raise ValueError(f"features {model['features']} are not {list(FEATURES)}")
            return cls(
                coefficients=tuple(float(c) for c in model["coefficients"]),
                intercept=float(model["intercept"]),
                threshold=float(model["threshold"]),
                method=str(model.get("method", "platt")),
                isotonic_x=tuple(float(x) for x in model.get("isotonic_x", ())),
                isotonic_y=tuple(float(y) for y in model.get("isotonic_y", ())),
                version=str(card.get("version", path.name)),
            )
        except FileNotFoundError as exc:
            raise RelevanceUnavailableError(
                f"No relevance model at {path}. Rebuild it with `{REBUILD_HINT}`."
            ) from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RelevanceUnavailableError(
                f"Cannot read the relevance model {path} ({exc}). Rebuild it with `{REBUILD_HINT}`."
            ) from exc


def _stems(text: str) -> set[str]:
    return {token[:_STEM] for token in TOKEN.findall(text.lower())}


def term_coverage(claim_text: str, item_text: str) -> float:
    """The share of the claim's informative words found in the item (0 when it has none)."""
    terms = {term[:_STEM] for term in query_terms(claim_text, max_terms=_CLAIM_TERMS)}
    return len(terms & _stems(item_text)) / len(terms) if terms else 0.0


def pair_features(
    claim_text: str, claim_vector: Vectors, item_texts: Sequence[str], item_vectors: Vectors
) -> Matrix:
    """One row of FEATURES per item. Vectors are unit length, so a dot product is the cosine."""
    cosine = item_vectors.astype(np.float64) @ claim_vector.astype(np.float64)
    coverage = np.array([term_coverage(claim_text, text) for text in item_texts])
    return np.column_stack([cosine, coverage, cosine * coverage])


@cache
def get_relevance_model() -> RelevanceModel:
    return RelevanceModel.load(MODEL_PATH)  # the module's path, read now (tests move it)


def score_relevance(
    claim_text: str,
    claim_vector: Vectors | None,
    item_texts: Sequence[str],
    known_vectors: dict[int, Vectors] | None = None,
) -> list[float]:
    """The calibrated relevance of each item to the claim. `known_vectors` maps an item's
    position to a vector already at hand (a library passage's stored one); the rest are
    embedded here. Raises RelevanceUnavailableError when a model is missing."""
    if not item_texts:
        return []
    model = get_relevance_model()
    known = known_vectors or {}
    try:
        embedder = get_embedder()
        if claim_vector is None:
            claim_vector = embedder.embed([claim_text])[0]
        missing = [i for i in range(len(item_texts)) if i not in known]
        embedded = embedder.embed([item_texts[i] for i in missing])
    except EmbedderUnavailableError as exc:
        raise RelevanceUnavailableError(str(exc)) from exc
    vectors = np.zeros((len(item_texts), claim_vector.shape[0]), dtype=np.float32)
    for position, vector in known.items():
        vectors[position] = vector
    for row, position in enumerate(missing):
        vectors[position] = embedded[row]
    features = pair_features(claim_text, claim_vector, item_texts, vectors)
    return [round(float(p), 4) for p in model.probabilities(features)]
