"""Judging gathered candidates: which bear on the claim, and which stance to show.

Every candidate, whatever its provider, gets a calibrated relevance (library.evidence.relevance);
those at or above the threshold are listed, the others kept for a collapsed "low relevance"
list. Only listed passages get a stance hint, and only when the stance model's confidence
reached that label's calibrated threshold (library.evidence.stance). When the claim cannot be
judged (a model file missing or unreadable, a script no model covers) the candidates are kept
unscored and the outcome says why: the claim still goes on to the queue.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from library.conf import conf
from library.evidence.base import EvidenceCandidate
from library.evidence.dense import passage_vectors
from library.evidence.embedder import EmbedderUnavailableError, Vectors, get_embedder
from library.evidence.relevance import (
    RelevanceUnavailableError,
    get_relevance_model,
    score_relevance,
)
from library.evidence.stance import StanceUnavailableError, get_stance_model
from library.services.indexing import passage_embedding_text

logger = logging.getLogger(__name__)

# Outcomes (claims.models.Claim.EvidenceState has the same values).
RELEVANT, NONE_RELEVANT, UNAVAILABLE = "relevant", "none", "unavailable"
# A claim with more than a third of its word pieces unknown to the embedding model's vocabulary
# is in a script it was not trained on (Ethiopic 0.86, Thai 0.5, Chinese 0.44; Arabic, Hindi,
# Cyrillic, accented Latin 0–0.06): its vectors, and any relevance from them, would be noise.
MAX_UNKNOWN_SHARE = 1 / 3
MODEL_MISSING = "model missing"
SCRIPT_NOT_COVERED = "no model covers this claim's script"
STANCE_OFF = "stance hints off: model missing"


@dataclass(frozen=True)
class Judgement:
    candidates: list[EvidenceCandidate]
    outcome: str  # RELEVANT, NONE_RELEVANT or UNAVAILABLE
    problems: list[str]  # what stopped judging or hints (shown on the claim page)


def judge(
    claim_text: str, candidates: Sequence[EvidenceCandidate], *, claim_vector: Vectors | None
) -> Judgement:
    """Score, gate and hint `candidates` for the claim (`claim_vector`: its embedding, if at
    hand)."""
    unscored = [replace(c, relevance=None, relevant=False) for c in candidates]
    try:
        if get_embedder().unknown_share(claim_text) > MAX_UNKNOWN_SHARE:
            return Judgement(unscored, UNAVAILABLE, [SCRIPT_NOT_COVERED])
        relevance = score_relevance(
            claim_text,
            claim_vector,
            [passage_embedding_text(c.title, c.snippet) for c in candidates],
            _stored_vectors(candidates),
        )
        threshold = conf().relevance_threshold
        if threshold is None:
            threshold = get_relevance_model().threshold
    except (RelevanceUnavailableError, EmbedderUnavailableError) as exc:
        logger.error("evidence unavailable: %s", exc)
        return Judgement(unscored, UNAVAILABLE, [f"{MODEL_MISSING} ({exc.__class__.__name__})"])
    scored = [
        replace(c, relevance=r, relevant=r >= threshold)
        for c, r in zip(candidates, relevance, strict=True)
    ]
    hinted, problems = _with_stance_hints(claim_text, scored)
    outcome = RELEVANT if any(c.relevant for c in hinted) else NONE_RELEVANT
    return Judgement(hinted, outcome, problems)


def _stored_vectors(candidates: Sequence[EvidenceCandidate]) -> dict[int, Vectors]:
    """Library passages' vectors as the library embedded them (title + passage), by the
    candidate's position: one query instead of embedding them again."""
    positions = {c.passage_id: i for i, c in enumerate(candidates) if c.passage_id is not None}
    stored = passage_vectors(list(positions))
    return {positions[pid]: vector for pid, vector in stored.items()}


def _with_stance_hints(
    claim_text: str, candidates: list[EvidenceCandidate]
) -> tuple[list[EvidenceCandidate], list[str]]:
    """A stance hint on listed passages (not on earlier fact-checks: their rating says more)."""
    wanted = [i for i, c in enumerate(candidates) if c.relevant and c.snippet and not c.rating]
    cleared = [replace(c, stance="", stance_confidence=None) for c in candidates]
    if not wanted:
        return cleared, []
    try:
        hints = get_stance_model().predict(claim_text, [candidates[i].snippet for i in wanted])
    except StanceUnavailableError as exc:
        logger.error("stance hints off: %s", exc)
        return cleared, [STANCE_OFF]
    for i, hint in zip(wanted, hints, strict=True):
        cleared[i] = replace(cleared[i], stance=hint.stance, stance_confidence=hint.confidence)
    return cleared, []
