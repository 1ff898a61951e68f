"""What the claims API's views share: scopes, which claims a caller sees, the filters and
their schema, conditional GET."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from claims.models import Claim
from clients.scopes import has_scope
from core.api import EMPTY_PARAMETER
from reviews import selectors
from reviews.api.filters import ClaimFilter
from reviews.models import ReviewItem, Status

READ = {"GET": "claims:read"}
JSONLD = "application/ld+json"


def is_internal(request: Request) -> bool:
    return has_scope(request, "claims:read_all")


def claims_for(request: Request) -> QuerySet[ReviewItem]:
    """The claims this caller may see, filtered by the query string (400 on a bad filter)."""
    items = selectors.api_claims(include_internal=is_internal(request))
    status = request.query_params.get("status")
    if (
        status
        and not is_internal(request)
        and not Status.objects.filter(slug=status, is_published=True).exists()
    ):
        raise PermissionDenied("Unpublished claims need the claims:read_all scope.")
    return filtered(items, request.query_params)


def filtered(items: QuerySet[ReviewItem], params: Any) -> QuerySet[ReviewItem]:
    """`items` narrowed by the ClaimFilter fields in `params` (400 naming a bad one)."""
    given = [name for name in ClaimFilter.base_filters if name in params]
    if not given:
        return items  # most requests filter nothing: skip building and validating the form
    # django-filter reads an empty value as no filter: a client that sent `updated_since=`
    # would silently get everything.
    empty = [name for name in given if params[name] == ""]
    if empty:
        raise ValidationError({name: [EMPTY_PARAMETER] for name in empty})
    filterset = ClaimFilter(params, queryset=items)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    narrowed: QuerySet[ReviewItem] = filterset.qs
    return narrowed


def claim_visible(request: Request, claim_id: int) -> ReviewItem:
    item = (
        selectors.api_claims(include_internal=is_internal(request))
        .filter(claim_id=claim_id)
        .first()
    )
    if item is None:
        raise Http404(f"No claim {claim_id} visible to you.")
    return item


def last_modified(response: Response, moment: datetime | None) -> Response:
    # With ConditionalGetMiddleware this also answers If-Modified-Since with 304.
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())
    return response


# Strings without NUL (PostgreSQL cannot store it) and ISO 8601 date-times with real offsets,
# never empty (400): the schema says what the filters accept, so clients (and the contract
# test) can tell.
TEXT = {"type": "string", "pattern": "^[^\\x00]*$", "minLength": 1, "maxLength": 200}
DATETIME = {
    "type": "string",
    "format": "date-time",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?"
    "(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])$",
}
FILTER_PARAMS = [
    OpenApiParameter(
        "status", TEXT, description="Status slug; other than `published` needs claims:read_all"
    ),
    OpenApiParameter("verdict", TEXT, description="Verdict slug, e.g. `false`"),
    OpenApiParameter("language", TEXT),
    OpenApiParameter("outlet", TEXT),
    OpenApiParameter("speaker", TEXT, description="Part of the speaker's name"),
    OpenApiParameter("tag", TEXT),
    OpenApiParameter("published_after", DATETIME),
    OpenApiParameter("published_before", DATETIME),
    OpenApiParameter("updated_since", DATETIME),
    OpenApiParameter("q", TEXT, description="Words in the claim"),
    OpenApiParameter(
        "evidence_state",
        {"type": "string", "enum": list(Claim.EvidenceState.values)},
        description="Where evidence gathering left the claim; `none`: no relevant source",
    ),
]
