from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("queue/counts/", views.queue_counts, name="queue-counts"),
    path("take-next/", views.take_next, name="take-next"),
    path("bulk/", views.bulk, name="bulk"),
    path("views/", views.saved_view_save, name="saved-view-save"),
    path("views/<int:view_id>/delete/", views.saved_view_delete, name="saved-view-delete"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("articles/", views.articles, name="articles"),
    path("claims/<int:item_id>/", views.claim_detail, name="claim"),
    path(
        "claims/<int:item_id>/history.<str:fmt>",
        views.claim_history_export,
        name="claim-history",
    ),
]
