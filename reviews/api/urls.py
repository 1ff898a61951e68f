from django.urls import path

import core.converters  # noqa: F401 — registers <id:...>
from reviews.api import views

urlpatterns = [
    path("claims", views.ClaimListApi.as_view(), name="claim-list"),
    path("claims/export.<str:fmt>", views.ClaimExportApi.as_view(), name="claim-export"),
    path("claims/<id:claim_id>", views.ClaimDetailApi.as_view(), name="claim-detail"),
    path(
        "claims/<id:claim_id>/citations",
        views.ClaimCitationsApi.as_view(),
        name="claim-citations",
    ),
    path("claims/<id:claim_id>/evidence", views.ClaimEvidenceApi.as_view(), name="claim-evidence"),
    path(
        "claims/<id:claim_id>/claimreview",
        views.ClaimReviewApi.as_view(),
        name="claim-claimreview",
    ),
    path("claimreview.jsonld", views.ClaimReviewFeedApi.as_view(), name="claimreview-feed"),
    path("claimreview", views.ClaimReviewImportApi.as_view(), name="claimreview-import"),
    path("verdicts", views.VerdictListApi.as_view(), name="verdict-list"),
    path("changes", views.ChangesApi.as_view(), name="changes"),
]
