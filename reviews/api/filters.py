"""Query filters of the claims API (django-filter: a bad value is a 400 naming the field)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from claims.models import Claim
from reviews.models import ReviewItem


class UtcDateTimeFilter(filters.IsoDateTimeFilter):  # type: ignore[misc]  # untyped base
    """ISO 8601 date-time, compared in UTC: PostgreSQL refuses some offsets Python accepts
    (beyond ±15:59), so the value goes to the database converted."""

    def filter(self, qs: QuerySet[ReviewItem], value: datetime | None) -> QuerySet[ReviewItem]:
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError as exc:
                raise ValidationError({self.field_name: ["Date out of range."]}) from exc
        filtered: QuerySet[ReviewItem] = super().filter(qs, value)
        return filtered


class TextFilter(filters.CharFilter):  # type: ignore[misc]  # django-filter is untyped
    """At most 200 characters, as the schema says (reviews.api.common.TEXT): longer is a 400."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, max_length=200, **kwargs)


class ClaimFilter(filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    status = TextFilter(field_name="status__slug", help_text="Status slug")
    verdict = TextFilter(field_name="verdict__slug", help_text="Verdict slug")
    language = TextFilter(field_name="claim__article__language")
    outlet = TextFilter(method="filter_outlet", help_text="Outlet name (exact, any case)")
    speaker = TextFilter(field_name="claim__speaker", lookup_expr="icontains")
    tag = TextFilter(field_name="tags__slug")
    published_after = UtcDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UtcDateTimeFilter(field_name="published_at", lookup_expr="lt")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    q = TextFilter(field_name="claim__text", lookup_expr="icontains")
    evidence_state = filters.ChoiceFilter(
        field_name="claim__evidence_state",
        choices=Claim.EvidenceState.choices,
        help_text="Evidence state: `none` lists claims with no relevant source",
    )

    class Meta:
        model = ReviewItem
        fields: list[str] = []

    def filter_outlet(
        self, queryset: QuerySet[ReviewItem], name: str, value: str
    ) -> QuerySet[ReviewItem]:
        return queryset.filter(
            Q(claim__outlet__iexact=value) | Q(claim__article__outlet__iexact=value)
        )
