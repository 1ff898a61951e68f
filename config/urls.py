from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from core import views as ops
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

# The API docs. Their templates (core/templates/core/) load everything from here (drf-
# spectacular's Redoc template fetches fonts from Google) and put no script or style inline; the
# split view serves Swagger UI's start-up script as a file (?script). What the bundles still
# need beyond the Content-Security-Policy (config/settings/security.py) is allowed on these two
# pages only, which show nothing but our own schema: Swagger UI draws its icons as data: images,
# and Redoc makes its styles at run time (styled-components' <style> elements) and runs its
# search in a worker made from a blob: URL.
swagger_ui = csp_update({"img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="core/swagger_ui.html")
)
redoc = csp_update(
    {"img-src": ["data:"], "style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}
)(SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"))

urlpatterns = [
    # For the people who run it (README, "Operations"): probes and the Prometheus scrape.
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.prometheus_metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", swagger_ui, name="swagger-ui"),
    path("api/redoc/", redoc, name="redoc"),
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
