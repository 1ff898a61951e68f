"""clients's settings (config/settings/apps/clients.py) as one typed, frozen object."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

from core.conf import PREFIX, SECONDS, invalid, non_negative, text

# The periods DRF's SimpleRateThrottle understands, by their first letter ("600/min").
_PERIODS = ("s", "m", "h", "d")


@dataclass(frozen=True)
class ClientsConf:
    api_rate: str | None  # CLAIMDESK_API_RATE, e.g. "600/min"; None = unlimited ("")
    api_key_cache_s: float  # CLAIMDESK_API_KEY_CACHE_S

    @classmethod
    def from_settings(cls) -> ClientsConf:
        return cls(
            api_rate=_rate("CLAIMDESK_API_RATE"),
            api_key_cache_s=non_negative("CLAIMDESK_API_KEY_CACHE_S", SECONDS),
        )


def _rate(name: str) -> str | None:
    """A rate as DRF parses it: "<requests>/<s|sec|m|min|h|hour|d|day>"; empty = unlimited."""
    rate = text(name)
    if not rate:
        return None
    count, _, period = rate.partition("/")
    if not (count.isdigit() and int(count) > 0 and period[:1] in _PERIODS and "/" not in period):
        raise invalid(name, 'a rate such as "600/min" (s, min, hour or day), or empty', rate)
    return rate


@functools.cache
def conf() -> ClientsConf:
    return ClientsConf.from_settings()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(PREFIX):
        conf.cache_clear()
