from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from core.errors import ApplicationError
from core.text import content_hash
from library.models import SourceDocument
from library.services.sources import source_document_upsert, source_passages_rebuild


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin[SourceDocument]):
    list_display = ["title", "publisher", "licence", "created_at"]
    search_fields = ["title", "url"]
    exclude = ["content_hash"]

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
