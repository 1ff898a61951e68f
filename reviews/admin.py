from django.contrib import admin

from reviews.models import Activity, Citation, Note, ReviewItem, Status, Verdict


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin[Status]):
    list_display = ["name", "slug", "colour", "position", "is_initial", "is_published"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin[Verdict]):
    list_display = ["name", "slug", "colour", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin[ReviewItem]):
    list_display = ["claim", "status", "verdict", "assignee", "priority", "version"]
    list_filter = ["status", "verdict"]
    raw_id_fields = ["claim", "assignee"]
    list_select_related = ["claim", "status", "verdict", "assignee"]


admin.site.register(Citation)
admin.site.register(Note)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    """Read-only: the trail is append-only."""

    list_display = ["created_at", "claim", "actor", "verb"]
    list_select_related = ["claim", "actor"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
