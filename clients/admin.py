from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from clients.models import SCOPES, ApiKey
from clients.services import api_key_create, api_key_revoke


class ApiKeyCreateForm(forms.ModelForm[ApiKey]):
    scopes = forms.MultipleChoiceField(
        choices=[(scope, f"{scope}: {text}") for scope, text in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = ["name", "owner", "scopes"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    """Keys are created here (the key is shown once) and revoked, never edited."""

    list_display = ["name", "prefix", "scopes", "owner", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    actions = ["revoke"]
    readonly_fields = [
        "name",
        "prefix",
        "scopes",
        "owner",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]

    def get_form(
        self, request: HttpRequest, obj: ApiKey | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[ApiKey]]:
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            return
        assert isinstance(request.user, User)  # noqa: S101 — admin users are real users
        key, plaintext = api_key_create(
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            owner=form.cleaned_data["owner"],
            created_by=request.user,
        )
        obj.pk = key.pk  # the admin's redirect and log entry refer to the saved key
        messages.warning(
            request,
            f"The new key is {plaintext} — copy it now: it is stored hashed and cannot be "
            "shown again.",
        )

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_key_revoke(key=key)
        self.message_user(request, f"Revoked {queryset.count()} keys.")
