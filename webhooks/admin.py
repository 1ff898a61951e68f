"""Admin: endpoints (created and changed through the services, secret shown once) and the
delivery log (read-only, with redelivery)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.errors import ApplicationError
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookEndpointForm(forms.ModelForm[WebhookEndpoint]):
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["owner", "client_name", "url", "description", "events", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("url") and "url" in self.changed_data:
            try:
                services.endpoint_url_check(cleaned["url"])
            except ApplicationError as exc:
                self.add_error("url", exc.message)
        return cleaned


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    form = WebhookEndpointForm
    list_display = [
        "id",
        "url",
        "owner",
        "client_name",
        "is_active",
        "consecutive_failures",
        "disabled_reason",
        "updated_at",
    ]
    list_filter = ["is_active"]
    list_select_related = ["owner"]
    search_fields = ["url", "client_name", "owner__username", "description"]
    raw_id_fields = ["owner"]
    actions = ["enable", "rotate_secret"]

    # A new endpoint starts active; the secret is never a form field (shown once in a message).
    add_fields = ["owner", "client_name", "url", "description", "events"]
    change_readonly = ["owner", "client_name", "disabled_reason", "consecutive_failures"]

    def get_readonly_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> Any:
        return [] if obj is None else self.change_readonly

    def get_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> Any:
        if obj is None:
            return self.add_fields
        return [*self.add_fields, "is_active", "disabled_reason", "consecutive_failures"]

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        if change:
            # `obj` already carries the form's values; the service compares with the stored row.
            services.endpoint_update(
                endpoint=WebhookEndpoint.objects.get(pk=obj.pk),
                url=data["url"],
                events=data["events"],
                description=data["description"],
                is_active=data["is_active"],
            )
            return
        endpoint = services.endpoint_create(
            url=data["url"],
            events=data["events"],
            description=data["description"],
            owner=data["owner"],
            client_name=data["client_name"],
        )
        obj.pk = endpoint.pk
        _show_secret(request, endpoint.url, endpoint.secret)

    @admin.action(description="Enable the selected endpoints (and reset their failure count)")
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint_id in queryset.values_list("pk", flat=True):
            services.endpoint_enable(endpoint_id=endpoint_id)
        messages.success(request, "The endpoints were enabled.")

    @admin.action(description="Rotate the signing secret of the selected endpoints")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            _show_secret(request, endpoint.url, services.endpoint_rotate_secret(endpoint=endpoint))


def _show_secret(request: HttpRequest, url: str, secret: str) -> None:
    messages.warning(
        request, f"Signing secret for {url}: {secret} — copy it now, it is not shown again."
    )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    """The delivery log: read-only; the one change is a redelivery."""

    list_display = [
        "id",
        "endpoint",
        "event",
        "event_id",
        "state",
        "attempts",
        "last_status",
        "last_duration_ms",
        "created_at",
        "delivered_at",
        "next_attempt_at",
    ]
    list_filter = ["state", "event", "endpoint"]
    list_select_related = ["endpoint"]
    search_fields = ["event_id"]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Redeliver the selected deliveries (same event id)")
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        sent = 0
        for delivery_id in queryset.values_list("pk", flat=True):
            try:
                services.delivery_redeliver(delivery_id=delivery_id)
            except ApplicationError as exc:
                messages.error(request, f"Delivery {delivery_id}: {exc.message}")
            else:
                sent += 1
        messages.success(request, f"{sent} deliveries queued again.")
