"""Settings shared by every environment; everything deployment-specific comes from env vars."""

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ

# Lets runtime code subscript Django generics (ModelAdmin[Article]) as the type stubs do.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Local state of the embedded default (SQLite database, broker, beat schedule); not in git.
VAR_DIR = Path(environ.Env().str("CLAIMDESK_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True
USE_TZ = True
SITE_NAME = env.str("CLAIMDESK_SITE_NAME", default="ClaimDesk")

# --- Database -------------------------------------------------------------------------------
# The embedded default is a SQLite file; DATABASE_URL=postgres://... switches to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'claimdesk.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker processes write the same file: WAL lets readers run beside one writer,
    # IMMEDIATE transactions take the write lock up front instead of failing on upgrade, and
    # the timeout makes a writer wait for the lock rather than raise "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
    "core",
    "library",
    "claims",
    "reviews",
    "clients",
    "lab",  # training and evaluation commands only: nothing at run time imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every GET (a hash of the body) and 304 for If-None-Match / If-Modified-Since.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Request size ---------------------------------------------------------------------------
# Largest article body accepted (API upload, ingest command, fetched page). Larger → 413 / failed.
CLAIMDESK_MAX_ARTICLE_BYTES = env.int("CLAIMDESK_MAX_ARTICLE_BYTES", default=5 * 1024 * 1024)
# Django must let the body through so the API can answer 413 itself rather than a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = CLAIMDESK_MAX_ARTICLE_BYTES * 2

# --- Outbound HTTP (article URLs, providers) -------------------------------------------------
CLAIMDESK_FETCH_TIMEOUT_S = env.float("CLAIMDESK_FETCH_TIMEOUT_S", default=15.0)
CLAIMDESK_FETCH_MAX_REDIRECTS = env.int("CLAIMDESK_FETCH_MAX_REDIRECTS", default=5)
CLAIMDESK_FETCH_USER_AGENT = env.str(
    "CLAIMDESK_FETCH_USER_AGENT", default="ClaimDesk/0.1 (+https://github.com/claimdesk)"
)
# Hosts (names or IPs) that may be fetched although they resolve to private, loopback or
# link-local addresses, e.g. an intranet CMS. Empty by default: the SSRF guard blocks them.
CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS: list[str] = env.list(
    "CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS", default=[]
)

# --- Pipeline -------------------------------------------------------------------------------
# Sentences scoring at least this are stored as claims (issue #4 replaces the scorer).
CLAIMDESK_CHECKWORTHY_THRESHOLD = env.float("CLAIMDESK_CHECKWORTHY_THRESHOLD", default=0.5)
CLAIMDESK_EVIDENCE_PER_CLAIM = env.int("CLAIMDESK_EVIDENCE_PER_CLAIM", default=5)
# An article that has not moved for this long in a working state is re-enqueued by the sweeper.
CLAIMDESK_PIPELINE_STUCK_AFTER = timedelta(
    seconds=env.int("CLAIMDESK_PIPELINE_STUCK_AFTER_S", default=10 * 60)
)
# After this many starts the sweeper gives up and marks the article failed.
CLAIMDESK_PIPELINE_MAX_ATTEMPTS = env.int("CLAIMDESK_PIPELINE_MAX_ATTEMPTS", default=5)
# Called with article_id once an article's claims have their evidence: the hand-off from the
# pipeline (claims app) to the review queue (reviews app), named here so claims never imports it.
CLAIMDESK_REVIEW_HANDOFF = "reviews.services.queue.review_items_enqueue_for_article"

# --- Celery ---------------------------------------------------------------------------------
# Embedded default: kombu's SQLAlchemy transport on a SQLite file next to the database, so the
# pipeline is a real asynchronous queue with no broker to install. REDIS_URL or
# CELERY_BROKER_URL switch to Redis (or any broker kombu supports).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL",
    default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}",
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("redis"):
    # An unacknowledged message (worker killed hard) goes back to the queue after this long.
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int(
        "CELERY_VISIBILITY_TIMEOUT_S", default=3600
    )
# Progress and results live on the Article row, so task results are not stored.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died is put back on the queue rather than dropped.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# The SQLite-backed broker is polled (once a second): a worker that reserves a few messages
# per poll keeps its processes busy. Reserved messages of a killed worker are not lost: the
# sweeper re-enqueues the articles they belonged to.
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int(
    "CELERY_WORKER_PREFETCH_MULTIPLIER", default=8 if CELERY_BROKER_URL.startswith("sqla+") else 1
)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_DEFAULT_QUEUE = "pipeline"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Document frequencies for BM25 on PostgreSQL (a full scan; a no-op on SQLite).
    "library-refresh-stats": {
        "task": "claims.library_refresh_stats",
        "schedule": env.float("CLAIMDESK_LEXICAL_STATS_EVERY_S", default=3600.0),
    },
    # Embeds passages whose indexing task was lost or whose vectors predate the current model.
    "library-index-missing": {
        "task": "claims.library_index_missing",
        "schedule": env.float("CLAIMDESK_INDEX_MISSING_EVERY_S", default=300.0),
    },
    # Safety net for a lost refresh (indexing tasks queue one after writing vectors).
    "dense-index-refresh": {
        "task": "claims.dense_index_refresh",
        "schedule": env.float("CLAIMDESK_DENSE_REFRESH_EVERY_S", default=600.0),
    },
    "pipeline-sweep-stuck": {
        "task": "claims.pipeline_sweep_stuck",
        "schedule": env.float("CLAIMDESK_SWEEP_EVERY_S", default=60.0),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Review queue ---------------------------------------------------------------------------
# A reviewer's hold on a claim lasts this long after their last action on it; the sweeper then
# returns the claim to the queue.
CLAIMDESK_LEASE_S = env.int("CLAIMDESK_LEASE_S", default=30 * 60)
CLAIMDESK_LEASE_SWEEP_EVERY_S = env.float("CLAIMDESK_LEASE_SWEEP_EVERY_S", default=60.0)
CELERY_BEAT_SCHEDULE["reviews-expire-leases"] = {
    "task": "reviews.leases_expire",
    "schedule": CLAIMDESK_LEASE_SWEEP_EVERY_S,
}
# Publishing needs an editor who is not the person who set the verdict (four-eyes rule).
CLAIMDESK_PUBLISH_REQUIRES_SECOND_PERSON = env.bool(
    "CLAIMDESK_PUBLISH_REQUIRES_SECOND_PERSON", default=True
)
# Queue priority = a weighted sum of signals in [0, 1] (README, "Queue priority").
CLAIMDESK_PRIORITY_WEIGHTS: dict[str, float] = {
    "checkworthiness": env.float("CLAIMDESK_PRIORITY_W_CHECKWORTHINESS", default=0.55),
    "recency": env.float("CLAIMDESK_PRIORITY_W_RECENCY", default=0.25),
    "reach": env.float("CLAIMDESK_PRIORITY_W_REACH", default=0.10),
    "trending": env.float("CLAIMDESK_PRIORITY_W_TRENDING", default=0.10),
}
# Recency halves every this many hours since the article was published.
CLAIMDESK_PRIORITY_RECENCY_HALF_LIFE_H = env.float(
    "CLAIMDESK_PRIORITY_RECENCY_HALF_LIFE_H", default=48.0
)
# Reach in [0, 1] by outlet name and by speaker name (case-insensitive); unknown → 0.
CLAIMDESK_OUTLET_REACH: dict[str, float] = env.json("CLAIMDESK_OUTLET_REACH", default={})
CLAIMDESK_SPEAKER_REACH: dict[str, float] = env.json("CLAIMDESK_SPEAKER_REACH", default={})
# Trending: how many other claims with the same fingerprint arrived in this window
# (saturating at CLAIMDESK_PRIORITY_TRENDING_SATURATION).
CLAIMDESK_PRIORITY_TRENDING_WINDOW_H = env.float(
    "CLAIMDESK_PRIORITY_TRENDING_WINDOW_H", default=72.0
)
CLAIMDESK_PRIORITY_TRENDING_SATURATION = env.int(
    "CLAIMDESK_PRIORITY_TRENDING_SATURATION", default=5
)
# Published fact-checks: who publishes them, where their public pages live, and the rating
# scale of ClaimReview (each verdict's rating_value lies between worst and best).
CLAIMDESK_ORGANIZATION_NAME = env.str("CLAIMDESK_ORGANIZATION_NAME", default="ClaimDesk")
CLAIMDESK_ORGANIZATION_URL = env.str("CLAIMDESK_ORGANIZATION_URL", default="")
CLAIMDESK_PUBLIC_BASE_URL = env.str("CLAIMDESK_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
CLAIMDESK_RATING_BEST = env.int("CLAIMDESK_RATING_BEST", default=5)
CLAIMDESK_RATING_WORST = env.int("CLAIMDESK_RATING_WORST", default=1)
# Per-view counts on the queue page are cached this long (a count over a million rows costs
# more than the page itself).
CLAIMDESK_QUEUE_COUNTS_CACHE_S = env.int("CLAIMDESK_QUEUE_COUNTS_CACHE_S", default=30)

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clients.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
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
# Requests per API key, e.g. "600/min" (empty: unlimited). Over the rate: 429 + Retry-After.
CLAIMDESK_API_RATE = env.str("CLAIMDESK_API_RATE", default="600/min")
# How long a process reuses a looked-up API key; a revocation takes effect everywhere within it.
CLAIMDESK_API_KEY_CACHE_S = env.float("CLAIMDESK_API_KEY_CACHE_S", default=10.0)
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

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Evidence providers ----------------------------------------------------------------------
# External providers are switched on by their key/URL; the local ones always run.
CLAIMDESK_GOOGLE_FACTCHECK_API_KEY = env.str("CLAIMDESK_GOOGLE_FACTCHECK_API_KEY", default="")
# e.g. https://en.wikipedia.org/w/api.php (any language, or the newsroom's own MediaWiki).
CLAIMDESK_MEDIAWIKI_API_URL = env.str("CLAIMDESK_MEDIAWIKI_API_URL", default="")
_default_providers = [
    "library.evidence.library.LibraryProvider",
    "library.evidence.library.FactCheckProvider",
]
if CLAIMDESK_GOOGLE_FACTCHECK_API_KEY:
    _default_providers.append("library.evidence.providers.google_factcheck.GoogleFactCheckProvider")
if CLAIMDESK_MEDIAWIKI_API_URL:
    _default_providers.append("library.evidence.providers.mediawiki.MediaWikiProvider")
# Evidence providers, in the order their hits are listed.
CLAIMDESK_EVIDENCE_PROVIDERS = env.list("CLAIMDESK_EVIDENCE_PROVIDERS", default=_default_providers)
CLAIMDESK_PROVIDER_TIMEOUT_S = env.float("CLAIMDESK_PROVIDER_TIMEOUT_S", default=8.0)
CLAIMDESK_PROVIDER_ATTEMPTS = env.int("CLAIMDESK_PROVIDER_ATTEMPTS", default=3)
CLAIMDESK_PROVIDER_BACKOFF_S = env.float("CLAIMDESK_PROVIDER_BACKOFF_S", default=0.5)
CLAIMDESK_PROVIDER_RATE_PER_S = env.float("CLAIMDESK_PROVIDER_RATE_PER_S", default=5.0)
# After this many failed calls in a row a provider is skipped for the cooldown.
CLAIMDESK_PROVIDER_CIRCUIT_THRESHOLD = env.int("CLAIMDESK_PROVIDER_CIRCUIT_THRESHOLD", default=5)
CLAIMDESK_PROVIDER_CIRCUIT_COOLDOWN_S = env.float(
    "CLAIMDESK_PROVIDER_CIRCUIT_COOLDOWN_S", default=60.0
)

# --- Dense retrieval and claim matching (README, "Evidence: hybrid retrieval") -------------
# onnxruntime threads per embedding call (0 = one per core).
CLAIMDESK_EMBEDDER_THREADS = env.int("CLAIMDESK_EMBEDDER_THREADS", default=0)
# Passages embedded per batch (one transaction each) by the indexing tasks.
CLAIMDESK_EMBED_BATCH = env.int("CLAIMDESK_EMBED_BATCH", default=64)
# The ANN index files (rebuilt from the database whenever they are missing or stale).
CLAIMDESK_DENSE_INDEX_DIR = Path(
    env.str("CLAIMDESK_DENSE_INDEX_DIR", default=str(VAR_DIR / "dense"))
)
# Candidates each retriever contributes to reciprocal rank fusion, and the fusion constant.
CLAIMDESK_HYBRID_CANDIDATES = env.int("CLAIMDESK_HYBRID_CANDIDATES", default=100)
CLAIMDESK_HYBRID_RRF_K = env.int("CLAIMDESK_HYBRID_RRF_K", default=60)
# Claim matching against reviewed claims: suggest "similar to claim #N" at or above the first,
# join its cluster at or above the second; claims shorter than MIN_WORDS never auto-link.
# Defaults justified by `manage.py evaluate_matching` (README).
CLAIMDESK_MATCH_SUGGEST_THRESHOLD = env.float("CLAIMDESK_MATCH_SUGGEST_THRESHOLD", default=0.75)
CLAIMDESK_MATCH_AUTOLINK_THRESHOLD = env.float("CLAIMDESK_MATCH_AUTOLINK_THRESHOLD", default=0.9)
CLAIMDESK_MATCH_MIN_WORDS = env.int("CLAIMDESK_MATCH_MIN_WORDS", default=8)
# Returns the claims a new claim may match (a QuerySet[Claim]); the reviews app names its own
# selector here so claims never imports reviews.
CLAIMDESK_MATCH_CANDIDATES = env.str(
    "CLAIMDESK_MATCH_CANDIDATES", default="reviews.selectors.claims_reviewed"
)

# --- Cache (circuit breakers): Redis when configured, so every worker sees the same state. ---
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Optional LLM backend (OpenAI-compatible /chat/completions) that rewrites claims so they
# stand alone. Off by default; the local rules always run and remain the fallback.
CLAIMDESK_LLM_BASE_URL = env.str("CLAIMDESK_LLM_BASE_URL", default="")
CLAIMDESK_LLM_MODEL = env.str("CLAIMDESK_LLM_MODEL", default="")
CLAIMDESK_LLM_API_KEY = env.str("CLAIMDESK_LLM_API_KEY", default="")
CLAIMDESK_LLM_TIMEOUT_S = env.float("CLAIMDESK_LLM_TIMEOUT_S", default=30.0)

# --- Webhooks (README, "Webhooks") ------------------------------------------------------------
INSTALLED_APPS += ["webhooks"]
# Deliveries have their own queue, so a slow receiver never holds up the pipeline's workers.
CLAIMDESK_WEBHOOK_QUEUE = "webhooks"
CELERY_TASK_ROUTES = {"webhooks.*": {"queue": CLAIMDESK_WEBHOOK_QUEUE}}
CLAIMDESK_WEBHOOK_TIMEOUT_S = env.float("CLAIMDESK_WEBHOOK_TIMEOUT_S", default=10.0)
# Attempts per delivery; retries wait base × 3^(n−1) s (±20 %), capped: with the defaults
# 30 s, 1.5 min, 4.5 min, 13.5 min, 40.5 min, 2 h, 6 h (about 9 h in all).
CLAIMDESK_WEBHOOK_MAX_ATTEMPTS = env.int("CLAIMDESK_WEBHOOK_MAX_ATTEMPTS", default=8)
CLAIMDESK_WEBHOOK_RETRY_BASE_S = env.float("CLAIMDESK_WEBHOOK_RETRY_BASE_S", default=30.0)
CLAIMDESK_WEBHOOK_RETRY_MAX_S = env.float("CLAIMDESK_WEBHOOK_RETRY_MAX_S", default=6 * 3600.0)
# An endpoint is disabled after this many deliveries in a row failed for good.
CLAIMDESK_WEBHOOK_DISABLE_AFTER = env.int("CLAIMDESK_WEBHOOK_DISABLE_AFTER", default=10)
# Plain http endpoints are refused unless this is on (local testing only).
CLAIMDESK_WEBHOOK_ALLOW_HTTP = env.bool("CLAIMDESK_WEBHOOK_ALLOW_HTTP", default=False)
# Beat re-enqueues pending deliveries this overdue (their task message was lost).
CLAIMDESK_WEBHOOK_STALLED_AFTER_S = env.int("CLAIMDESK_WEBHOOK_STALLED_AFTER_S", default=600)
CELERY_BEAT_SCHEDULE["webhooks-resume-stalled"] = {
    "task": "webhooks.deliveries_resume_stalled",
    "schedule": env.float("CLAIMDESK_WEBHOOK_SWEEP_EVERY_S", default=300.0),
}
