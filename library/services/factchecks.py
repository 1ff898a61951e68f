"""Importing published fact-checks (ClaimReview) into the "checked before" library."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from core.errors import ApplicationError
from core.text import looks_like_html
from library.evidence.claimreview import (
    ParsedClaimReview,
    claimreviews_from_feed,
    claimreviews_from_html,
)
from library.models import FactCheck


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


@transaction.atomic
def factchecks_import(*, reviews: list[ParsedClaimReview]) -> ImportResult:
    """Upsert by URL: importing the same page or feed twice changes nothing."""
    created = updated = 0
    for review in reviews:
        fields = {
            "claim_reviewed": review.claim_reviewed,
            "rating": review.rating,
            "publisher": review.publisher,
            "published_at": review.published_at,
            "language": review.language,
            "claimant": review.claimant,
            "appearance_url": review.appearance_url
            if review.appearance_url.startswith(("http://", "https://"))
            else "",
            "raw": review.raw,
        }
        _, was_created = FactCheck.objects.update_or_create(url=review.url, defaults=fields)
        created += was_created
        updated += not was_created
    return ImportResult(created=created, updated=updated)


def claimreviews_from_document(text: str) -> list[ParsedClaimReview]:
    """A fact-checker's page (JSON-LD inside HTML) or a feed (JSON / JSON lines)."""
    if looks_like_html(text):
        return claimreviews_from_html(text)
    try:
        return claimreviews_from_feed(text)
    except ValueError as exc:
        raise ApplicationError(
            f"Not a ClaimReview page or feed: {exc}", code="invalid_feed"
        ) from exc
