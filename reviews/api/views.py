"""Reviewed claims over REST (the fuller client API is issue #7)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.selectors import reviewed_claims


class CitationOutputSerializer(serializers.Serializer[Any]):
    url = serializers.URLField()
    title = serializers.CharField()
    quote = serializers.CharField()
    added_at = serializers.DateTimeField()


class ReviewedClaimOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="claim.id")
    text = serializers.CharField(source="claim.text")
    self_contained_text = serializers.CharField(source="claim.self_contained_text")
    speaker = serializers.CharField(source="claim.speaker")
    outlet = serializers.CharField(source="claim.outlet")
    article_id = serializers.IntegerField(source="claim.article_id")
    article_url = serializers.CharField(source="claim.article.source_url")
    sentence_start = serializers.IntegerField(source="claim.sentence_start")
    sentence_end = serializers.IntegerField(source="claim.sentence_end")
    status = serializers.CharField(source="status.slug")
    verdict = serializers.CharField(source="verdict.slug", allow_null=True, default=None)
    explanation = serializers.CharField()
    citations = CitationOutputSerializer(source="claim.citations.all", many=True)
    updated_at = serializers.DateTimeField()


class ClaimPagination(CursorPagination):
    ordering = ("-updated_at", "-id")
    page_size = 50


class ReviewedClaimListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str, description="Status slug, e.g. published")],
        responses=ReviewedClaimOutputSerializer(many=True),
        summary="Claims that reviewers have decided on",
    )
    def get(self, request: Request) -> Response:
        items = reviewed_claims(status_slug=request.query_params.get("status") or None)
        paginator = ClaimPagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(ReviewedClaimOutputSerializer(page, many=True).data)
