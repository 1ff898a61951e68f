"""The verdict scale."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.api.common import (
    READ,
)
from reviews.api.representation import (
    VerdictOutputSerializer,
)
from reviews.models import Verdict


class VerdictListApi(APIView):
    required_scopes = READ

    @extend_schema(responses=VerdictOutputSerializer(many=True), summary="The verdict scale")
    def get(self, request: Request) -> Response:
        return Response(VerdictOutputSerializer(Verdict.objects.all(), many=True).data)
