from django.urls import path

from claims.api import views

urlpatterns = [
    path("articles", views.ArticleCreateApi.as_view(), name="article-create"),
    path("articles/<int:article_id>", views.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<int:article_id>/retry", views.ArticleRetryApi.as_view(), name="article-retry"),
]
