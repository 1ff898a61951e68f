from django.urls import path

from claims.api import sources, views

urlpatterns = [
    path("articles", views.ArticleCreateApi.as_view(), name="article-create"),
    path("articles/<int:article_id>", views.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<int:article_id>/retry", views.ArticleRetryApi.as_view(), name="article-retry"),
    path("sources", sources.SourceListCreateApi.as_view(), name="source-list"),
    path("sources/<int:source_id>", sources.SourceDetailApi.as_view(), name="source-detail"),
    path("search", sources.SearchApi.as_view(), name="search"),
]
