from django.urls import path

import core.converters  # noqa: F401 — registers <id:...>
from reviews.api import changes, claims, exports, feed, verdicts

urlpatterns = [
    path("claims", claims.ClaimListApi.as_view(), name="claim-list"),
    path("claims/export.<str:fmt>", exports.ClaimExportApi.as_view(), name="claim-export"),
    path("claims/<id:claim_id>", claims.ClaimDetailApi.as_view(), name="claim-detail"),
    path(
        "claims/<id:claim_id>/citations",
        claims.ClaimCitationsApi.as_view(),
        name="claim-citations",
    ),
    path("claims/<id:claim_id>/evidence", claims.ClaimEvidenceApi.as_view(), name="claim-evidence"),
    path(
        "claims/<id:claim_id>/claimreview",
        claims.ClaimReviewApi.as_view(),
        name="claim-claimreview",
    ),
    path("claimreview.jsonld", feed.ClaimReviewFeedApi.as_view(), name="claimreview-feed"),
    path("verdicts", verdicts.VerdictListApi.as_view(), name="verdict-list"),
    path("changes", changes.ChangesApi.as_view(), name="changes"),
]
