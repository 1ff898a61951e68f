from django.urls import path

import config.converters  # noqa: F401 — registers <id:...>
from claims.api import sources, views

urlpatterns = [
    path("articles", views.ArticleCreateApi.as_view(), name="article-create"),
    path("articles/<id:article_id>", views.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<id:article_id>/retry", views.ArticleRetryApi.as_view(), name="article-retry"),
    path("sources", sources.SourceListCreateApi.as_view(), name="source-list"),
    path("sources/<id:source_id>", sources.SourceDetailApi.as_view(), name="source-detail"),
    path("search", sources.SearchApi.as_view(), name="search"),
]
