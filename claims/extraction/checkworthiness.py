"""The check-worthiness model: is this sentence a factual claim worth checking?

A linear model over word (1–3) and character (2–5) n-grams, trained on the CheckThat! 2024
English training set (ClaimBuster). It was chosen over sentence-embedding models by the
evaluation in the README ("Check-worthiness model"): it scores within a point of them on dev,
is more than a hundred times faster on one CPU core, and needs no ML runtime beyond
scikit-learn. The artifact is saved with skops (no pickle) next to a JSON card that records
how it was trained and how it scored.

Training and evaluation live in `lab.checkworthiness` (`manage.py train_checkworthiness`,
`evaluate_checkworthiness`); this module only loads and applies the shipped model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from core.ml import load_model, load_model_bytes

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODEL_DIR / "checkworthiness.skops"
CARD_PATH = MODEL_DIR / "checkworthiness.json"
# The version name of the shipped file: what scores while no retrained version is active.
SHIPPED_VERSION = "shipped"


class CheckworthinessModel:
    """Scores sentences in [0, 1]; `threshold` is where a sentence becomes a claim.

    `version` names it on the claims it scores: SHIPPED_VERSION, or a retrained version's name
    (claims.models.CheckworthinessModelVersion)."""

    def __init__(self, pipeline: Pipeline, *, version: str = SHIPPED_VERSION) -> None:
        self.pipeline = pipeline
        self.version = version

    def score(self, sentences: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        if not sentences:
            return np.zeros(0)
        return np.asarray(self.pipeline.predict_proba(list(sentences))[:, 1], dtype=np.float64)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> CheckworthinessModel:
        return cls(load_model(path, rebuild_hint="python manage.py train_checkworthiness"))

    @classmethod
    def from_bytes(cls, data: bytes, *, version: str) -> CheckworthinessModel:
        return cls(load_model_bytes(data, name=f"model version {version}"), version=version)
