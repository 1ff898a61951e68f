"""library's settings (config/settings/apps/library.py) as one typed, frozen object."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

from core.conf import (
    PREFIX,
    SECONDS,
    directory,
    fraction,
    integer,
    non_negative,
    positive,
    read,
    text,
    texts,
    url,
)


@dataclass(frozen=True)
class LibraryConf:
    google_factcheck_api_key: str  # CLAIMDESK_GOOGLE_FACTCHECK_API_KEY ("" = off)
    mediawiki_api_url: str  # CLAIMDESK_MEDIAWIKI_API_URL ("" = off)
    evidence_providers: list[str]  # CLAIMDESK_EVIDENCE_PROVIDERS, in the order hits are listed
    provider_timeout_s: float  # CLAIMDESK_PROVIDER_TIMEOUT_S
    provider_attempts: int  # CLAIMDESK_PROVIDER_ATTEMPTS
    provider_backoff_s: float  # CLAIMDESK_PROVIDER_BACKOFF_S
    provider_rate_per_s: float  # CLAIMDESK_PROVIDER_RATE_PER_S
    provider_circuit_threshold: int  # CLAIMDESK_PROVIDER_CIRCUIT_THRESHOLD
    provider_circuit_cooldown_s: float  # CLAIMDESK_PROVIDER_CIRCUIT_COOLDOWN_S
    embedder_threads: int  # CLAIMDESK_EMBEDDER_THREADS (0 = one per core)
    embed_batch: int  # CLAIMDESK_EMBED_BATCH
    dense_index_dir: Path  # CLAIMDESK_DENSE_INDEX_DIR
    dense_catch_up_s: float  # CLAIMDESK_DENSE_CATCH_UP_S
    dense_max_age_s: float  # CLAIMDESK_DENSE_MAX_AGE_S
    hybrid_candidates: int  # CLAIMDESK_HYBRID_CANDIDATES
    hybrid_rrf_k: int  # CLAIMDESK_HYBRID_RRF_K
    hybrid_dense_weight: float  # CLAIMDESK_HYBRID_DENSE_WEIGHT
    rerank_top_k: int  # CLAIMDESK_RERANK_TOP_K (0 = off)
    # CLAIMDESK_EVIDENCE_RELEVANCE_THRESHOLD (None: the relevance model card's calibrated one)
    relevance_threshold: float | None

    @classmethod
    def from_settings(cls) -> LibraryConf:
        return cls(
            google_factcheck_api_key=text("CLAIMDESK_GOOGLE_FACTCHECK_API_KEY"),
            mediawiki_api_url=url("CLAIMDESK_MEDIAWIKI_API_URL"),
            # Names, checked against the registry when the providers are built (registry.py).
            evidence_providers=list(texts("CLAIMDESK_EVIDENCE_PROVIDERS")),
            provider_timeout_s=positive("CLAIMDESK_PROVIDER_TIMEOUT_S", SECONDS),
            provider_attempts=integer("CLAIMDESK_PROVIDER_ATTEMPTS"),
            provider_backoff_s=non_negative("CLAIMDESK_PROVIDER_BACKOFF_S", SECONDS),
            provider_rate_per_s=positive("CLAIMDESK_PROVIDER_RATE_PER_S", " of calls a second"),
            provider_circuit_threshold=integer("CLAIMDESK_PROVIDER_CIRCUIT_THRESHOLD"),
            provider_circuit_cooldown_s=positive("CLAIMDESK_PROVIDER_CIRCUIT_COOLDOWN_S", SECONDS),
            embedder_threads=integer("CLAIMDESK_EMBEDDER_THREADS", minimum=0),
            embed_batch=integer("CLAIMDESK_EMBED_BATCH"),
            dense_index_dir=directory("CLAIMDESK_DENSE_INDEX_DIR"),
            dense_catch_up_s=non_negative("CLAIMDESK_DENSE_CATCH_UP_S", SECONDS),
            dense_max_age_s=positive("CLAIMDESK_DENSE_MAX_AGE_S", SECONDS),
            hybrid_candidates=integer("CLAIMDESK_HYBRID_CANDIDATES"),
            hybrid_rrf_k=integer("CLAIMDESK_HYBRID_RRF_K"),
            hybrid_dense_weight=positive("CLAIMDESK_HYBRID_DENSE_WEIGHT"),
            rerank_top_k=integer("CLAIMDESK_RERANK_TOP_K", minimum=0),
            relevance_threshold=None
            if read("CLAIMDESK_EVIDENCE_RELEVANCE_THRESHOLD") is None
            else fraction("CLAIMDESK_EVIDENCE_RELEVANCE_THRESHOLD"),
        )


@functools.cache
def conf() -> LibraryConf:
    return LibraryConf.from_settings()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(PREFIX):
        conf.cache_clear()
