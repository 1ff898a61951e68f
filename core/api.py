"""API plumbing every app's endpoints share: raw-body parsers, the body-size guard, input
fields that take only strings, query parameters that may not be sent empty, and cursor
pagination that treats a bad cursor as the client's input (400), not a missing page."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from core.conf import conf
from core.errors import ApplicationError
from core.text import decode_bytes


class RawTextParser(parsers.BaseParser):
    """Accept a page or text as the raw body, whatever its encoding (see raw_body_text)."""

    media_type = "text/*"

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> dict[str, bytes]:
        return {"raw": bytes(stream.read()) if stream is not None else b""}


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField turns 123 or 1.5 into "123" or "1.5", so a
    client sending the wrong type would never hear of it."""

    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictURLField(StrictCharField, serializers.URLField):
    """A URL given as a string (see StrictCharField)."""


EMPTY_PARAMETER = "Empty: give a value, or leave the parameter out."


class QueryParamsSerializer(serializers.Serializer[Any]):
    """Query parameters, where one sent empty (`?after=`) is a 400: DRF would read it as absent
    and use the default, and the schema says it is a number (or a string of some length)."""

    def to_internal_value(self, data: Any) -> Any:
        empty = [name for name, _ in self.fields.items() if data.get(name) == ""]
        if empty:
            raise ValidationError({name: [EMPTY_PARAMETER] for name in empty})
        return super().to_internal_value(data)


class JsonLdParser(parsers.JSONParser):
    media_type = "application/ld+json"


def ensure_body_within_limit(request: Request) -> None:
    """413 before reading a body larger than an article may be (DRF reads the stream itself,
    so Django's own upload limit does not apply)."""
    limit = conf().max_article_bytes
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > limit + 64 * 1024:
        raise ApplicationError(
            f"The request body is {length} bytes; the limit is {limit} bytes.",
            code="too_large",
            status=413,
        )


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return None


def raw_body_text(request: Request) -> str:
    """A RawTextParser body as text, in its declared charset or the one detected."""
    return decode_bytes(request.data["raw"], request.encoding or _charset(request.content_type))


class StrictCursorPagination(CursorPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request: Request) -> Any:
        try:
            return super().decode_cursor(request)
        except Exception as exc:  # DRF raises NotFound; a bad cursor is the client's input
            raise ValidationError(
                {"cursor": ["Invalid cursor: use the next/previous links."]}
            ) from exc
