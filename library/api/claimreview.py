"""ClaimReview import: earlier fact-checks in (library.FactCheck), for claim matching."""

from __future__ import annotations

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import parsers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import JsonLdParser, RawTextParser, ensure_body_within_limit
from core.text import decode_bytes
from library.services.factchecks import claimreviews_from_document, factchecks_import

CLAIMREVIEW_INPUT_SCHEMA = {
    "type": "object",
    "properties": {
        "@context": {"type": "string"},
        "@type": {"type": "string", "enum": ["ClaimReview"]},
        "claimReviewed": {"type": "string", "minLength": 1, "pattern": "[A-Za-z]"},
        "url": {"type": "string", "pattern": "^https://[a-z]{1,20}\\.[a-z]{2,6}/[a-z0-9-]*$"},
        "reviewRating": {"type": "object"},
        "itemReviewed": {"type": "object"},
        "author": {"type": "object"},
        # Read when it is a date (ISO 8601 or as fact-checkers write them), else left out.
        "datePublished": {"type": "string"},
    },
    "required": ["@type", "claimReviewed", "url"],
}


class ClaimReviewImportApi(APIView):
    """Existing fact-checks in, as ClaimReview: JSON-LD objects, lists, DataFeeds, or whole
    fact-check pages (text/html) with ClaimReview in their JSON-LD blocks."""

    required_scopes = {"POST": "articles:write"}
    parser_classes = [parsers.JSONParser, JsonLdParser, RawTextParser]

    @extend_schema(
        request={
            "application/json": CLAIMREVIEW_INPUT_SCHEMA,
            "application/ld+json": CLAIMREVIEW_INPUT_SCHEMA,
        },
        responses={200: OpenApiTypes.OBJECT},
        summary="Import earlier fact-checks (ClaimReview) for claim matching",
        description=(
            "The body is one ClaimReview object (schema above), or also a list of them, a "
            "schema.org DataFeed, or a whole fact-check page sent as `text/html` whose JSON-LD "
            "holds ClaimReview. Imported by URL: sending the same one twice updates it."
        ),
    )
    def post(self, request: Request) -> Response:
        ensure_body_within_limit(request)
        if isinstance(request.data, dict) and "raw" in request.data:
            document = decode_bytes(request.data["raw"])
        else:
            document = json.dumps(request.data)
        reviews = claimreviews_from_document(document)
        if not reviews:
            raise ValidationError({"body": ["No ClaimReview found in the body."]})
        result = factchecks_import(reviews=reviews)
        return Response(
            {"found": len(reviews), "created": result.created, "updated": result.updated}
        )
