"""reviews's settings (config/settings/apps/reviews.py) as one typed, frozen object."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from core.conf import (
    PREFIX,
    SECONDS,
    flag,
    fraction_value,
    fractions_by_name,
    integer,
    invalid,
    positive,
    read,
    text,
    url,
)

HOURS = " of hours"


@dataclass(frozen=True)
class ReviewsConf:
    lease_s: float  # CLAIMDESK_LEASE_S
    lease_sweep_every_s: float  # CLAIMDESK_LEASE_SWEEP_EVERY_S (beat, config/settings/celery.py)
    publish_requires_second_person: bool  # CLAIMDESK_PUBLISH_REQUIRES_SECOND_PERSON
    priority_weights: dict[str, float]  # CLAIMDESK_PRIORITY_WEIGHTS (CLAIMDESK_PRIORITY_W_*)
    priority_recency_half_life_h: float  # CLAIMDESK_PRIORITY_RECENCY_HALF_LIFE_H
    outlet_reach: dict[str, float]  # CLAIMDESK_OUTLET_REACH
    speaker_reach: dict[str, float]  # CLAIMDESK_SPEAKER_REACH
    priority_trending_window_h: float  # CLAIMDESK_PRIORITY_TRENDING_WINDOW_H
    priority_trending_saturation: int  # CLAIMDESK_PRIORITY_TRENDING_SATURATION
    organization_name: str  # CLAIMDESK_ORGANIZATION_NAME
    organization_url: str  # CLAIMDESK_ORGANIZATION_URL ("" = none)
    organization_logo_url: str  # CLAIMDESK_ORGANIZATION_LOGO_URL ("" = the shipped logo)
    public_base_url: (
        str  # CLAIMDESK_PUBLIC_BASE_URL ("" = from the request; reviews/public_urls.py)
    )
    rating_best: int  # CLAIMDESK_RATING_BEST
    rating_worst: int  # CLAIMDESK_RATING_WORST
    queue_counts_cache_s: int  # CLAIMDESK_QUEUE_COUNTS_CACHE_S

    @classmethod
    def from_settings(cls) -> ReviewsConf:
        best = integer("CLAIMDESK_RATING_BEST", minimum=None)
        worst = integer("CLAIMDESK_RATING_WORST", minimum=None)
        if worst >= best:
            raise ImproperlyConfigured(
                "CLAIMDESK_RATING_WORST must be below CLAIMDESK_RATING_BEST, "
                f"got {worst} and {best}"
            )
        return cls(
            lease_s=positive("CLAIMDESK_LEASE_S", SECONDS),
            lease_sweep_every_s=positive("CLAIMDESK_LEASE_SWEEP_EVERY_S", SECONDS),
            publish_requires_second_person=flag("CLAIMDESK_PUBLISH_REQUIRES_SECOND_PERSON"),
            priority_weights=_weights(),
            priority_recency_half_life_h=positive("CLAIMDESK_PRIORITY_RECENCY_HALF_LIFE_H", HOURS),
            outlet_reach=fractions_by_name("CLAIMDESK_OUTLET_REACH"),
            speaker_reach=fractions_by_name("CLAIMDESK_SPEAKER_REACH"),
            priority_trending_window_h=positive("CLAIMDESK_PRIORITY_TRENDING_WINDOW_H", HOURS),
            priority_trending_saturation=integer("CLAIMDESK_PRIORITY_TRENDING_SATURATION"),
            organization_name=text("CLAIMDESK_ORGANIZATION_NAME", required=True),
            organization_url=url("CLAIMDESK_ORGANIZATION_URL"),
            organization_logo_url=url("CLAIMDESK_ORGANIZATION_LOGO_URL"),
            public_base_url=url("CLAIMDESK_PUBLIC_BASE_URL"),
            rating_best=best,
            rating_worst=worst,
            queue_counts_cache_s=integer("CLAIMDESK_QUEUE_COUNTS_CACHE_S", minimum=0),
        )


def _weights() -> dict[str, float]:
    """Each weight in [0, 1], named by its environment variable (CLAIMDESK_PRIORITY_W_*)."""
    name = "CLAIMDESK_PRIORITY_WEIGHTS"
    value = read(name)
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise invalid(name, "a mapping of signal names to weights in [0, 1]", value)
    return {
        signal: fraction_value(f"CLAIMDESK_PRIORITY_W_{signal.upper()}", weight)
        for signal, weight in value.items()
    }


@functools.cache
def conf() -> ReviewsConf:
    return ReviewsConf.from_settings()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(PREFIX):
        conf.cache_clear()
