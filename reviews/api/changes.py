"""The changes feed: what was published, updated or unpublished, in commit order."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import QueryParamsSerializer
from reviews import selectors
from reviews.api.common import (
    READ,
)


class ChangeOutputSerializer(serializers.Serializer[Any]):
    seq = serializers.IntegerField()
    event = serializers.CharField()
    claim_id = serializers.IntegerField()
    at = serializers.DateTimeField(source="created_at")


class ChangesPageSerializer(serializers.Serializer[Any]):
    results = ChangeOutputSerializer(many=True)
    next_after = serializers.IntegerField(help_text="Pass as `after` to read on.")


class ChangesApi(APIView):
    required_scopes = READ

    class QuerySerializer(QueryParamsSerializer):
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
