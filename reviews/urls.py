from django.urls import path

from reviews.views import articles, claim, dashboard, queue

app_name = "reviews"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("queue/counts/", queue.queue_counts, name="queue-counts"),
    path("take-next/", queue.take_next, name="take-next"),
    path("bulk/", queue.bulk, name="bulk"),
    path("views/", queue.saved_view_save, name="saved-view-save"),
    path("views/<int:view_id>/delete/", queue.saved_view_delete, name="saved-view-delete"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("articles/", articles.articles, name="articles"),
    path("claims/<int:item_id>/", claim.claim_detail, name="claim"),
    path("claims/<int:item_id>/citations/", claim.claim_citations, name="claim-citations"),
    path(
        "claims/<int:item_id>/history.<str:fmt>",
        claim.claim_history_export,
        name="claim-history",
    ),
]
