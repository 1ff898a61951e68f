"""The endpoints for the people and machines that run ClaimDesk: /healthz, /readyz, /metrics.

Plain Django views, outside the API (no schema, no API key): probes and scrapers must reach
them cheaply. The probes need no login; /metrics needs its token or an allowed network.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.log import log_response
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from core import health, metrics
from core.conf import conf

TEXT = "text/plain; charset=utf-8"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering; touches nothing else (no database)."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for work: the database, the migrations, the broker and the shipped models. 503
    names what is not, each check with its duration."""
    results = health.run_checks()
    failed = [name for name, result in results.items() if not result.ok]
    body = {
        "status": "fail" if failed else "ok",
        "checks": {
            name: {
                "status": "ok" if result.ok else "fail",
                "duration_ms": result.duration_ms,
                **({"error": result.error} if result.error else {}),
            }
            for name, result in results.items()
        },
    }
    response = JsonResponse(body, status=503 if failed else 200)
    if failed:
        # Not ready is a state the probe reports, not a server error: a warning naming the
        # checks, instead of Django's error line for every 5xx (the probe asks every few s).
        log_response(
            "Not ready: %s",
            ", ".join(failed),
            response=response,
            request=request,
            level="warning",
        )
    return response


def _bearer_token_matches(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.encode(), token.encode())
    )


def _from_allowed_network(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in conf().metrics_allowed_networks)


@require_GET
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a bearer token (CLAIMDESK_METRICS_TOKEN) or a scraper in
    CLAIMDESK_METRICS_ALLOWED_NETWORKS; closed when neither is set."""
    token = conf().metrics_token
    if _bearer_token_matches(request, token) or _from_allowed_network(request):
        return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
    if token:
        response = HttpResponse("A bearer token is required.\n", content_type=TEXT, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(
        "Metrics are not open to this address: set CLAIMDESK_METRICS_TOKEN or "
        "CLAIMDESK_METRICS_ALLOWED_NETWORKS.\n",
        content_type=TEXT,
        status=403,
    )
