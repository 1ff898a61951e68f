"""Reads for the public pages (no login): only published claims with a verdict, ever."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from reviews import selectors
from reviews.models import Activity, ReviewItem


def published_fact_checks(*, q: str = "") -> QuerySet[ReviewItem]:
    """Newest first; `q` matches the claim, the speaker, the outlet or the explanation."""
    items = (
        selectors.api_claims(include_internal=False)
        .filter(verdict__isnull=False)
        .prefetch_related(None)  # the index shows no tags or citations
        .order_by("-published_at", "-id")
    )
    q = q.strip()
    if q:
        items = items.filter(
            Q(claim__text__icontains=q)
            | Q(claim__speaker__icontains=q)
            | Q(claim__article__outlet__icontains=q)
            | Q(explanation__icontains=q)
        )
    return items


@dataclass(frozen=True)
class Correction:
    """A republication after the claim was reopened (the feed's claim.updated event)."""

    at: datetime
    verdict_before: str | None  # set when the verdict differs from the one last published
    verdict_after: str | None


def fact_check_corrections(*, claim_id: int) -> list[Correction]:
    """Every republication, oldest first, from the activity log: it also says whether the
    verdict readers saw changed (the changes feed records only that something did)."""
    corrections: list[Correction] = []
    verdict: str | None = None
    published_verdict: str | None = None
    published_before = False
    for verb, changes, at in (
        Activity.objects.filter(claim_id=claim_id)
        .order_by("created_at", "id")
        .values_list("verb", "changes", "created_at")
    ):
        if isinstance(changes, dict) and "verdict" in changes:
            verdict = changes["verdict"][1]
        if verb != "published":
            continue
        if published_before:
            changed = verdict != published_verdict
            corrections.append(
                Correction(
                    at=at,
                    verdict_before=published_verdict if changed else None,
                    verdict_after=verdict if changed else None,
                )
            )
        published_before, published_verdict = True, verdict
    return corrections
