"""claims's settings (config/settings/apps/claims.py) as one typed, frozen object."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

from core.conf import (
    PREFIX,
    SECONDS,
    choice,
    duration,
    fraction,
    integer,
    non_negative,
    positive,
    text,
    url,
)

CHECKWORTHINESS_BACKENDS = ("cascade", "linear", "transformer")


@dataclass(frozen=True)
class ClaimsConf:
    checkworthy_threshold: float  # CLAIMDESK_CHECKWORTHY_THRESHOLD
    checkworthiness_backend: str  # CLAIMDESK_CHECKWORTHINESS_BACKEND (CHECKWORTHINESS_BACKENDS)
    checkworthiness_recheck_s: float  # CLAIMDESK_CHECKWORTHINESS_RECHECK_S
    feedback_retrain_after: int  # CLAIMDESK_FEEDBACK_RETRAIN_AFTER
    evidence_per_claim: int  # CLAIMDESK_EVIDENCE_PER_CLAIM
    evidence_claims_per_task: int  # CLAIMDESK_EVIDENCE_CLAIMS_PER_TASK
    pipeline_dead_after: timedelta  # CLAIMDESK_PIPELINE_DEAD_AFTER(_S)
    pipeline_stuck_after: timedelta  # CLAIMDESK_PIPELINE_STUCK_AFTER(_S)
    pipeline_max_attempts: int  # CLAIMDESK_PIPELINE_MAX_ATTEMPTS
    match_suggest_threshold: float  # CLAIMDESK_MATCH_SUGGEST_THRESHOLD
    match_autolink_threshold: float  # CLAIMDESK_MATCH_AUTOLINK_THRESHOLD
    match_min_words: int  # CLAIMDESK_MATCH_MIN_WORDS
    match_cross_language_threshold: float  # CLAIMDESK_MATCH_CROSS_LANGUAGE_THRESHOLD
    llm_base_url: str  # CLAIMDESK_LLM_BASE_URL ("" = off)
    llm_model: str  # CLAIMDESK_LLM_MODEL
    llm_api_key: str  # CLAIMDESK_LLM_API_KEY
    llm_timeout_s: float  # CLAIMDESK_LLM_TIMEOUT_S

    @classmethod
    def from_settings(cls) -> ClaimsConf:
        return cls(
            checkworthy_threshold=fraction("CLAIMDESK_CHECKWORTHY_THRESHOLD"),
            checkworthiness_backend=choice(
                "CLAIMDESK_CHECKWORTHINESS_BACKEND", CHECKWORTHINESS_BACKENDS
            ),
            checkworthiness_recheck_s=non_negative("CLAIMDESK_CHECKWORTHINESS_RECHECK_S", SECONDS),
            feedback_retrain_after=integer("CLAIMDESK_FEEDBACK_RETRAIN_AFTER"),
            evidence_per_claim=integer("CLAIMDESK_EVIDENCE_PER_CLAIM"),
            evidence_claims_per_task=integer("CLAIMDESK_EVIDENCE_CLAIMS_PER_TASK"),
            pipeline_dead_after=duration("CLAIMDESK_PIPELINE_DEAD_AFTER"),
            pipeline_stuck_after=duration("CLAIMDESK_PIPELINE_STUCK_AFTER"),
            pipeline_max_attempts=integer("CLAIMDESK_PIPELINE_MAX_ATTEMPTS"),
            match_suggest_threshold=fraction("CLAIMDESK_MATCH_SUGGEST_THRESHOLD"),
            match_autolink_threshold=fraction("CLAIMDESK_MATCH_AUTOLINK_THRESHOLD"),
            match_min_words=integer("CLAIMDESK_MATCH_MIN_WORDS", minimum=0),
            match_cross_language_threshold=fraction("CLAIMDESK_MATCH_CROSS_LANGUAGE_THRESHOLD"),
            llm_base_url=url("CLAIMDESK_LLM_BASE_URL"),
            llm_model=text("CLAIMDESK_LLM_MODEL"),
            llm_api_key=text("CLAIMDESK_LLM_API_KEY"),
            llm_timeout_s=positive("CLAIMDESK_LLM_TIMEOUT_S", SECONDS),
        )


@functools.cache
def conf() -> ClaimsConf:
    return ClaimsConf.from_settings()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(PREFIX):
        conf.cache_clear()
