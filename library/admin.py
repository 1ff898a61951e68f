from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse

from core.errors import ApplicationError
from core.text import content_hash
from library.evidence.embedder import EmbedderUnavailableError, model_version
from library.models import SourceDocument, SourcePassage
from library.services.indexing import library_embedding_counts
from library.services.sources import source_document_upsert, source_passages_rebuild


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin[SourceDocument]):
    list_display = ["title", "publisher", "licence", "passages_embedded", "created_at"]
    search_fields = ["title", "url"]
    exclude = ["content_hash"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SourceDocument]:
        """Each row's passage count and how many have a vector from the current model: one
        correlated subquery each, evaluated for the page's rows only (the list's count query
        drops them), so a million-passage library does not slow the list."""
        queryset = super().get_queryset(request)
        try:
            current = Q(embedding__model=model_version())
        except EmbedderUnavailableError:
            current = Q(pk__in=[])  # no model: nothing counts as embedded
        passages = (
            SourcePassage.objects.filter(document=OuterRef("pk")).order_by().values("document")
        )
        return queryset.annotate(
            passage_count=Subquery(
                passages.annotate(n=Count("pk")).values("n"), output_field=IntegerField()
            ),
            embedded_count=Subquery(
                passages.filter(current).annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
        )

    @admin.display(description="passages embedded")
    def passages_embedded(self, obj: SourceDocument) -> str:
        return f"{getattr(obj, 'embedded_count', 0) or 0} / {getattr(obj, 'passage_count', 0) or 0}"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The library-wide count above the list: how far indexing has got."""
        try:
            embedded, total = library_embedding_counts()
        except EmbedderUnavailableError:
            embedded, total = None, None
        context = {**(extra_context or {}), "embedding_counts": (embedded, total)}
        return super().changelist_view(request, extra_context=context)

    def save_model(
        self, request: HttpRequest, obj: SourceDocument, form: Any, change: bool
    ) -> None:
        """Saved through the service, so the passages (and the search index) follow the text."""
        if change:
            obj.content_hash = content_hash(obj.text)
            super().save_model(request, obj, form, change)
            source_passages_rebuild(document=obj)
            return
        try:
            saved = source_document_upsert(
                url=obj.url,
                title=obj.title,
                text=obj.text,
                publisher=obj.publisher,
                licence=obj.licence,
                published_at=obj.published_at,
            )
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        obj.pk = saved.pk
