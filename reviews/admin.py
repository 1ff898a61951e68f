from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from core.errors import ApplicationError
from reviews.models import Activity, Citation, Note, ReviewItem, SavedView, Status, Tag, Verdict
from reviews.services import workflow


class MoveClaimsForm(forms.Form):
    move_to = forms.ModelChoiceField(queryset=Status.objects.none(), label="Move its claims to")

    def __init__(self, *args: Any, status: Status, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["move_to"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — narrows for mypy
        field.queryset = Status.objects.exclude(pk=status.pk)


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin[Status]):
    list_display = [
        "name",
        "slug",
        "position",
        "is_initial",
        "in_take_next",
        "requires_editor",
        "is_published",
    ]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["allowed_next"]

    def save_model(self, request: HttpRequest, obj: Status, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "in_take_next" in form.changed_data:
            workflow.status_set_take_next(status=obj, in_take_next=obj.in_take_next)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """A status still in use asks where its claims go before it is deleted."""
        status = self.get_object(request, object_id)
        in_use = ReviewItem.objects.filter(status=status).count() if status else 0
        if not in_use or status is None:
            return super().delete_view(request, object_id, extra_context)
        if not self.has_delete_permission(request, status):
            return super().delete_view(request, object_id, extra_context)
        form = MoveClaimsForm(request.POST or None, status=status)
        if request.method == "POST" and form.is_valid():
            assert isinstance(request.user, User)  # noqa: S101 — admin users are real users
            try:
                moved = workflow.status_delete(
                    status_id=status.pk, move_to=form.cleaned_data["move_to"], user=request.user
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, level="error")
            else:
                self.message_user(
                    request,
                    f"Moved {moved} claims to {form.cleaned_data['move_to']} and deleted {status}.",
                )
                return redirect("admin:reviews_status_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "status": status,
            "in_use": in_use,
            "form": form,
            "title": f"Delete {status}",
        }
        return TemplateResponse(request, "admin/reviews/status/move_claims.html", context)


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin[Verdict]):
    list_display = ["name", "slug", "colour", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin[ReviewItem]):
    """Read-mostly: decisions go through the claim page, where the workflow rules apply."""

    list_display = ["claim", "status", "verdict", "assignee", "priority", "version"]
    list_filter = ["status", "verdict", "tags"]
    raw_id_fields = ["claim", "assignee"]
    list_select_related = ["claim", "status", "verdict", "assignee"]
    readonly_fields = [
        "claim",
        "status",
        "verdict",
        "explanation",
        "assignee",
        "lease_expires_at",
        "in_take_next",
        "decided_by",
        "published_at",
        "published_by",
        "status_changed_at",
        "version",
    ]


admin.site.register(Citation)
admin.site.register(Note)
admin.site.register(SavedView)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    """Read-only: the trail is append-only."""

    list_display = ["created_at", "claim", "actor", "verb"]
    list_select_related = ["claim", "actor"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
