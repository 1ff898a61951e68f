"""Every published claim as one streamed schema.org DataFeed of ClaimReview."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from reviews import selectors
from reviews.api.common import (
    DATETIME,
    JSONLD,
    READ,
    filtered,
)
from reviews.claimreview import claimreview
from reviews.models import ReviewItem
from reviews.public_urls import public_base_url


def _feed(items: Iterable[ReviewItem], base: str) -> Iterator[str]:
    yield '{"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": ['
    for n, item in enumerate(items):
        element = {
            "@type": "DataFeedItem",
            "dateCreated": item.published_at.isoformat() if item.published_at else None,
            "item": [{k: v for k, v in claimreview(item, base=base).items() if k != "@context"}],
        }
        yield ("," if n else "") + json.dumps(element, ensure_ascii=False)
    yield "]}\n"


class ClaimReviewFeedApi(APIView):
    required_scopes = READ

    @extend_schema(
        parameters=[OpenApiParameter("updated_since", DATETIME)],
        responses={(200, JSONLD): OpenApiTypes.OBJECT},
        summary="Every published claim as a ClaimReview DataFeed (streamed)",
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        items = (
            selectors.api_claims(include_internal=False)
            .filter(verdict__isnull=False)
            .prefetch_related(None)
            .order_by("id")
        )
        if "updated_since" in request.query_params:  # the feed takes this one filter
            items = filtered(items, {"updated_since": request.query_params["updated_since"]})
        return StreamingHttpResponse(
            _feed(items.iterator(chunk_size=1000), public_base_url(request)), content_type=JSONLD
        )
