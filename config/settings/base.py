"""Settings shared by every environment; everything deployment-specific comes from env vars.

This module is the small core (apps, middleware, templates, i18n, static files, logging); it
composes the rest, one module per concern:

- config/settings/common.py: paths and the environment reader;
- database.py (database and cache), celery.py (broker, routes, the whole beat schedule),
  security.py (sign-in, passwords, request size), api.py (REST framework, OpenAPI),
  logs.py (log format and the ids on every line);
- apps/<app>.py: each app's CLAIMDESK_* settings, read by the app through <app>/conf.py.

A new setting: an env read in config/settings/apps/<app>.py and a typed field in <app>/conf.py.
"""

import django_stubs_ext

from config.settings.api import *
from config.settings.apps.claims import *
from config.settings.apps.clients import *
from config.settings.apps.core import *
from config.settings.apps.library import *
from config.settings.apps.reviews import *
from config.settings.apps.webhooks import *
from config.settings.celery import *
from config.settings.common import BASE_DIR as BASE_DIR
from config.settings.common import TIME_ZONE as TIME_ZONE
from config.settings.common import VAR_DIR as VAR_DIR
from config.settings.common import env as env
from config.settings.database import *
from config.settings.logs import logging_config
from config.settings.security import *

# Lets runtime code subscript Django generics (ModelAdmin[Article]) as the type stubs do.
django_stubs_ext.monkeypatch()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
LANGUAGE_CODE = "en"
USE_I18N = True
USE_TZ = True
SITE_NAME = env.str("CLAIMDESK_SITE_NAME", default="ClaimDesk")

# --- Apps -----------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "core",
    "library",
    "claims",
    "reviews",
    "clients",
    "webhooks",
    # Training and evaluation commands, and the worker's retraining task (lab/tasks.py):
    # nothing the web process or the pipeline imports uses it.
    "lab",
]

MIDDLEWARE = [
    # First, so every log line of the request carries its id.
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (config/settings/security.py).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: static files are not counted as views.
    "core.middleware.RequestMetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every GET (a hash of the body) and 304 for If-None-Match / If-Modified-Since.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: it turns a login refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reviews.context_processors.notifications",
            ],
        },
    },
]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Logging --------------------------------------------------------------------------------
# Human-readable lines; production writes JSON (config/settings/logs.py).
LOGGING = logging_config(default_format="plain")
