"""Queue priority: a weighted blend of four signals, each in [0, 1].

- checkworthiness: the extraction model's score for the claim;
- recency: 1 for an article published now, halving every
  CLAIMDESK_PRIORITY_RECENCY_HALF_LIFE_H hours;
- reach: the larger of the outlet's and the speaker's reach (CLAIMDESK_OUTLET_REACH,
  CLAIMDESK_SPEAKER_REACH; unknown names count 0);
- trending: how many other claims with the same fingerprint arrived within
  CLAIMDESK_PRIORITY_TRENDING_WINDOW_H, saturating at CLAIMDESK_PRIORITY_TRENDING_SATURATION.

Weights are CLAIMDESK_PRIORITY_WEIGHTS. The value is computed when a claim enters the queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count

from claims.models import Article, Claim
from reviews.conf import conf


def _reach(table: dict[str, float], name: str) -> float:
    lowered = {key.casefold(): value for key, value in table.items()}
    return min(max(lowered.get(name.casefold(), 0.0), 0.0), 1.0) if name else 0.0


def recency(published: datetime, now: datetime) -> float:
    age_h = max((now - published).total_seconds() / 3600, 0.0)
    return float(0.5 ** (age_h / conf().priority_recency_half_life_h))


def trending_counts(fingerprints: Iterable[str], now: datetime) -> dict[str, int]:
    """Claims per fingerprint inside the trending window (one query for a whole article)."""
    since = now - timedelta(hours=conf().priority_trending_window_h)
    rows = (
        Claim.objects.filter(fingerprint__in=set(fingerprints), created_at__gte=since)
        .values("fingerprint")
        .annotate(n=Count("id"))
    )
    return {row["fingerprint"]: row["n"] for row in rows}


def claim_priority(
    *, claim: Claim, article: Article, now: datetime, same_fingerprint: int = 1
) -> float:
    """`same_fingerprint` counts the claim itself, so 1 means nobody else said it lately."""
    weights = conf().priority_weights
    saturation = max(conf().priority_trending_saturation, 1)
    signals = {
        "checkworthiness": min(max(claim.checkworthiness, 0.0), 1.0),
        "recency": recency(article.published_at or article.created_at, now),
        "reach": max(
            _reach(conf().outlet_reach, claim.outlet or article.outlet),
            _reach(conf().speaker_reach, claim.speaker),
        ),
        "trending": min(max(same_fingerprint - 1, 0) / saturation, 1.0),
    }
    return round(float(sum(weights.get(name, 0.0) * value for name, value in signals.items())), 6)
