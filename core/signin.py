"""Password guessing is cut short: after a few failures, logins are refused (django-axes;
README, "Security").

Axes counts failed logins on every path that checks a password (the desk's login form and the
admin's) and locks by the parameters in AXES_LOCKOUT_PARAMETERS (config/settings/security.py).
These are its hooks: whose address a failure counts against, the page a locked-out client
gets, and a log line for each lockout.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from typing import Any

from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.conf import conf

log = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE).

    X-Forwarded-For counts only behind CLAIMDESK_TRUSTED_PROXIES proxies, and then only the
    entry the outermost of them appended: the entries before it are whatever the client sent,
    and believing them would give each guess a fresh address.
    """
    proxies = conf().trusted_proxies
    remote: str | None = request.META.get("REMOTE_ADDR")
    if proxies:
        header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [hop.strip() for hop in header.split(",")]
        if len(forwarded) >= proxies and _is_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    return remote


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """429 with the desk's page (AXES_LOCKOUT_CALLABLE, called with axes's three arguments).
    Every refused attempt restarts the cool-off, so the wait is the whole cool-off from now."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response


@receiver(user_locked_out)
def _log_lockout(
    *, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # Axes's own lines mask the username and address; whoever investigates needs both.
    log.warning(
        "Login refused, locked out: username=%r ip=%s path=%s",
        username,
        ip_address,
        request.path,
    )
