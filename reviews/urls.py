from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("articles/", views.articles, name="articles"),
    path("claims/<int:item_id>/", views.claim_detail, name="claim"),
]
