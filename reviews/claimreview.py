"""schema.org ClaimReview for a published claim: the API, the feed and the public page all
embed this one dict (Google's Fact Check Explorer and Data Commons read it)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.urls import reverse
from django.utils.text import slugify

from claims.models import Claim
from reviews.conf import conf
from reviews.models import ReviewItem
from reviews.public_urls import public_base_url


@lru_cache(maxsize=1)
def _path_template() -> str:
    # Reversed once: the API writes this URL for every claim of every page.
    return str(reverse("fact-check", kwargs={"claim_id": 1234567890, "slug": "slug"}))


def fact_check_path_for(claim_id: int, text: str) -> str:
    slug = slugify(text)[:80].strip("-") or "claim"
    return _path_template().replace("1234567890-slug", f"{claim_id}-{slug}")


def fact_check_path(item: ReviewItem) -> str:
    return fact_check_path_for(item.claim_id, item.claim.text)


def fact_check_url_for(claim_id: int, text: str, *, base: str | None = None) -> str:
    """`base`: public_base_url(request), computed once by the caller; None: without a request."""
    return (public_base_url() if base is None else base) + fact_check_path_for(claim_id, text)


def fact_check_url(item: ReviewItem, *, base: str | None = None) -> str:
    return fact_check_url_for(item.claim_id, item.claim.text, base=base)


def _organisation() -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "Organization", "name": conf().organization_name}
    if conf().organization_url:
        org["url"] = conf().organization_url
    return org


_AUTHOR_TYPES = {
    Claim.SpeakerKind.PERSON: "Person",
    Claim.SpeakerKind.ORGANIZATION: "Organization",
}


def _claim_author(speaker: str, kind: str, *, outlet: str) -> dict[str, Any] | None:
    """Who made the claim: a Person or an Organization as attribution found; nobody when the
    kind is unknown (an unnamed "spokesman" is no one to credit, and a study is a source,
    not an author). A claim with no speaker is the outlet's own statement."""
    if speaker:
        schema_type = _AUTHOR_TYPES.get(Claim.SpeakerKind(kind))
        return None if schema_type is None else {"@type": schema_type, "name": speaker}
    if outlet:
        return {"@type": "Organization", "name": outlet}
    return None


def claimreview(item: ReviewItem, *, base: str | None = None) -> dict[str, Any]:
    """The item must be published, with claim, article and verdict loaded. `base`: as for
    fact_check_url_for."""
    claim, article, verdict = item.claim, item.claim.article, item.verdict
    if verdict is None:
        raise ValueError("Only claims with a verdict have a ClaimReview.")
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": verdict.name}
    if verdict.rating_value is not None:
        rating |= {
            "ratingValue": verdict.rating_value,
            "bestRating": conf().rating_best,
            "worstRating": conf().rating_worst,
        }
    claimed_on = (article.published_at or claim.created_at).date().isoformat()
    reviewed: dict[str, Any] = {"@type": "Claim", "datePublished": claimed_on}
    author = _claim_author(claim.speaker, claim.speaker_kind, outlet=article.outlet)
    if author is not None:
        reviewed["author"] = author
    if article.source_url:
        reviewed["appearance"] = {"@type": "CreativeWork", "url": article.source_url}
        if article.title:
            reviewed["appearance"]["headline"] = article.title
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": fact_check_url(item, base=base),
        "claimReviewed": claim.text,
        "itemReviewed": reviewed,
        "reviewRating": rating,
        "author": _organisation(),
        "datePublished": (item.published_at or item.updated_at).date().isoformat(),
        "inLanguage": article.language or "en",
    }
    if item.explanation:
        review["reviewBody"] = item.explanation
    return review
