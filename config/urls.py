from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.problems import api_not_found
from reviews.views.public import (
    FactCheckFeed,
    FactCheckSitemap,
    fact_check,
    fact_check_index,
    fact_check_missing,
)

api_v1 = (
    [
        path("", include("claims.api.urls")),
        path("", include("library.api.urls")),
        path("", include("reviews.api.urls")),
        path("", include("webhooks.api.urls")),
    ],
    "api",
)

# The admin speaks the product's name, not Django's.
admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Data and settings"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "api/redoc/",
        # drf-spectacular's own template loads fonts from Google; ours serves everything locally.
        SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"),
        name="redoc",
    ),
    re_path(r"^api/", api_not_found),
    path("fact-checks/", fact_check_index, name="fact-checks"),
    path("fact-checks/feed.atom", FactCheckFeed(), name="fact-checks-feed"),
    path("fact-checks/<int:claim_id>-<slug:slug>/", fact_check, name="fact-check"),
    path("fact-checks/<path:rest>", fact_check_missing),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"fact-checks": FactCheckSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("", include("reviews.urls")),
]
