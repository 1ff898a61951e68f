"""Claims: the list, one claim, its citations, evidence and ClaimReview. The claim JSON is
built by reviews/api/representation.py (which also documents it)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import EVIDENCE_ORDER, Evidence
from core.api import StrictCursorPagination
from reviews import selectors
from reviews.api.common import (
    FILTER_PARAMS,
    JSONLD,
    READ,
    claim_visible,
    claims_for,
    is_internal,
    last_modified,
)
from reviews.api.filters import ClaimFilter
from reviews.api.representation import (
    CitationOutputSerializer,
    ClaimOutputSerializer,
    ClaimPageSerializer,
    claim_rows,
    claims_json,
)
from reviews.claimreview import claimreview
from reviews.public_urls import public_base_url

CLAIM_EXAMPLE = {
    "id": 812,
    "text": "Global sea level rose by about 20 centimetres between 1900 and 2018.",
    "self_contained_text": "Global sea level rose by about 20 centimetres between 1900 and 2018.",
    "speaker": "Dr Jane Smith",
    "speaker_kind": "person",
    "source": "",
    "language": "en",
    "sentence": "Global sea level rose by about 20 centimetres between 1900 and 2018, she said.",
    "sentence_start": 312,
    "sentence_end": 392,
    "article": {
        "id": 97,
        "url": "https://news.example/sea-level",
        "title": "Coastal towns brace for higher tides",
        "outlet": "The Example Times",
        "language": "en",
        "published_at": "2026-11-20T08:00:00Z",
    },
    "status": "published",
    "verdict": {"slug": "mostly-true", "name": "Mostly true", "rating_value": 4, "position": 1},
    "explanation": "Tide gauges and satellites put the rise at 15-25 cm.",
    "tags": ["climate"],
    "citations": [
        {
            "url": "https://www.ipcc.ch/report/ar6/wg1/",
            "title": "IPCC AR6 WG1",
            "publisher": "IPCC",
            "quote": "Global mean sea level increased by 0.20 m between 1901 and 2018.",
            "added_at": "2026-11-21T10:02:11Z",
        }
    ],
    "published_at": "2026-11-21T12:00:00Z",
    "updated_at": "2026-11-21T12:00:00Z",
    "fact_check_url": "https://factcheck.example/fact-checks/812-global-sea-level-rose/",
}


class ClaimPagination(StrictCursorPagination):
    """Newest first by id: ids never change, so pages never skip or repeat a claim (use the
    changes feed to follow updates)."""

    ordering = ("-id",)
    page_size = 50


STANCE_HINTS: dict[str, Literal["supports", "refutes", "not_enough_information", "unclear"]] = {
    Evidence.Stance.SUPPORTS: "supports",
    Evidence.Stance.REFUTES: "refutes",
    Evidence.Stance.NEITHER: "not_enough_information",
    Evidence.Stance.UNCLEAR: "unclear",
}


class EvidenceOutputSerializer(serializers.Serializer[Any]):
    provider = serializers.CharField()
    url = serializers.URLField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    snippet = serializers.CharField()
    score = serializers.FloatField(help_text="The provider's own ranking score.")
    relevance = serializers.FloatField(
        allow_null=True,
        help_text="Calibrated probability (0–1) that the item bears on the claim; null when "
        "it could not be scored.",
    )
    relevant = serializers.BooleanField(
        help_text="Listed as evidence (relevance at or above the threshold); false: low "
        "relevance or unscored."
    )
    stance_hint = serializers.SerializerMethodField(
        help_text="Shown only on relevant items whose stance confidence reached the label's "
        "calibrated threshold; otherwise `unclear`."
    )
    stance_confidence = serializers.FloatField(allow_null=True)
    earlier_rating = serializers.CharField(source="rating")

    def get_stance_hint(
        self, evidence: Evidence
    ) -> Literal["supports", "refutes", "not_enough_information", "unclear"]:
        return STANCE_HINTS[evidence.stance]


class ClaimListApi(APIView):
    required_scopes = READ
    filter_backends = [DjangoFilterBackend]
    filterset_class = ClaimFilter

    @extend_schema(
        parameters=FILTER_PARAMS,
        responses=ClaimPageSerializer,
        operation_id="claims_list",
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "next": "https://claims.example/api/v1/claims?cursor=cD04MTI%3D",
                    "previous": None,
                    "results": [CLAIM_EXAMPLE],
                },
                response_only=True,
            )
        ],
        summary="Claims: published ones (all with claims:read_all), newest first",
    )
    def get(self, request: Request) -> Response:
        paginator = ClaimPagination()
        internal = is_internal(request)
        rows = (
            paginator.paginate_queryset(
                claim_rows(claims_for(request), internal=internal), request, view=self
            )
            or []
        )
        # ETag only: a claim that left the page would not move a Last-Modified date.
        data = claims_json(rows, internal=internal, base=public_base_url(request))
        return paginator.get_paginated_response(data)


class ClaimDetailApi(APIView):
    required_scopes = READ

    @extend_schema(
        responses=ClaimOutputSerializer, summary="One claim", operation_id="claims_retrieve"
    )
    def get(self, request: Request, claim_id: int) -> Response:
        internal = is_internal(request)
        items = selectors.api_claims(include_internal=internal).filter(claim_id=claim_id)
        rows = list(claim_rows(items, internal=internal))
        if not rows:
            raise Http404(f"No claim {claim_id} visible to you.")
        return last_modified(
            Response(claims_json(rows, internal=internal, base=public_base_url(request))[0]),
            rows[0]["updated_at"],
        )


class ClaimCitationsApi(APIView):
    required_scopes = READ

    @extend_schema(responses=CitationOutputSerializer(many=True), summary="A claim's citations")
    def get(self, request: Request, claim_id: int) -> Response:
        item = claim_visible(request, claim_id)
        return Response(CitationOutputSerializer(item.claim.citations.all(), many=True).data)


class ClaimEvidenceApi(APIView):
    required_scopes = READ

    @extend_schema(
        responses=EvidenceOutputSerializer(many=True),
        summary="Candidate sources the pipeline found (stance is a hint, not a verdict)",
    )
    def get(self, request: Request, claim_id: int) -> Response:
        item = claim_visible(request, claim_id)
        evidence = item.claim.evidence.order_by(*EVIDENCE_ORDER)
        return Response(EvidenceOutputSerializer(evidence, many=True).data)


class ClaimReviewApi(APIView):
    required_scopes = READ

    @extend_schema(responses={(200, JSONLD): OpenApiTypes.OBJECT}, summary="schema.org ClaimReview")
    def get(self, request: Request, claim_id: int) -> Response:
        item = claim_visible(request, claim_id)
        if not item.status.is_published or item.verdict is None:
            raise Http404(f"Claim {claim_id} is not published.")
        return Response(claimreview(item, base=public_base_url(request)), content_type=JSONLD)
