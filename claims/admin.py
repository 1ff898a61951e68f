"""Admin: articles can be submitted here too; creation goes through the same service as the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from claims.models import (
    Article,
    ArticleSentence,
    CheckworthinessLabel,
    CheckworthinessModelVersion,
    Claim,
    Evidence,
    StepLease,
)
from claims.selectors import article_progress, articles_with_progress
from claims.services.articles import article_input_check, article_retry, article_submit
from claims.services.feedback import checkworthiness_version_activate
from claims.services.sentences import sentence_promote
from core.errors import ApplicationError


class ArticleSubmitForm(forms.ModelForm[Article]):
    html = forms.CharField(widget=forms.Textarea, required=False, help_text="Paste a page's HTML…")
    text = forms.CharField(widget=forms.Textarea, required=False, help_text="…or plain text.")

    class Meta:
        model = Article
        fields = ["source_url"]
        labels = {"source_url": "URL"}

    def clean(self) -> dict[str, Any]:
        """The service's refusal, on the form: the admin saves (save_model) only valid forms,
        and an error raised there is a 500."""
        data = super().clean() or {}
        try:
            article_input_check(**_submission(data))
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        return data


def _submission(data: dict[str, Any]) -> dict[str, str]:
    return {
        "url": data.get("source_url") or "",
        "html": data.get("html") or "",
        "text": data.get("text") or "",
    }


class StepLeaseInline(admin.TabularInline[StepLease, Article]):
    """Which worker runs which of the article's steps now, and until when it counts as alive."""

    model = StepLease
    extra = 0
    can_delete = False
    verbose_name_plural = "steps running now"
    fields = ("task", "claim", "owner", "expires_at")
    readonly_fields = ("task", "claim", "owner", "expires_at")

    def has_add_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["id", "title", "outlet", "state", "progress", "claims_total", "created_at"]
    list_filter = ["state", "input_kind", "language"]
    search_fields = ["title", "source_url", "outlet"]
    actions = ["retry"]
    readonly_fields = [
        "input_kind",
        "canonical_url",
        "submission_hash",
        "content_hash",
        "state",
        "attempts",
        "last_error",
        "claims_total",
        "duplicate_of",
        "progressed_at",
        "created_at",
        "updated_at",
    ]

    @admin.display(description="pipeline")
    def progress(self, article: Article) -> str:
        return article_progress(article=article).label

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return articles_with_progress()

    def get_form(
        self, request: HttpRequest, obj: Article | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ArticleSubmitForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request: HttpRequest, obj: Article | None) -> Any:
        return [StepLeaseInline] if obj is not None else []  # the add form submits, no more

    def get_fields(self, request: HttpRequest, obj: Article | None = None) -> Any:
        if obj is None:
            return ["source_url", "html", "text"]
        return super().get_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        article, created = article_submit(
            **_submission(form.cleaned_data),
            submitted_by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = article.pk
        if not created:
            messages.info(request, f"Already submitted as article {article.pk}.")

    @admin.action(description="Retry the selected failed articles")
    def retry(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset.filter(state=Article.State.FAILED):
            article_retry(article_id=article.pk)
        messages.success(request, "Failed articles were re-queued.")


class EvidenceInline(admin.TabularInline[Evidence, Claim]):
    model = Evidence
    extra = 0
    fields = ("provider", "title", "url", "score", "relevance", "relevant", "stance")
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin[Claim]):
    list_display = [
        "id",
        "text",
        "speaker",
        "checkworthiness",
        "checkworthiness_model",
        "claim_type",
        "evidence_state",
    ]
    list_filter = ["claim_type", "evidence_state", "checkworthiness_model"]
    search_fields = ["text", "speaker"]
    raw_id_fields = ["article"]
    inlines = [EvidenceInline]


@admin.register(ArticleSentence)
class ArticleSentenceAdmin(admin.ModelAdmin[ArticleSentence]):
    """Every sentence the extractor considered; promote the ones it passed over."""

    list_display = ["id", "article", "start", "score", "check_worthy", "reason", "claim"]
    list_filter = ["check_worthy", "reason"]
    list_select_related = ["article", "claim"]
    raw_id_fields = ["article", "claim"]
    actions = ["promote"]

    @admin.action(description="Promote the selected sentences to claims in the review queue")
    def promote(self, request: HttpRequest, queryset: QuerySet[ArticleSentence]) -> None:
        promoted = 0
        for sentence in queryset.filter(claim__isnull=True):
            try:
                sentence_promote(sentence_id=sentence.pk, user=request.user)  # type: ignore[arg-type]
            except ApplicationError as exc:
                messages.error(request, f"Sentence {sentence.pk}: {exc.message}")
            else:
                promoted += 1
        messages.success(request, f"{promoted} sentence(s) promoted.")


@admin.register(CheckworthinessLabel)
class CheckworthinessLabelAdmin(admin.ModelAdmin[CheckworthinessLabel]):
    """Reviewers' decisions as the check-worthiness model learns them (read-only: they change
    when the decision does)."""

    list_display = ["id", "text", "checkworthy", "origin", "user", "updated_at"]
    list_filter = ["checkworthy", "origin"]
    list_select_related = ["user"]
    search_fields = ["text"]
    readonly_fields = ["claim", "text", "checkworthy", "origin", "user", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


_VERSION_COLUMNS = (
    "name",
    "is_active",
    "state",
    "heldout_f1",
    "active_heldout_f1",
    "labels_used",
    "created_at",
    "activated_at",
)


@admin.register(CheckworthinessModelVersion)
class CheckworthinessModelVersionAdmin(admin.ModelAdmin[CheckworthinessModelVersion]):
    """Retrained check-worthiness models with their held-out scores; any can be re-activated."""

    list_display = _VERSION_COLUMNS
    list_filter = ["is_active", "state"]
    fields = (*_VERSION_COLUMNS, "card")
    readonly_fields = fields
    actions = ["activate", "back_to_shipped"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CheckworthinessModelVersion]:
        return super().get_queryset(request).defer("artifact")  # megabytes each

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Activate the selected version (it scores new articles)")
    def activate(
        self, request: HttpRequest, queryset: QuerySet[CheckworthinessModelVersion]
    ) -> None:
        if queryset.count() != 1:
            messages.error(request, "Select exactly one version to activate.")
            return
        version = queryset.get()
        try:
            checkworthiness_version_activate(version_id=version.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return
        messages.success(request, f"{version.name} is active.")

    @admin.action(description="Deactivate all: score with the shipped model")
    def back_to_shipped(
        self, request: HttpRequest, queryset: QuerySet[CheckworthinessModelVersion]
    ) -> None:
        checkworthiness_version_activate(version_id=None)
        messages.success(request, "The shipped model is active.")
