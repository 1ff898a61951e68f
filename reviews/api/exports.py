"""All matching claims as CSV or JSON Lines, streamed a chunk at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from reviews.api.common import (
    FILTER_PARAMS,
    READ,
    claims_for,
    is_internal,
)
from reviews.api.representation import (
    claim_rows,
    claims_json,
)
from reviews.models import ReviewItem
from reviews.public_urls import public_base_url
from reviews.streaming import csv_line_writer

EXPORT_COLUMNS = [
    "id", "text", "speaker", "outlet", "article_url", "language", "status", "verdict",
    "rating_value", "explanation", "published_at", "updated_at", "fact_check_url", "citations",
]  # fmt: skip
EXPORT_CHUNK = 2000


def _export_batches(
    items: QuerySet[ReviewItem], internal: bool, base: str
) -> Iterator[list[dict[str, Any]]]:
    """The API representation of every row, a chunk at a time (memory stays flat)."""
    batch: list[dict[str, Any]] = []
    rows = claim_rows(items, internal=internal).order_by("id").iterator(chunk_size=EXPORT_CHUNK)
    for row in rows:
        batch.append(row)
        if len(batch) == EXPORT_CHUNK:
            yield claims_json(batch, internal=internal, base=base)
            batch = []
    if batch:
        yield claims_json(batch, internal=internal, base=base)


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
        parameters=FILTER_PARAMS,
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/x-ndjson"): OpenApiTypes.STR,
        },
        summary="All matching claims as CSV or JSON Lines (one claim per line, as in the API)",
    )
    def get(self, request: Request, fmt: str) -> StreamingHttpResponse:
        if fmt not in ("csv", "jsonl"):
            raise Http404("Exports are .csv or .jsonl.")
        batches = _export_batches(
            claims_for(request), is_internal(request), public_base_url(request)
        )
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
