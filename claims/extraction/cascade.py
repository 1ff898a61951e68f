"""The check-worthiness cascade: the linear model scores every sentence; the transformer
re-scores only those whose linear score falls in a band around the threshold.

Far from the threshold the cheap model's decision rarely changes with a second opinion, so
the transformer (about 30 times slower) is spent where it can flip a decision. Inside the
band the score is `(1 - weight) * linear + weight * transformer`. The band and the weight
are chosen on dev when the transformer is trained (`lab.transformer_training.tune_cascade`)
and read from the transformer's card.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from claims.extraction.transformer import CARD_PATH

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


class SentenceScorer(Protocol):
    version: str

    def score(self, sentences: Sequence[str]) -> FloatArray: ...


@dataclass(frozen=True)
class CascadeConfig:
    low: float  # linear scores in [low, high] go to the transformer
    high: float
    weight: float  # the transformer's share of the combined score (1.0: replace)

    @classmethod
    def from_card(cls, path: Path = CARD_PATH) -> CascadeConfig:
        cascade = json.loads(path.read_text())["cascade"]
        return cls(low=cascade["low"], high=cascade["high"], weight=cascade["weight"])


def in_band(linear: FloatArray, config: CascadeConfig) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return (linear >= config.low) & (linear <= config.high)


def cascade_scores(
    linear: FloatArray, transformer: FloatArray, config: CascadeConfig
) -> FloatArray:
    """Both arrays score the same sentences; only the band's entries of `transformer` are
    read (the others may be anything, e.g. zeros when they were never computed)."""
    combined = (1.0 - config.weight) * linear + config.weight * transformer
    return np.where(in_band(linear, config), combined, linear)


class CascadeModel:
    """A linear scorer (any object with `score` and `version`, such as
    `CheckworthinessModel`) backed by a transformer scorer inside the band."""

    def __init__(
        self,
        linear: SentenceScorer,
        transformer: SentenceScorer,
        config: CascadeConfig,
    ) -> None:
        self.linear = linear
        self.transformer = transformer
        self.config = config
        self.version = f"cascade({linear.version}+{transformer.version})"

    def score(self, sentences: Sequence[str]) -> FloatArray:
        linear = self.linear.score(sentences)
        rescore = np.flatnonzero(in_band(linear, self.config))
        transformer = np.zeros_like(linear)
        if rescore.size:
            transformer[rescore] = self.transformer.score([sentences[i] for i in rescore.tolist()])
        return cascade_scores(linear, transformer, self.config)
