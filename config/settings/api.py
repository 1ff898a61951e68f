"""The REST API (Django REST framework) and its OpenAPI schema (drf-spectacular).

The per-key rate and key cache are the clients app's (config/settings/apps/clients.py).
"""

REST_FRAMEWORK = {
    # Programs send an API key (scoped, revocable, rate-limited per key); people use the
    # browser session they logged in with. No HTTP Basic: it would put a person's password on
    # every request and give password guessing a path around the login lockout.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clients.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Each view names the scope each method needs (clients/scopes.py).
    "DEFAULT_PERMISSION_CLASSES": ["clients.scopes.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["clients.throttling.ApiKeyRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.problems.claimdesk_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ClaimDesk API",
    "DESCRIPTION": "Push articles in, pull reviewed claims out.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are public: integrators read them before they have a key.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.add_problem_responses",
    ],
    # Swagger UI's assets are served from this install, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
