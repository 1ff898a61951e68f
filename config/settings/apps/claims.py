"""claims's settings (read through claims/conf.py): the article pipeline and claim matching."""

from datetime import timedelta

from config.settings.common import BASE_DIR, env

# --- Pipeline -------------------------------------------------------------------------------
# Sentences scoring at least this are stored as claims (issue #4 replaces the scorer).
CLAIMDESK_CHECKWORTHY_THRESHOLD = env.float("CLAIMDESK_CHECKWORTHY_THRESHOLD", default=0.5)
# Which check-worthiness scorer (README, "Check-worthiness model"): `cascade` (the active
# linear model, re-scored near the threshold by the transformer: as good as the transformer
# on dev, faster, and reviewer feedback retrains the linear model), `transformer` or `linear`.
CLAIMDESK_CHECKWORTHINESS_BACKEND = env.str("CLAIMDESK_CHECKWORTHINESS_BACKEND", default="cascade")
# A process re-reads which check-worthiness model version is active at most this often (one
# indexed read), so an activation reaches every worker within it, without a restart.
CLAIMDESK_CHECKWORTHINESS_RECHECK_S = env.float("CLAIMDESK_CHECKWORTHINESS_RECHECK_S", default=30.0)
# Reviewers teach the model (README, "Reviewers teach the model"): the beat task retrains the
# linear model once this many reviewer labels are new or changed since the last version.
CLAIMDESK_FEEDBACK_RETRAIN_AFTER = env.int("CLAIMDESK_FEEDBACK_RETRAIN_AFTER", default=200)
# What retraining adds the labels to: CT24 train where ../shared is, else a path of your own
# in the same TSV format; without one it trains on the labels alone (README).
CLAIMDESK_FEEDBACK_BASE_DATA = env.path(
    "CLAIMDESK_FEEDBACK_BASE_DATA",
    default=BASE_DIR.parent / "shared" / "data" / "checkworthiness" / "ct24_english_train.tsv",
)
CLAIMDESK_EVIDENCE_PER_CLAIM = env.int("CLAIMDESK_EVIDENCE_PER_CLAIM", default=5)
# Claims whose evidence one task gathers, one after the other, each under its own lease and
# committed on its own: fewer task hops than one task per claim, and still several tasks, run
# in parallel, for a long article (README, "How an article flows").
CLAIMDESK_EVIDENCE_CLAIMS_PER_TASK = env.int("CLAIMDESK_EVIDENCE_CLAIMS_PER_TASK", default=4)
# A running step whose worker has not renewed its lease for this long is presumed dead and
# re-enqueued by the sweeper (claims/leases.py; the heartbeat renews it every quarter of this).
# Long enough that a busy worker or a database hiccup does not look like a death: a wrong
# "dead" costs a duplicate run, a slow one only a late article.
CLAIMDESK_PIPELINE_DEAD_AFTER = timedelta(
    seconds=env.float("CLAIMDESK_PIPELINE_DEAD_AFTER_S", default=60.0)
)
# Owed work that no worker holds (its message was lost, e.g. prefetched by a killed worker) is
# re-enqueued after CLAIMDESK_PIPELINE_DEAD_AFTER without progress when the pipeline queue is
# empty; while messages are waiting there it may just be waiting its turn, so after this.
CLAIMDESK_PIPELINE_STUCK_AFTER = timedelta(
    seconds=env.int("CLAIMDESK_PIPELINE_STUCK_AFTER_S", default=10 * 60)
)
# After this many starts the sweeper gives up and marks the article failed.
CLAIMDESK_PIPELINE_MAX_ATTEMPTS = env.int("CLAIMDESK_PIPELINE_MAX_ATTEMPTS", default=5)

# --- Claim matching (README, "Claim matching") ----------------------------------------------
# Claim matching against reviewed claims: suggest "similar to claim #N" at or above the first,
# join its cluster at or above the second; claims shorter than MIN_WORDS never auto-link.
# Defaults justified by `manage.py evaluate_matching` (README).
CLAIMDESK_MATCH_SUGGEST_THRESHOLD = env.float("CLAIMDESK_MATCH_SUGGEST_THRESHOLD", default=0.75)
CLAIMDESK_MATCH_AUTOLINK_THRESHOLD = env.float("CLAIMDESK_MATCH_AUTOLINK_THRESHOLD", default=0.9)
CLAIMDESK_MATCH_MIN_WORDS = env.int("CLAIMDESK_MATCH_MIN_WORDS", default=8)
# A claim in another language (multilingual vectors, README "Cross-language matching") is
# suggested at or above this cosine, never auto-linked: the lowest threshold at which the
# evaluation set's suggestions are 95% right (`manage.py evaluate_matching --cross-language`).
CLAIMDESK_MATCH_CROSS_LANGUAGE_THRESHOLD = env.float(
    "CLAIMDESK_MATCH_CROSS_LANGUAGE_THRESHOLD", default=0.91
)

# --- Optional LLM rewriting -----------------------------------------------------------------
# Optional LLM backend (OpenAI-compatible /chat/completions) that rewrites claims so they
# stand alone. Off by default; the local rules always run and remain the fallback.
CLAIMDESK_LLM_BASE_URL = env.str("CLAIMDESK_LLM_BASE_URL", default="")
CLAIMDESK_LLM_MODEL = env.str("CLAIMDESK_LLM_MODEL", default="")
CLAIMDESK_LLM_API_KEY = env.str("CLAIMDESK_LLM_API_KEY", default="")
CLAIMDESK_LLM_TIMEOUT_S = env.float("CLAIMDESK_LLM_TIMEOUT_S", default=30.0)
