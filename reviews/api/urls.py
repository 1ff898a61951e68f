from django.urls import path

from reviews.api import views

urlpatterns = [
    path("claims", views.ReviewedClaimListApi.as_view(), name="claim-list"),
]
