"""The source library over REST: list and add reference documents, and search their passages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    QueryParamsSerializer,
    StrictCharField,
    StrictURLField,
    ensure_body_within_limit,
)
from core.errors import ApplicationError
from library.models import SourceDocument
from library.selectors import library_search, source_get, sources_with_index_state
from library.services.sources import source_submit


class SourceOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.CharField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    licence = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    passages = serializers.IntegerField(source="n_passages")
    passages_embedded = serializers.IntegerField(source="n_embedded")
    index_state = serializers.SerializerMethodField(
        help_text="`indexed` when every passage has a vector from the current model, else "
        "`indexing` (lexical search already finds it)."
    )

    def get_index_state(self, source: SourceDocument) -> str:
        done = getattr(source, "n_embedded", 0) >= getattr(source, "n_passages", 0)
        return "indexed" if done else "indexing"


class SourcePagination(CursorPagination):
    ordering = ("-created_at", "-id")


class SourcePageSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SourceOutputSerializer(many=True)


# The library is the newsroom's own material: reading it is an insider's scope, adding to it
# a writer's.
LIBRARY_READ = "claims:read_all"


class SourceListCreateApi(APIView):
    required_scopes = {"GET": LIBRARY_READ, "POST": "articles:write"}

    class SourceInputSerializer(serializers.Serializer[Any]):
        url = StrictURLField(required=False, allow_blank=True, max_length=2048)
        html = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
        text = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
        publisher = StrictCharField(required=False, allow_blank=True, max_length=200)

    @extend_schema(
        operation_id="sources_list",
        responses=SourcePageSerializer,
        summary="Library documents, newest first",
    )
    def get(self, request: Request) -> Response:
        paginator = SourcePagination()
        page = paginator.paginate_queryset(sources_with_index_state(), request, view=self)
        return paginator.get_paginated_response(SourceOutputSerializer(page, many=True).data)

    @extend_schema(
        request=SourceInputSerializer,
        responses={
            201: SourceOutputSerializer,
            503: OpenApiResponse(description="The URL could not be fetched now; retry later."),
        },
        summary="Add a document (url, html or text) to the source library",
        description=(
            "A URL is fetched now; html or text is stored as sent (`url` then names it). "
            "Sending the same URL or text again updates the document in place. Its passages "
            "are searchable lexically at once and by meaning once indexed (`index_state`)."
        ),
        examples=[OpenApiExample("By URL", value={"url": "https://example.org/report"})],
    )
    def post(self, request: Request) -> Response:
        ensure_body_within_limit(request)
        serializer = self.SourceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = source_submit(**serializer.validated_data)
        source = source_get(source_id=document.pk)
        location = request.build_absolute_uri(reverse("api:source-detail", args=[document.pk]))
        return Response(
            SourceOutputSerializer(source).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class SourceDetailApi(APIView):
    required_scopes = {"GET": LIBRARY_READ}

    @extend_schema(responses=SourceOutputSerializer, summary="A library document's index state")
    def get(self, request: Request, source_id: int) -> Response:
        source = source_get(source_id=source_id)
        if source is None:
            raise ApplicationError(f"No source with id {source_id}.", code="not_found", status=404)
        return Response(SourceOutputSerializer(source).data)


class SearchHitSerializer(serializers.Serializer[Any]):
    passage_id = serializers.IntegerField(source="passage.id")
    source_id = serializers.IntegerField(source="passage.document_id")
    url = serializers.CharField(source="passage.document.url")
    title = serializers.CharField(source="passage.document.title")
    publisher = serializers.CharField(source="passage.document.publisher")
    published_at = serializers.DateTimeField(
        source="passage.document.published_at", allow_null=True
    )
    text = serializers.CharField(source="passage.text")
    start = serializers.IntegerField(source="passage.start", help_text="Offset in the document.")
    end = serializers.IntegerField(source="passage.end")
    score = serializers.FloatField()
    highlights = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        help_text="[start, end) offsets in `text` of the words that matched the query.",
    )


class SearchApi(APIView):
    required_scopes = {"GET": LIBRARY_READ}

    class SearchFilterSerializer(QueryParamsSerializer):
        # The pattern tells clients (and the schema) what DRF refuses anyway: a NUL.
        q = serializers.RegexField(r"^[^\x00]*$", max_length=2000, trim_whitespace=True)
        limit = serializers.IntegerField(min_value=1, max_value=100, default=20)

    @extend_schema(
        parameters=[SearchFilterSerializer],
        responses=SearchHitSerializer(many=True),
        summary="Search the source library (hybrid: full-text and meaning)",
    )
    def get(self, request: Request) -> Response:
        filters = self.SearchFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        hits = library_search(
            query=filters.validated_data["q"], limit=filters.validated_data["limit"]
        )
        return Response(SearchHitSerializer(hits, many=True).data)
