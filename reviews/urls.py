from django.urls import path

from reviews.views import articles, claim, colours, dashboard, inbox, queue

app_name = "reviews"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("queue/counts/", queue.queue_counts, name="queue-counts"),
    path("take-next/", queue.take_next, name="take-next"),
    path("bulk/", queue.bulk, name="bulk"),
    path("views/", queue.saved_view_save, name="saved-view-save"),
    path("views/<int:view_id>/delete/", queue.saved_view_delete, name="saved-view-delete"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("colours.css", colours.colours_css, name="colours"),
    path("articles/", articles.articles, name="articles"),
    path("articles/submit/", articles.article_submit_view, name="article-submit"),
    path("articles/<int:article_id>/", articles.article_detail, name="article"),
    path("articles/<int:article_id>/retry/", articles.article_retry_view, name="article-retry"),
    path(
        "articles/<int:article_id>/sentences/<int:sentence_id>/promote/",
        articles.sentence_promote_view,
        name="sentence-promote",
    ),
    path("claims/<int:item_id>/", claim.claim_detail, name="claim"),
    path("claims/<int:item_id>/citations/", claim.claim_citations, name="claim-citations"),
    path(
        "claims/<int:item_id>/history.<str:fmt>",
        claim.claim_history_export,
        name="claim-history",
    ),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:notification_id>/", inbox.inbox_open, name="inbox-open"),
    path("inbox/<int:notification_id>/read/", inbox.inbox_mark_read, name="inbox-read"),
    path("inbox/read-all/", inbox.inbox_mark_all_read, name="inbox-read-all"),
    path("inbox/settings/", inbox.inbox_settings, name="inbox-settings"),
]
