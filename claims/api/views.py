"""Articles over REST: push one in (202 + a status URL), then poll its pipeline state."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import Article
from claims.selectors import ArticleProgress, article_get, article_progress
from claims.services.articles import article_retry, article_submit
from core.api import (
    RawTextParser,
    StrictCharField,
    StrictURLField,
    ensure_body_within_limit,
    raw_body_text,
)
from core.errors import ApplicationError
from core.validators import validate_web_uri


class ArticleOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.CharField(source="source_url")
    title = serializers.CharField()
    outlet = serializers.CharField()
    byline = serializers.CharField()
    language = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField()
    status = serializers.SerializerMethodField()
    claims_total = serializers.IntegerField()
    claims_with_evidence = serializers.SerializerMethodField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True)
    created_at = serializers.DateTimeField()

    def _progress(self, article: Article) -> ArticleProgress:
        # Both method fields read one progress object: one count query per article, not two.
        cache: dict[int, ArticleProgress] = self.context.setdefault("progress", {})
        if article.pk not in cache:
            cache[article.pk] = article_progress(article=article)
        return cache[article.pk]

    def get_status(self, article: Article) -> str:
        return self._progress(article).label

    def get_claims_with_evidence(self, article: Article) -> int:
        return self._progress(article).claims_with_evidence


def _article_response(request: Request, article: Article, http_status: int) -> Response:
    location = request.build_absolute_uri(reverse("api:article-detail", args=[article.pk]))
    return Response(
        ArticleOutputSerializer(article).data, status=http_status, headers={"Location": location}
    )


WRITE = {"GET": "articles:write", "POST": "articles:write"}
# A web address that is a URI (RFC 3986; core.validators.validate_web_uri): an IRI's
# non-ASCII letters, spaces or quotes are sent percent-encoded.
_URL = {
    "type": "string",
    "format": "uri",
    "maxLength": 2048,
    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
}
# Not only blanks (400 "empty"); html must also have text outside its markup, which a
# pattern cannot say.
_NON_EMPTY = {"type": "string", "minLength": 1, "pattern": r"\S"}
# Exactly one of url / html / text (a page's html may carry its url): the serializer alone
# cannot say that in OpenAPI, so the schema is written out.
ARTICLE_INPUT_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"url": _URL},
            "required": ["url"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"html": _NON_EMPTY, "url": _URL},
            "required": ["html"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"text": _NON_EMPTY},
            "required": ["text"],
            "additionalProperties": False,
        },
    ]
}


class ArticleCreateApi(APIView):
    required_scopes = WRITE
    parser_classes = [parsers.JSONParser, RawTextParser]

    class InputSerializer(serializers.Serializer[Any]):
        url = StrictURLField(required=False, max_length=2048, validators=[validate_web_uri])
        html = StrictCharField(required=False, trim_whitespace=False)
        text = StrictCharField(required=False, trim_whitespace=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            # The schema closes the object (additionalProperties: false): a misspelt field is
            # refused, not dropped without a word.
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
            return attrs

    @extend_schema(
        request={"application/json": ARTICLE_INPUT_SCHEMA},
        responses={202: ArticleOutputSerializer, 200: ArticleOutputSerializer},
        summary="Submit an article (url, html or text) for checking",
        description=(
            "Returns 202 and a Location header for the new article's status, or 200 with the "
            "existing article when the same URL or text was submitted before. The body may also "
            "be raw `text/html` or `text/plain` in any encoding (`?url=` names its page)."
        ),
        examples=[OpenApiExample("By URL", value={"url": "https://example.org/news/1"})],
    )
    def post(self, request: Request) -> Response:
        ensure_body_within_limit(request)
        # Checked before the content type: with no body DRF parses nothing (no "raw" for a
        # text/* type), and a bare POST carries no content type to go by.
        if request.stream is None:
            raise ApplicationError(
                "The request body is empty: send url, html or text.", code="empty"
            )
        content_type = request.content_type.split(";")[0].strip().lower()
        if content_type.startswith("text/"):
            body = raw_body_text(request)
            fields = {"html" if content_type == "text/html" else "text": body}
            fields["url"] = request.query_params.get("url", "")
        elif content_type == "application/json":
            serializer = self.InputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            fields = dict(serializer.validated_data)
        else:
            raise UnsupportedMediaType(content_type)
        article, created = article_submit(
            url=fields.get("url", ""),
            html=fields.get("html", ""),
            text=fields.get("text", ""),
            submitted_by=request.user if request.user.is_authenticated else None,
        )
        return _article_response(
            request, article, status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        )


class ArticleDetailApi(APIView):
    required_scopes = WRITE

    @extend_schema(responses=ArticleOutputSerializer, summary="An article and its pipeline state")
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get(article_id=article_id)
        if article is None:
            raise ApplicationError(
                f"No article with id {article_id}.", code="not_found", status=404
            )
        return Response(ArticleOutputSerializer(article).data)


class ArticleRetryApi(APIView):
    required_scopes = WRITE

    @extend_schema(
        request=None, responses={202: ArticleOutputSerializer}, summary="Retry a failed article"
    )
    def post(self, request: Request, article_id: int) -> Response:
        article = article_retry(article_id=article_id)
        return _article_response(request, article, status.HTTP_202_ACCEPTED)
