"""The claims API for clients: published claims (everything with claims:read_all), their
citations and evidence, ClaimReview, the changes feed, exports and ClaimReview import.

Views are thin: selectors build the querysets, serializers shape the output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import parsers, serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.scopes import has_scope
from core.api import JsonLdParser, RawTextParser, StrictCursorPagination, ensure_body_within_limit
from core.text import decode_bytes
from library.services.factchecks import claimreviews_from_document, factchecks_import
from reviews import selectors
from reviews.api.filters import ClaimFilter
from reviews.api.representation import claim_rows, claims_json
from reviews.api.serializers import (
    ChangeOutputSerializer,
    ChangesPageSerializer,
    CitationOutputSerializer,
    ClaimOutputSerializer,
    ClaimPageSerializer,
    EvidenceOutputSerializer,
    VerdictOutputSerializer,
)
from reviews.claimreview import claimreview
from reviews.models import ReviewItem, Status, Verdict
from reviews.streaming import csv_line_writer

READ = {"GET": "claims:read"}
CLAIM_EXAMPLE = {
    "id": 812,
    "text": "Global sea level rose by about 20 centimetres between 1900 and 2018.",
    "self_contained_text": "Global sea level rose by about 20 centimetres between 1900 and 2018.",
    "speaker": "Dr Jane Smith",
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
JSONLD = "application/ld+json"


def _internal(request: Request) -> bool:
    return has_scope(request, "claims:read_all")


def _claims(request: Request) -> QuerySet[ReviewItem]:
    """The claims this caller may see, filtered by the query string (400 on a bad filter)."""
    items = selectors.api_claims(include_internal=_internal(request))
    status = request.query_params.get("status")
    if (
        status
        and not _internal(request)
        and not Status.objects.filter(slug=status, is_published=True).exists()
    ):
        raise PermissionDenied("Unpublished claims need the claims:read_all scope.")
    return _filtered(items, request.query_params)


def _filtered(items: QuerySet[ReviewItem], params: Any) -> QuerySet[ReviewItem]:
    """`items` narrowed by the ClaimFilter fields in `params` (400 naming a bad one)."""
    if not any(name in params for name in ClaimFilter.base_filters):
        return items  # most requests filter nothing: skip building and validating the form
    filterset = ClaimFilter(params, queryset=items)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    filtered: QuerySet[ReviewItem] = filterset.qs
    return filtered


def _claim(request: Request, claim_id: int) -> ReviewItem:
    item = (
        selectors.api_claims(include_internal=_internal(request)).filter(claim_id=claim_id).first()
    )
    if item is None:
        raise Http404(f"No claim {claim_id} visible to you.")
    return item


def _last_modified(response: Response, moment: datetime | None) -> Response:
    # With ConditionalGetMiddleware this also answers If-Modified-Since with 304.
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())
    return response


class ClaimPagination(StrictCursorPagination):
    """Newest first by id: ids never change, so pages never skip or repeat a claim (use the
    changes feed to follow updates)."""

    ordering = ("-id",)
    page_size = 50


# Strings without NUL (PostgreSQL cannot store it) and ISO 8601 date-times with real offsets:
# the schema says what the filters accept, so clients (and the contract test) can tell.
_TEXT = {"type": "string", "pattern": "^[^\\x00]*$", "maxLength": 200}
_DATETIME = {
    "type": "string",
    "format": "date-time",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?"
    "(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])$",
}
_FILTER_PARAMS = [
    OpenApiParameter(
        "status", _TEXT, description="Status slug; other than `published` needs claims:read_all"
    ),
    OpenApiParameter("verdict", _TEXT, description="Verdict slug, e.g. `false`"),
    OpenApiParameter("language", _TEXT),
    OpenApiParameter("outlet", _TEXT),
    OpenApiParameter("speaker", _TEXT, description="Part of the speaker's name"),
    OpenApiParameter("tag", _TEXT),
    OpenApiParameter("published_after", _DATETIME),
    OpenApiParameter("published_before", _DATETIME),
    OpenApiParameter("updated_since", _DATETIME),
    OpenApiParameter("q", _TEXT, description="Words in the claim"),
]


class ClaimListApi(APIView):
    required_scopes = READ
    filter_backends = [DjangoFilterBackend]
    filterset_class = ClaimFilter

    @extend_schema(
        parameters=_FILTER_PARAMS,
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
        internal = _internal(request)
        rows = (
            paginator.paginate_queryset(
                claim_rows(_claims(request), internal=internal), request, view=self
            )
            or []
        )
        # ETag only: a claim that left the page would not move a Last-Modified date.
        return paginator.get_paginated_response(claims_json(rows, internal=internal))


class ClaimDetailApi(APIView):
    required_scopes = READ

    @extend_schema(
        responses=ClaimOutputSerializer, summary="One claim", operation_id="claims_retrieve"
    )
    def get(self, request: Request, claim_id: int) -> Response:
        internal = _internal(request)
        items = selectors.api_claims(include_internal=internal).filter(claim_id=claim_id)
        rows = list(claim_rows(items, internal=internal))
        if not rows:
            raise Http404(f"No claim {claim_id} visible to you.")
        return _last_modified(
            Response(claims_json(rows, internal=internal)[0]), rows[0]["updated_at"]
        )


class ClaimCitationsApi(APIView):
    required_scopes = READ

    @extend_schema(responses=CitationOutputSerializer(many=True), summary="A claim's citations")
    def get(self, request: Request, claim_id: int) -> Response:
        item = _claim(request, claim_id)
        return Response(CitationOutputSerializer(item.claim.citations.all(), many=True).data)


class ClaimEvidenceApi(APIView):
    required_scopes = READ

    @extend_schema(
        responses=EvidenceOutputSerializer(many=True),
        summary="Candidate sources the pipeline found (stance is a hint, not a verdict)",
    )
    def get(self, request: Request, claim_id: int) -> Response:
        item = _claim(request, claim_id)
        evidence = item.claim.evidence.order_by("-score", "id")
        return Response(EvidenceOutputSerializer(evidence, many=True).data)


class ClaimReviewApi(APIView):
    required_scopes = READ

    @extend_schema(responses={(200, JSONLD): OpenApiTypes.OBJECT}, summary="schema.org ClaimReview")
    def get(self, request: Request, claim_id: int) -> Response:
        item = _claim(request, claim_id)
        if not item.status.is_published or item.verdict is None:
            raise Http404(f"Claim {claim_id} is not published.")
        return Response(claimreview(item), content_type=JSONLD)


def _feed(items: Iterable[ReviewItem]) -> Iterator[str]:
    yield '{"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": ['
    for n, item in enumerate(items):
        element = {
            "@type": "DataFeedItem",
            "dateCreated": item.published_at.isoformat() if item.published_at else None,
            "item": [{k: v for k, v in claimreview(item).items() if k != "@context"}],
        }
        yield ("," if n else "") + json.dumps(element, ensure_ascii=False)
    yield "]}\n"


class ClaimReviewFeedApi(APIView):
    required_scopes = READ

    @extend_schema(
        parameters=[OpenApiParameter("updated_since", _DATETIME)],
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
        since = request.query_params.get("updated_since")
        if since:  # the feed takes this one filter
            items = _filtered(items, {"updated_since": since})
        return StreamingHttpResponse(_feed(items.iterator(chunk_size=1000)), content_type=JSONLD)


class VerdictListApi(APIView):
    required_scopes = READ

    @extend_schema(responses=VerdictOutputSerializer(many=True), summary="The verdict scale")
    def get(self, request: Request) -> Response:
        return Response(VerdictOutputSerializer(Verdict.objects.all(), many=True).data)


class ChangesApi(APIView):
    required_scopes = READ

    class QuerySerializer(serializers.Serializer[Any]):
        after = serializers.IntegerField(min_value=0, default=0)
        limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)

    @extend_schema(
        parameters=[QuerySerializer],
        responses=ChangesPageSerializer,
        summary="Changes feed: what was published, updated or unpublished, in commit order",
        description=(
            "Start with `after=0`, then pass the `next_after` of each response. Changes are "
            "numbered in the order their transactions committed, so following `next_after` "
            "never misses or repeats one. Fetch `/claims/{id}` for the new state (404 after "
            "`claim.unpublished`)."
        ),
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "results": [
                        {
                            "seq": 41,
                            "event": "claim.published",
                            "claim_id": 7,
                            "at": "2026-11-25T10:00:00Z",
                        }
                    ],
                    "next_after": 41,
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit = query.validated_data["after"], query.validated_data["limit"]
        changes = selectors.api_changes(after=after, limit=limit)
        return Response(
            {
                "results": ChangeOutputSerializer(changes, many=True).data,
                "next_after": changes[-1].seq if changes else after,
            }
        )


EXPORT_COLUMNS = [
    "id", "text", "speaker", "outlet", "article_url", "language", "status", "verdict",
    "rating_value", "explanation", "published_at", "updated_at", "fact_check_url", "citations",
]  # fmt: skip
EXPORT_CHUNK = 2000


def _export_batches(items: QuerySet[ReviewItem], internal: bool) -> Iterator[list[dict[str, Any]]]:
    """The API representation of every row, a chunk at a time (memory stays flat)."""
    batch: list[dict[str, Any]] = []
    rows = claim_rows(items, internal=internal).order_by("id").iterator(chunk_size=EXPORT_CHUNK)
    for row in rows:
        batch.append(row)
        if len(batch) == EXPORT_CHUNK:
            yield claims_json(batch, internal=internal)
            batch = []
    if batch:
        yield claims_json(batch, internal=internal)


def _csv_row(claim: dict[str, Any]) -> list[Any]:
    verdict = claim["verdict"] or {}
    return [
        claim["id"], claim["text"], claim["speaker"], claim["article"]["outlet"],
        claim["article"]["url"], claim["article"]["language"], claim["status"],
        verdict.get("slug"), verdict.get("rating_value"), claim["explanation"],
        claim["published_at"], claim["updated_at"], claim["fact_check_url"],
        " ".join(c["url"] for c in claim["citations"]),
    ]  # fmt: skip


class ClaimExportApi(APIView):
    required_scopes = READ

    @extend_schema(
        parameters=_FILTER_PARAMS,
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/x-ndjson"): OpenApiTypes.STR,
        },
        summary="All matching claims as CSV or JSON Lines (one claim per line, as in the API)",
    )
    def get(self, request: Request, fmt: str) -> StreamingHttpResponse:
        if fmt not in ("csv", "jsonl"):
            raise Http404("Exports are .csv or .jsonl.")
        batches = _export_batches(_claims(request), _internal(request))
        if fmt == "jsonl":
            body: Iterator[str] = (
                "".join(json.dumps(claim, ensure_ascii=False) + "\n" for claim in batch)
                for batch in batches
            )
            content_type = "application/x-ndjson"
        else:
            body = _csv(batches)
            content_type = "text/csv"
        response = StreamingHttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="claims.{fmt}"'
        return response


def _csv(batches: Iterator[list[dict[str, Any]]]) -> Iterator[str]:
    writer = csv_line_writer()
    yield writer.writerow(EXPORT_COLUMNS)
    for batch in batches:
        yield "".join(writer.writerow(_csv_row(claim)) for claim in batch)


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
        "datePublished": {"type": "string", "format": "date"},
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
