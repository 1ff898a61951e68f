"""Sign-in, passwords, login lockout, proxies, the Content-Security-Policy and the size of
request bodies."""

from datetime import timedelta
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.settings.apps.core import CLAIMDESK_MAX_ARTICLE_BYTES, CLAIMDESK_TRUSTED_PROXIES
from config.settings.apps.reviews import CLAIMDESK_ORGANIZATION_LOGO_URL
from config.settings.common import env

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django must let the body through so the API can answer 413 itself rather than a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = CLAIMDESK_MAX_ARTICLE_BYTES * 2

# --- Login lockout (django-axes, core/signin.py) ----------------------------------------------
# Every password check goes through authenticate(): the desk's login form and the admin's. The
# API takes no passwords (API keys or the browser's session; config/settings/api.py).
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out client is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins, within the cool-off, before a username or an address is locked.
AXES_FAILURE_LIMIT = env.int("CLAIMDESK_LOGIN_FAILURE_LIMIT", default=10)
# The lock lifts this long after the last failed attempt; 0 = until an admin unlocks.
_COOLOFF_MIN = env.int("CLAIMDESK_LOGIN_COOLOFF_MIN", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=_COOLOFF_MIN) if _COOLOFF_MIN > 0 else None
# A refused attempt during a lock restarts the cool-off: a guesser who keeps going stays out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
# A success does not clear the count: it would let anyone with an account of their own wipe
# the count of the address they guess from.
AXES_RESET_ON_SUCCESS = False
_LOCKOUT_FIELDS = {"username", "ip_address", "user_agent"}


def _lockout_parameters(name: str, items: list[str]) -> list[str | list[str]]:
    """Items counted on their own: with username,ip_address a username is locked whatever
    address guesses it, and an address whatever usernames it tries; username+ip_address
    counts the pair."""
    parameters: list[str | list[str]] = []
    for item in items:
        fields = item.split("+")
        if not item or not set(fields) <= _LOCKOUT_FIELDS:
            raise ImproperlyConfigured(
                f"{name} must list {', '.join(sorted(_LOCKOUT_FIELDS))} or pairs joined by +, "
                f"got {item!r}"
            )
        parameters.append(fields if len(fields) > 1 else item)
    return parameters


AXES_LOCKOUT_PARAMETERS = _lockout_parameters(
    "CLAIMDESK_LOGIN_LOCKOUT_BY",
    env.list("CLAIMDESK_LOGIN_LOCKOUT_BY", default=["username", "ip_address"]),
)
AXES_CLIENT_IP_CALLABLE = "core.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "core.signin.lockout_response"

# --- Reverse proxies (CLAIMDESK_TRUSTED_PROXIES, config/settings/apps/core.py) -----------------
# Only a proxy's X-Forwarded-Proto says the client came over https; without one, the header is
# the client's and would let a plain-http request pass for https (SECURE_SSL_REDIRECT, secure
# cookies, CSRF's https checks).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CLAIMDESK_TRUSTED_PROXIES else None

# --- Content-Security-Policy (django-csp; README, "Security") --------------------------------
# Every script and stylesheet is a file served from here, htmx and the keyboard shortcuts
# included, so default-src 'self' holds for both: no inline script, no eval, and no inline
# style either. Styles get no 'unsafe-inline' because nothing needs it (the workflow's colours
# come from /colours.css, reviews/views/colours.py), and an injected style can still restyle a
# page to mislead or read attribute values out through selectors. The API docs pages, whose
# bundles need more, widen it for themselves only (config/urls.py).
_LOGO = urlsplit(CLAIMDESK_ORGANIZATION_LOGO_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # The public pages' logo may live elsewhere (CLAIMDESK_ORGANIZATION_LOGO_URL).
        "img-src": [SELF, *([f"{_LOGO.scheme}://{_LOGO.netloc}"] if _LOGO.netloc else [])],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
