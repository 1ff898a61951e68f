"""Claims as the API's JSON, built from `values()` rows rather than model instances and DRF
serializers: the list endpoint spends its time on the database, not on Python objects.

The shapes are exactly those of reviews/api/serializers.py, which stay the documented
schema; tests/reviews/test_claims_api.py checks both give the same JSON for the same claim.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from reviews.claimreview import fact_check_url_for
from reviews.models import Citation, Note, ReviewItem

_CLAIM_FIELDS = (
    "id", "claim_id", "claim__text", "claim__self_contained_text", "claim__speaker",
    "claim__sentence", "claim__sentence_start", "claim__sentence_end", "claim__article_id",
    "claim__article__source_url", "claim__article__title", "claim__article__outlet",
    "claim__article__language", "claim__article__published_at", "status__slug",
    "status__is_published", "verdict__slug", "verdict__name", "verdict__rating_value",
    "verdict__position", "explanation", "published_at", "updated_at",
)  # fmt: skip
_INTERNAL_FIELDS = (
    "assignee__username", "decided_by__username", "published_by__username",
)  # fmt: skip


def _when(value: datetime | None) -> str | None:
    """What DRF's DateTimeField writes (ISO 8601 in the current time zone, UTC as Z), without
    its per-call overhead."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def claim_rows(items: QuerySet[ReviewItem], *, internal: bool) -> QuerySet[Any]:
    """`values()` of what the representation needs (paginate this)."""
    fields = _CLAIM_FIELDS + (_INTERNAL_FIELDS if internal else ())
    rows: QuerySet[Any] = items.select_related(None).prefetch_related(None).values(*fields)
    return rows


def claims_json(rows: Sequence[dict[str, Any]], *, internal: bool) -> list[dict[str, Any]]:
    """The API representation of `rows`, with citations, tags (and notes) in one query each."""
    item_ids = [row["id"] for row in rows]
    claim_ids = [row["claim_id"] for row in rows]
    citations: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in (
        Citation.objects.filter(claim_id__in=claim_ids)
        .order_by("added_at", "id")
        .values("claim_id", "url", "title", "publisher", "quote", "added_at")
    ):
        citations[c["claim_id"]].append(
            {
                "url": c["url"],
                "title": c["title"],
                "publisher": c["publisher"],
                "quote": c["quote"],
                "added_at": _when(c["added_at"]),
            }
        )
    tags: dict[int, list[str]] = defaultdict(list)
    for item_id, slug in ReviewItem.tags.through.objects.filter(
        reviewitem_id__in=item_ids
    ).values_list("reviewitem_id", "tag__slug"):
        tags[item_id].append(slug)
    notes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if internal:
        for n in (
            Note.objects.filter(claim_id__in=claim_ids)
            .order_by("created_at", "id")
            .values("claim_id", "author__username", "body", "created_at")
        ):
            notes[n["claim_id"]].append(
                {
                    "author": n["author__username"],
                    "body": n["body"],
                    "created_at": _when(n["created_at"]),
                }
            )
    out = []
    for row in rows:
        claim_id = row["claim_id"]
        data: dict[str, Any] = {
            "id": claim_id,
            "text": row["claim__text"],
            "self_contained_text": row["claim__self_contained_text"],
            "speaker": row["claim__speaker"],
            "sentence": row["claim__sentence"],
            "sentence_start": row["claim__sentence_start"],
            "sentence_end": row["claim__sentence_end"],
            "article": {
                "id": row["claim__article_id"],
                "url": row["claim__article__source_url"],
                "title": row["claim__article__title"],
                "outlet": row["claim__article__outlet"],
                "language": row["claim__article__language"],
                "published_at": _when(row["claim__article__published_at"]),
            },
            "status": row["status__slug"],
            "verdict": None
            if row["verdict__slug"] is None
            else {
                "slug": row["verdict__slug"],
                "name": row["verdict__name"],
                "rating_value": row["verdict__rating_value"],
                "position": row["verdict__position"],
            },
            "explanation": row["explanation"],
            "tags": tags[row["id"]],
            "citations": citations[claim_id],
            "published_at": _when(row["published_at"]),
            "updated_at": _when(row["updated_at"]),
            "fact_check_url": fact_check_url_for(claim_id, row["claim__text"])
            if row["status__is_published"]
            else None,
        }
        if internal:
            data |= {
                "assignee": row["assignee__username"],
                "decided_by": row["decided_by__username"],
                "published_by": row["published_by__username"],
                "notes": notes[claim_id],
            }
        out.append(data)
    return out
