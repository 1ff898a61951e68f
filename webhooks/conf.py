"""webhooks's settings (config/settings/apps/webhooks.py) as one typed, frozen object."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

from core.conf import PREFIX, SECONDS, flag, integer, non_negative, positive, text


@dataclass(frozen=True)
class WebhooksConf:
    queue: str  # CLAIMDESK_WEBHOOK_QUEUE (CELERY_TASK_ROUTES)
    timeout_s: float  # CLAIMDESK_WEBHOOK_TIMEOUT_S
    max_attempts: int  # CLAIMDESK_WEBHOOK_MAX_ATTEMPTS
    retry_base_s: float  # CLAIMDESK_WEBHOOK_RETRY_BASE_S
    retry_max_s: float  # CLAIMDESK_WEBHOOK_RETRY_MAX_S
    disable_after: int  # CLAIMDESK_WEBHOOK_DISABLE_AFTER
    allow_http: bool  # CLAIMDESK_WEBHOOK_ALLOW_HTTP
    # CLAIMDESK_WEBHOOK_STALLED_AFTER_S: any whole number (≤ 0: every pending one is overdue).
    stalled_after_s: int

    @classmethod
    def from_settings(cls) -> WebhooksConf:
        return cls(
            queue=text("CLAIMDESK_WEBHOOK_QUEUE", required=True),
            timeout_s=positive("CLAIMDESK_WEBHOOK_TIMEOUT_S", SECONDS),
            max_attempts=integer("CLAIMDESK_WEBHOOK_MAX_ATTEMPTS"),
            retry_base_s=non_negative("CLAIMDESK_WEBHOOK_RETRY_BASE_S", SECONDS),
            retry_max_s=non_negative("CLAIMDESK_WEBHOOK_RETRY_MAX_S", SECONDS),
            disable_after=integer("CLAIMDESK_WEBHOOK_DISABLE_AFTER"),
            allow_http=flag("CLAIMDESK_WEBHOOK_ALLOW_HTTP"),
            stalled_after_s=integer("CLAIMDESK_WEBHOOK_STALLED_AFTER_S", minimum=None),
        )


@functools.cache
def conf() -> WebhooksConf:
    return WebhooksConf.from_settings()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(PREFIX):
        conf.cache_clear()
