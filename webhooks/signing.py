"""Webhook signatures: `ClaimDesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`.

The HMAC (key = the endpoint's secret) covers `f"{t}.{raw body}"`, so neither the body nor the
timestamp can be changed without breaking it. Receivers recompute it over the raw bytes they
received (before any JSON parsing) and refuse timestamps outside their replay window
(`DEFAULT_TOLERANCE_S`, five minutes, unless they choose another). The scheme is Stripe's, so
receivers that know that one know this one. `verify` is the reference implementation.
"""

from __future__ import annotations

import hashlib
import hmac
import time

DEFAULT_TOLERANCE_S = 300


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The `ClaimDesk-Signature` header value for `body` sent now (or at `timestamp`)."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={_digest(secret, t, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes | str,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    *,
    now: float | None = None,
) -> bool:
    """True if `header` signs `body` with `secret` and its timestamp is within `tolerance_s`."""
    raw = body.encode() if isinstance(body, str) else body
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return False
    expected = _digest(secret, timestamp, raw)
    # Any matching v1 value passes, as in Stripe's scheme, so a header may carry several.
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
