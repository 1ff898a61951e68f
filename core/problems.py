"""One place that turns errors into HTTP responses: RFC 9457 problem details for the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ApplicationError, invalid_fields

PROBLEM_TYPE_BASE = "https://claimdesk.example/problems/"


def _problem_body(status: int, code: str, detail: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail if isinstance(detail, str) else "The request has invalid fields.",
        "code": code,
    }
    if not isinstance(detail, str):
        body["errors"] = detail  # field → messages, so clients can say which field to fix
    return body


def _problem(status: int, code: str, detail: Any, extra: dict[str, Any] | None = None) -> Response:
    body = _problem_body(status, code, detail) | (extra or {})
    return Response(body, status=status, content_type="application/problem+json")


def claimdesk_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):  # a service's full_clean(): the client's input
        exc = invalid_fields(exc)
    if isinstance(exc, ApplicationError):
        return _problem(exc.status, exc.code, exc.message, exc.extra)
    if isinstance(exc, Http404):  # Django's own, raised by views and get_object_or_404
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    detail = exc.detail
    if isinstance(detail, dict | list):
        problem = _problem(response.status_code, exc.default_code, detail)
    else:
        problem = _problem(
            response.status_code, getattr(detail, "code", exc.default_code), str(detail)
        )
    for header in ("Retry-After", "WWW-Authenticate", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem


@csrf_exempt  # any method: an API client's POST carries a key, not a CSRF token
def api_not_found(request: HttpRequest) -> HttpResponse:
    """Any URL under /api/ that no endpoint matches: problem details, whatever DEBUG says
    (Django's 404 for an unmatched URL is its HTML debug page when DEBUG is on)."""
    body = _problem_body(404, "not_found", f"No API resource at {request.path}.")
    return JsonResponse(body, status=404, content_type="application/problem+json")
