"""Request plumbing for the people who run ClaimDesk: a request id on every log line and on
the response, and the request counts /metrics serves."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from core.logs import log_context
from core.metrics import HTTP_REQUEST_SECONDS, HTTP_REQUESTS

REQUEST_ID_HEADER = "X-Request-ID"
# An id from a proxy or a client is kept when it looks like one (a UUID, a hex or base64-ish
# token); anything else, which would end up in every log line, is replaced.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{8,128}")
# Methods outside these are counted as "other": the label must not take any value a client
# chooses.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class RequestIdMiddleware:
    """Binds the request id (the caller's X-Request-ID if sane, else a new one) for the log
    lines written while the request is handled, and returns it in X-Request-ID."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        with log_context(request_id=request_id):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestMetricsMiddleware:
    """Counts responses by view, method and status, and times them by view (up to the response
    object: a streamed body is not included)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        # The URL pattern's name (or route), never the path: ids would make a series each.
        view = (match.view_name or match.route) if match is not None else "<unmatched>"
        method = request.method if request.method in _METHODS else "other"
        HTTP_REQUESTS.labels(view=view, method=method, status=str(response.status_code)).inc()
        HTTP_REQUEST_SECONDS.labels(view=view).observe(time.perf_counter() - started)
        return response
