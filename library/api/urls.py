from django.urls import path

import core.converters  # noqa: F401 — registers <id:...>
from library.api import claimreview, sources

urlpatterns = [
    path("sources", sources.SourceListCreateApi.as_view(), name="source-list"),
    path("sources/<id:source_id>", sources.SourceDetailApi.as_view(), name="source-detail"),
    path("search", sources.SearchApi.as_view(), name="search"),
    path("claimreview", claimreview.ClaimReviewImportApi.as_view(), name="claimreview-import"),
]
