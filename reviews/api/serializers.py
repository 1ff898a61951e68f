"""Output shapes of the claims API. Explicit and flat: what clients integrate against."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from reviews.claimreview import fact_check_url
from reviews.models import ReviewItem


class CitationOutputSerializer(serializers.Serializer[Any]):
    url = serializers.URLField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    quote = serializers.CharField()
    added_at = serializers.DateTimeField()


class EvidenceOutputSerializer(serializers.Serializer[Any]):
    provider = serializers.CharField()
    url = serializers.URLField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    snippet = serializers.CharField()
    score = serializers.FloatField()
    stance_hint = serializers.CharField(source="stance")
    stance_confidence = serializers.FloatField(allow_null=True)
    earlier_rating = serializers.CharField(source="rating")


class VerdictOutputSerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    rating_value = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField()


class ArticleRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.CharField(source="source_url")
    title = serializers.CharField()
    outlet = serializers.CharField()
    language = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class ClaimOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="claim_id")
    text = serializers.CharField(source="claim.text")
    self_contained_text = serializers.CharField(source="claim.self_contained_text")
    speaker = serializers.CharField(source="claim.speaker")
    sentence = serializers.CharField(source="claim.sentence")
    sentence_start = serializers.IntegerField(source="claim.sentence_start")
    sentence_end = serializers.IntegerField(source="claim.sentence_end")
    article = ArticleRefSerializer(source="claim.article")
    status = serializers.CharField(source="status.slug")
    verdict = VerdictOutputSerializer(allow_null=True)
    explanation = serializers.CharField()
    tags = serializers.SerializerMethodField()
    citations = CitationOutputSerializer(source="claim.citations.all", many=True)
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    fact_check_url = serializers.SerializerMethodField()

    def get_tags(self, item: ReviewItem) -> list[str]:
        return [tag.slug for tag in item.tags.all()]

    def get_fact_check_url(self, item: ReviewItem) -> str | None:
        return fact_check_url(item) if item.status.is_published else None


class NoteOutputSerializer(serializers.Serializer[Any]):
    author = serializers.CharField(source="author.username", allow_null=True, default=None)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ClaimInternalOutputSerializer(ClaimOutputSerializer):
    """With the claims:read_all scope: the newsroom's own view, reviewers and notes included."""

    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)
    published_by = serializers.CharField(
        source="published_by.username", allow_null=True, default=None
    )
    notes = NoteOutputSerializer(source="claim.notes.all", many=True)


class ChangeOutputSerializer(serializers.Serializer[Any]):
    seq = serializers.IntegerField()
    event = serializers.CharField()
    claim_id = serializers.IntegerField()
    at = serializers.DateTimeField(source="created_at")


class ChangesPageSerializer(serializers.Serializer[Any]):
    results = ChangeOutputSerializer(many=True)
    next_after = serializers.IntegerField(help_text="Pass as `after` to read on.")


def _page_of(
    item_serializer: type[serializers.Serializer[Any]],
) -> type[serializers.Serializer[Any]]:
    """The cursor-paginated envelope around a list of `item_serializer` (for the schema)."""
    return type(
        f"{item_serializer.__name__.removesuffix('OutputSerializer')}PageSerializer",
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )


ClaimPageSerializer = _page_of(ClaimOutputSerializer)
