from django.urls import path

import core.converters  # noqa: F401 — registers <id:...>
from claims.api import views

urlpatterns = [
    path("articles", views.ArticleCreateApi.as_view(), name="article-create"),
    path("articles/<id:article_id>", views.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<id:article_id>/retry", views.ArticleRetryApi.as_view(), name="article-retry"),
]
