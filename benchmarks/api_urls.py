"""The product's URLs plus the baseline the API benchmark compares against: the same rows,
straight from `values()` into a JsonResponse (no auth, no serializers, no pagination)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns
from reviews.models import ReviewItem

FIELDS = [
    "claim_id", "claim__text", "claim__speaker", "claim__sentence", "claim__sentence_start",
    "claim__sentence_end", "claim__article_id", "claim__article__source_url",
    "claim__article__title", "claim__article__language", "status__slug", "verdict__slug",
    "verdict__name", "verdict__rating_value", "explanation", "published_at", "updated_at",
]  # fmt: skip


def _published() -> Any:
    return ReviewItem.objects.filter(status__is_published=True).values(*FIELDS)


def baseline_list(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"results": list(_published().order_by("-id")[:50])})


def baseline_detail(request: HttpRequest, claim_id: int) -> JsonResponse:
    return JsonResponse(_published().get(claim_id=claim_id))


urlpatterns = [
    path("bench/baseline/claims", baseline_list),
    path("bench/baseline/claims/<int:claim_id>", baseline_detail),
    *product_urlpatterns,
]
