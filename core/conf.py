"""core's settings as one typed, frozen object, and the readers every app's conf.py uses.

Each app reads its CLAIMDESK_* settings through its own `conf()` (cached; the cache is cleared
whenever a CLAIMDESK_* setting changes, as tests do). The values are checked once at start-up
(each AppConfig.ready() calls its `conf()`): a bad one raises ImproperlyConfigured naming the
setting. A new setting: an env read in config/settings/apps/<app>.py and a typed field in
<app>/conf.py.
"""

from __future__ import annotations

import functools
import ipaddress
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

PREFIX = "CLAIMDESK_"
SECONDS = " of seconds"


def invalid(name: str, what: str, value: object) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name} must be {what}, got {value!r}")


def read(name: str) -> object:
    try:
        return getattr(settings, name)
    except AttributeError:
        raise ImproperlyConfigured(f"{name} is not set (config/settings/apps/)") from None


def _as_number(value: object) -> float | None:
    """The value as a float when it is a finite int or float (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _number(name: str, what: str, ok: Callable[[float], bool]) -> float:
    value = read(name)
    number = _as_number(value)
    if number is None or not ok(number):
        raise invalid(name, what, value)
    return number


def positive(name: str, unit: str = "") -> float:
    """A finite number above 0, e.g. positive("CLAIMDESK_LEASE_S", " of seconds")."""
    return _number(name, f"a positive number{unit}", lambda v: v > 0)


def non_negative(name: str, unit: str = "") -> float:
    """A finite number of at least 0."""
    return _number(name, f"a number{unit} ≥ 0", lambda v: v >= 0)


def integer(name: str, *, minimum: int | None = 1, unit: str = "") -> int:
    """A whole number of at least `minimum` (None: any)."""
    value = read(name)
    if minimum is None:
        what = f"a whole number{unit}"
    elif minimum == 1:
        what = f"a positive whole number{unit}"
    else:
        what = f"a whole number{unit} ≥ {minimum}"
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid(name, what, value)
    if minimum is not None and value < minimum:
        raise invalid(name, what, value)
    return value


def fraction(name: str) -> float:
    """A number in [0, 1] (a weight, a threshold, a score)."""
    return fraction_value(name, read(name))


def fraction_value(name: str, value: object) -> float:
    """`value` (part of the setting `name`) when it is a number in [0, 1]."""
    number = _as_number(value)
    if number is None or not 0.0 <= number <= 1.0:
        raise invalid(name, "a number in [0, 1]", value)
    return number


def flag(name: str) -> bool:
    value = read(name)
    if not isinstance(value, bool):
        raise invalid(name, "true or false", value)
    return value


def text(name: str, *, required: bool = False) -> str:
    value = read(name)
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(name, "a non-empty string" if required else "a string", value)
    return value


def choice(name: str, options: tuple[str, ...]) -> str:
    value = read(name)
    if value not in options:
        raise invalid(name, "one of " + ", ".join(options), value)
    return str(value)


def url(name: str, *, required: bool = False) -> str:
    """An http(s) URL; empty (switched off) unless `required`."""
    value = text(name, required=required)
    if value:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise invalid(name, "an http(s) URL" + ("" if required else " or empty"), value)
    return value


def texts(name: str) -> tuple[str, ...]:
    value = read(name)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise invalid(name, "a list of strings", value)
    return tuple(value)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(name: str) -> tuple[Network, ...]:
    """A list of networks in CIDR notation (`10.0.0.0/8`); a bare address is a /32 or /128."""
    values = texts(name)
    try:
        return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)
    except ValueError as exc:
        raise invalid(name, "a list of networks such as 10.0.0.0/8 or ::1", list(values)) from exc


def fractions_by_name(name: str) -> dict[str, float]:
    """A mapping of names to numbers in [0, 1] (JSON `{"name": 0.8}` in the environment)."""
    value = read(name)
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        what = 'a JSON object of names to numbers in [0, 1], e.g. {"name": 0.8}'
        raise invalid(name, what, value)
    return {key: fraction_value(f"{name}[{key!r}]", share) for key, share in value.items()}


def duration(name: str) -> timedelta:
    value = read(name)
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise invalid(name, "a positive duration", value)
    return value


def directory(name: str) -> Path:
    value = read(name)
    if not isinstance(value, str | Path) or not str(value):
        raise invalid(name, "a directory path", value)
    return Path(value)


@dataclass(frozen=True)
class CoreConf:
    max_article_bytes: int  # CLAIMDESK_MAX_ARTICLE_BYTES
    fetch_timeout_s: float  # CLAIMDESK_FETCH_TIMEOUT_S
    fetch_deadline_s: float  # CLAIMDESK_FETCH_DEADLINE_S
    fetch_max_redirects: int  # CLAIMDESK_FETCH_MAX_REDIRECTS
    fetch_user_agent: str  # CLAIMDESK_FETCH_USER_AGENT
    fetch_allowed_private_hosts: tuple[str, ...]  # CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS
    metrics_token: str  # CLAIMDESK_METRICS_TOKEN ("" = no token accepted)
    metrics_allowed_networks: tuple[Network, ...]  # CLAIMDESK_METRICS_ALLOWED_NETWORKS
    trusted_proxies: int  # CLAIMDESK_TRUSTED_PROXIES

    @classmethod
    def from_settings(cls) -> CoreConf:
        return cls(
            max_article_bytes=integer("CLAIMDESK_MAX_ARTICLE_BYTES", unit=" of bytes"),
            fetch_timeout_s=positive("CLAIMDESK_FETCH_TIMEOUT_S", SECONDS),
            fetch_deadline_s=positive("CLAIMDESK_FETCH_DEADLINE_S", SECONDS),
            fetch_max_redirects=integer("CLAIMDESK_FETCH_MAX_REDIRECTS", minimum=0),
            fetch_user_agent=text("CLAIMDESK_FETCH_USER_AGENT", required=True),
            fetch_allowed_private_hosts=texts("CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS"),
            metrics_token=text("CLAIMDESK_METRICS_TOKEN"),
            metrics_allowed_networks=networks("CLAIMDESK_METRICS_ALLOWED_NETWORKS"),
            trusted_proxies=integer("CLAIMDESK_TRUSTED_PROXIES", minimum=0),
        )


@functools.cache
def conf() -> CoreConf:
    return CoreConf.from_settings()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(PREFIX):
        conf.cache_clear()
