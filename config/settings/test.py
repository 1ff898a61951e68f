"""Test settings. The database and broker still come from the environment, so the same suite
runs on the SQLite default and on PostgreSQL + Redis (see the Makefile's `test` target)."""

from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, VAR_DIR, env

SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In-process tasks by default; end-to-end tests switch the app to a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a worker subprocess in end-to-end tests sees the same database.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("CLAIMDESK_TEST_SQLITE", default=str(VAR_DIR / "test-claimdesk.sqlite3"))
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the apps' folders (finders), not a collected STATIC_ROOT.
STATIC_ROOT: Path | None = None  # type: ignore[no-redef]  # base sets a Path
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Axes would count every failed login across the suite, and Client.login() passes no request,
# which its backend refuses; the lockout tests switch it on (tests/core/test_signin.py).
AXES_ENABLED = False
