"""Production: secrets have no defaults, so a missing one stops the process at start-up."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import env
from config.settings.logs import logging_config

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# One JSON object per line, for a log pipeline to index (request id, article and claim ids).
LOGGING = logging_config(default_format="json")

# --- HTTPS only (README, "Security") --------------------------------------------------------
# Plain http is redirected to https. Behind a proxy that ends TLS, the app sees https only if
# CLAIMDESK_TRUSTED_PROXIES says the proxy's X-Forwarded-Proto can be believed.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Browsers then refuse plain http to this host for a year. Subdomains of the app's own host
# (not of its parent domain) are included: nothing of ours is served from them over http.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Asking to be on the browsers' preload list binds the whole registered domain, for months, and
# only the domain's owner can decide that: off unless they say so.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [
    "security.W021",  # SECURE_HSTS_PRELOAD off: see above
]
# Without it, public URLs made outside a request (webhook payloads, tasks) would point at
# http://127.0.0.1:8000 (reviews/public_urls.py).
CLAIMDESK_PUBLIC_BASE_URL = env.str("CLAIMDESK_PUBLIC_BASE_URL", default="")
if not CLAIMDESK_PUBLIC_BASE_URL:
    raise ImproperlyConfigured(
        "CLAIMDESK_PUBLIC_BASE_URL must be set in production: the address readers reach the "
        "public pages at, e.g. https://factcheck.example"
    )
