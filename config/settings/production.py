"""Production: secrets have no defaults, so a missing one stops the process at start-up."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# Without it, public URLs made outside a request (webhook payloads, tasks) would point at
# http://127.0.0.1:8000 (reviews/public_urls.py).
CLAIMDESK_PUBLIC_BASE_URL = env.str("CLAIMDESK_PUBLIC_BASE_URL", default="")
if not CLAIMDESK_PUBLIC_BASE_URL:
    raise ImproperlyConfigured(
        "CLAIMDESK_PUBLIC_BASE_URL must be set in production: the address readers reach the "
        "public pages at, e.g. https://factcheck.example"
    )
