"""Claim extraction: article text → scored sentences. `get_extractor()` is the one entry point."""

from claims.extraction.engine import ClaimEngine, ClaimExtractor, ScoredSentence, get_extractor

__all__ = ["ClaimEngine", "ClaimExtractor", "ScoredSentence", "get_extractor"]
