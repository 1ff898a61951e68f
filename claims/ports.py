"""What the pipeline needs from the review app, as typed ports the review app plugs into.

Dependencies run one way: claims never imports reviews. Instead, `ReviewsConfig.ready()`
registers its implementations here, and claims calls them through `get_review_handoff()` and
`get_match_candidates()`. mypy checks both sides against the Protocols below.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from claims.models import Claim
from claims.selectors import claims_with_evidence


class ReviewHandoff(Protocol):
    """Put a ready article's claims in the review queue (idempotent). It is called inside the
    transaction that marks the article ready, so "ready" always means "queued"."""

    def __call__(self, *, article_id: int) -> object: ...


class MatchCandidates(Protocol):
    """The claims a new claim may match: those that already count as known (reviewed)."""

    def __call__(self) -> QuerySet[Claim]: ...


_review_handoff: ReviewHandoff | None = None
# Without a review app, claims whose evidence is gathered are the known ones.
_match_candidates: MatchCandidates = claims_with_evidence


def register_review_handoff(handoff: ReviewHandoff) -> None:
    global _review_handoff
    _review_handoff = handoff


def register_match_candidates(candidates: MatchCandidates) -> None:
    global _match_candidates
    _match_candidates = candidates


def get_review_handoff() -> ReviewHandoff:
    """The registered hand-off. There is no default: an article marked ready but queued nowhere
    would be lost without a trace, so a missing hand-off is a configuration error, loudly."""
    if _review_handoff is None:
        raise ImproperlyConfigured(
            "No review hand-off is registered (claims.ports.register_review_handoff): "
            "is the reviews app in INSTALLED_APPS?"
        )
    return _review_handoff


def get_match_candidates() -> MatchCandidates:
    return _match_candidates


@contextmanager
def ports_replaced(
    *,
    review_handoff: ReviewHandoff | None = None,
    match_candidates: MatchCandidates | None = None,
) -> Iterator[None]:
    """Swap ports for the duration of a block (tests); the ones given only."""
    global _review_handoff, _match_candidates
    saved = (_review_handoff, _match_candidates)
    if review_handoff is not None:
        _review_handoff = review_handoff
    if match_candidates is not None:
        _match_candidates = match_candidates
    try:
        yield
    finally:
        _review_handoff, _match_candidates = saved
