"""Query filters of the claims API (django-filter: a bad value is a 400 naming the field)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from reviews.models import ReviewItem


class ClaimFilter(filters.FilterSet):  # type: ignore[misc]  # django-filter is untyped
    status = filters.CharFilter(field_name="status__slug", help_text="Status slug")
    verdict = filters.CharFilter(field_name="verdict__slug", help_text="Verdict slug")
    language = filters.CharFilter(field_name="claim__article__language")
    outlet = filters.CharFilter(method="filter_outlet", help_text="Outlet name (exact, any case)")
    speaker = filters.CharFilter(field_name="claim__speaker", lookup_expr="icontains")
    tag = filters.CharFilter(field_name="tags__slug")
    published_after = filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="lt")
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    q = filters.CharFilter(field_name="claim__text", lookup_expr="icontains", max_length=200)

    class Meta:
        model = ReviewItem
        fields: list[str] = []

    def filter_outlet(
        self, queryset: QuerySet[ReviewItem], name: str, value: str
    ) -> QuerySet[ReviewItem]:
        return queryset.filter(
            Q(claim__outlet__iexact=value) | Q(claim__article__outlet__iexact=value)
        )
