"""Reads for the review queue and the claim page."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from claims.models import Evidence
from reviews.models import Activity, ReviewItem


def queue_items(*, status_slug: str | None = None) -> QuerySet[ReviewItem]:
    """Claims in the queue, most urgent first, with what the list shows in one query."""
    items = ReviewItem.objects.select_related(
        "claim", "claim__article", "status", "verdict", "assignee"
    ).order_by("-priority", "id")
    if status_slug:
        items = items.filter(status__slug=status_slug)
    return items


def review_item_detail(*, item_id: int) -> ReviewItem | None:
    return (
        ReviewItem.objects.select_related(
            "claim", "claim__article", "status", "verdict", "assignee"
        )
        .prefetch_related(
            Prefetch("claim__evidence", queryset=Evidence.objects.order_by("-score", "id")),
            "claim__citations__added_by",
            "claim__notes__author",
            Prefetch("claim__activity", queryset=Activity.objects.select_related("actor")),
        )
        .filter(pk=item_id)
        .first()
    )


def reviewed_claims(*, status_slug: str | None = None) -> QuerySet[ReviewItem]:
    """Claims someone has decided on (a verdict, or moved out of the initial status)."""
    items = (
        ReviewItem.objects.filter(Q(verdict__isnull=False) | Q(status__is_initial=False))
        .select_related("claim", "claim__article", "status", "verdict")
        .prefetch_related("claim__citations")
    )
    if status_slug:
        items = items.filter(status__slug=status_slug)
    return items
