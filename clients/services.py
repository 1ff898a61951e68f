"""Creating, checking and revoking API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from clients.conf import conf
from clients.models import SCOPES, ApiKey
from core.errors import ApplicationError

KEY_PREFIX = "cdk_"
# last_used_at is written at most this often per key, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(key: str) -> str:
    # Keys are 32 random bytes: a fast hash is enough (nothing to brute-force).
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(
    *, name: str, scopes: list[str], owner: User | None = None, created_by: User | None = None
) -> tuple[ApiKey, str]:
    """A new key and its plaintext, which is never stored and cannot be shown again."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ApplicationError(
            f"Unknown or missing scopes {unknown}; choose from {sorted(SCOPES)}.",
            code="invalid_scopes",
        )
    prefix = secrets.token_hex(4)
    plaintext = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=name,
        prefix=prefix,
        hashed_key=_hash(plaintext),
        scopes=sorted(set(scopes)),
        owner=owner,
        created_by=created_by,
    )
    key.full_clean()
    key.save()
    return key, plaintext


# Keys looked up in the last CLAIMDESK_API_KEY_CACHE_S seconds, per process: a client's
# requests then cost no query for the key. A revocation reaches other processes within that
# time (and this one at once).
_recent: dict[str, tuple[float, ApiKey]] = {}


def _lookup(prefix: str) -> ApiKey | None:
    now = time.monotonic()
    cached = _recent.get(prefix)
    if cached is not None and cached[0] > now:
        return cached[1]
    key = ApiKey.objects.select_related("owner").filter(prefix=prefix).first()
    if key is not None:
        if len(_recent) > 10_000:  # bound the memory a flood of distinct keys could take
            _recent.clear()
        _recent[prefix] = (now + conf().api_key_cache_s, key)
    return key


def api_key_check(plaintext: str) -> ApiKey | None:
    """The active key matching `plaintext`, or None (unknown, malformed or revoked)."""
    if not plaintext.startswith(KEY_PREFIX):
        return None
    prefix = plaintext[len(KEY_PREFIX) :].split("_", 1)[0]
    key = _lookup(prefix)
    if key is None or not hmac.compare_digest(key.hashed_key, _hash(plaintext)):
        return None
    if not key.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def api_key_revoke(*, key: ApiKey) -> None:
    if key.revoked_at is None:
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    _recent.pop(key.prefix, None)
