"""The one way ClaimDesk fetches outside URLs: timeouts, a deadline, a size cap and an SSRF guard.

Every request to a URL someone submitted goes through `fetch()` (GET: article, citation and
source URLs, ClaimReview imports) or `post()` (webhook deliveries), so the guard cannot be
forgotten. The guard resolves the host itself, refuses private, loopback, link-local and other
non-public addresses, and then connects to the address it checked (Host header and TLS SNI keep
the original name), so a DNS answer that changes between check and connect cannot redirect the
request. `fetch()` follows redirects by hand and checks every hop again; `post()` never follows
them.

Timeouts bound each step (connecting, each read), so a server that sends one byte a second
never trips them. Every outbound request therefore also runs under a deadline for the whole
of it (CLAIMDESK_FETCH_DEADLINE_S): `fetch()` and `post()` set one, and the clients that call
operator-configured services (evidence providers, the LLM backend) use `DeadlineTransport`
inside `deadline()`. Host name lookup is not covered: the system resolver bounds it.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

import httpcore
import httpx

from core.conf import conf
from core.errors import PermanentError, TransientError
from core.text import decode_bytes

_REDIRECT_CODES = {301, 302, 303, 307, 308}


class BlockedAddressError(PermanentError):
    """The URL points at an address the SSRF guard does not allow."""


class ResponseTooLargeError(PermanentError):
    """The body is over the configured size cap."""


@dataclass(frozen=True)
class PostedResponse:
    status: int
    location: str  # the Location header of a redirect (not followed), else ""
    body_excerpt: bytes  # at most `excerpt_bytes` of the body


@dataclass(frozen=True)
class FetchedResponse:
    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    charset: str | None


class DeadlineExceededError(TransientError):
    """The whole request took longer than its deadline (retried like any timeout)."""


@dataclass(frozen=True)
class _Deadline:
    at: float  # time.monotonic()
    seconds: float


_current_deadline: ContextVar[_Deadline | None] = ContextVar("http_deadline", default=None)


@contextmanager
def deadline(seconds: float | None = None) -> Iterator[None]:
    """Requests sent inside, through a `DeadlineTransport`, must be done (connecting, sending,
    the headers and the whole body) within `seconds` from now (CLAIMDESK_FETCH_DEADLINE_S)."""
    limit = conf().fetch_deadline_s if seconds is None else seconds
    token = _current_deadline.set(_Deadline(time.monotonic() + limit, limit))
    try:
        yield
    finally:
        _current_deadline.reset(token)


def _time_left(timeout: float | None, error: type[httpcore.TimeoutException]) -> float | None:
    """`timeout` for one socket operation, cut to what is left of the deadline."""
    current = _current_deadline.get()
    if current is None:
        return timeout
    left = current.at - time.monotonic()
    if left <= 0:
        raise error(f"the {current.seconds:g} s deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake waits at most until the
    deadline: the timeout httpcore passes (per operation) is cut to the time left."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(
            ssl_context, server_hostname, _time_left(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(tls)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _time_left(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport, over connections that keep to the current `deadline()` (none
    set: plain timeouts). Safe to keep in a long-lived client: the deadline is per request."""

    def __init__(self) -> None:
        context = httpx.create_ssl_context()
        super().__init__(verify=context)
        # httpx offers no way to hand httpcore a network backend, so the pool it built is
        # replaced by the same pool over the deadline-keeping backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=context, network_backend=_DeadlineBackend()
        )


@contextmanager
def network_errors_are_transient(url: str) -> Iterator[None]:
    """Timeouts and broken connections are worth retrying: raise them as TransientError (a
    timeout past the deadline as DeadlineExceededError, which says so)."""
    try:
        yield
    except httpx.TimeoutException as exc:
        current = _current_deadline.get()
        if current is not None and time.monotonic() >= current.at:
            raise DeadlineExceededError(
                f"Gave up on {url}: no complete answer within the {current.seconds:g} s "
                "deadline (CLAIMDESK_FETCH_DEADLINE_S)"
            ) from exc
        raise TransientError(f"Timed out talking to {url}") from exc
    except httpx.TransportError as exc:
        raise TransientError(f"Could not connect to {url}: {exc}") from exc


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve_checked(host: str, port: int) -> str:
    """Resolve `host` and return one address that may be contacted, or raise BlockedAddressError.

    Every address the name resolves to must pass: a name that mixes public and private answers
    is refused, since the connection could land on either.
    """
    allowed = host.lower() in {h.lower() for h in conf().fetch_allowed_private_hosts}
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TransientError(f"Could not resolve host {host!r}: {exc}") from exc
    except UnicodeError as exc:  # an internationalised name IDNA cannot encode
        raise PermanentError(f"{host!r} is not a valid host name") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise TransientError(f"Host {host!r} has no addresses")
    if not allowed:
        blocked = [a for a in addresses if not _is_public(a)]
        if blocked:
            raise BlockedAddressError(
                f"Refusing to fetch {host!r}: it resolves to a non-public address ({blocked[0]}). "
                "Add the host to CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS to allow it."
            )
    return str(addresses[0])


def _host_and_port(url: str) -> tuple[SplitResult, str, int]:
    """The URL's parts, host and port, or PermanentError for a URL no request can be made to."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise PermanentError(f"Only http and https URLs can be fetched, not {url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # not a number, or over 65535
        raise PermanentError(f"{url!r} has an invalid port") from exc
    return parts, parts.hostname, port


def check_target(url: str) -> None:
    """The guard's verdict on `url` without requesting it, for refusing at submission what the
    fetch would refuse later (the fetch checks again). Raises BlockedAddressError, PermanentError
    (no http(s) URL, a bad port or host name) or TransientError (the name does not resolve now).
    """
    _, host, port = _host_and_port(url)
    resolve_checked(host, port)


def _pinned_request(
    client: httpx.Client,
    url: str,
    *,
    method: str = "GET",
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Request:
    parts, host, port = _host_and_port(url)
    address = resolve_checked(host, port)
    host_for_url = f"[{address}]" if ":" in address else address
    pinned = urlunsplit(
        (parts.scheme, f"{host_for_url}:{port}", parts.path or "/", parts.query, "")
    )
    # The authority as given, less any user info: an IPv6 literal keeps its brackets.
    host_header = parts.netloc.rpartition("@")[2]
    return client.build_request(
        method,
        pinned,
        content=content,
        headers={**(headers or {}), "Host": host_header},
        extensions={"sni_hostname": host},
    )


def _client(**kwargs: typing.Any) -> httpx.Client:
    return httpx.Client(follow_redirects=False, transport=DeadlineTransport(), **kwargs)


def fetch(
    url: str, *, max_bytes: int | None = None, timeout: float | None = None
) -> FetchedResponse:
    """GET `url` with the guard, following redirects; 5xx/timeouts raise TransientError.

    The deadline covers every hop, so redirects cannot stretch it.
    """
    limit = max_bytes if max_bytes is not None else conf().max_article_bytes
    seconds = timeout if timeout is not None else conf().fetch_timeout_s
    headers = {"User-Agent": conf().fetch_user_agent, "Accept": "text/html,*/*;q=0.8"}
    with _client(timeout=seconds, headers=headers) as client, deadline():
        current = url
        for _hop in range(conf().fetch_max_redirects + 1):
            request = _pinned_request(client, current)
            with network_errors_are_transient(current):
                response = client.send(request, stream=True)
            try:
                if response.status_code in _REDIRECT_CODES and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                return _read_body(current, response, limit)
            finally:
                response.close()
        raise PermanentError(f"Too many redirects fetching {url}")


def post(
    url: str, *, content: bytes, headers: dict[str, str], timeout: float, excerpt_bytes: int
) -> PostedResponse:
    """POST `content` once to `url` with the guard and return whatever status came back.

    Redirects are not followed: the caller sees the 3xx and its Location, so a redirect to a
    private address is never requested. Timeouts, broken connections and no status within the
    deadline raise TransientError; a blocked address raises BlockedAddressError. Only the
    first `excerpt_bytes` of the body are read, so a receiver cannot make the sender download
    a large answer.
    """
    with _client(timeout=timeout) as client, deadline():
        request = _pinned_request(client, url, method="POST", content=content, headers=headers)
        with network_errors_are_transient(url):
            response = client.send(request, stream=True)
        try:
            excerpt = _excerpt(response, excerpt_bytes, until=time.monotonic() + timeout)
        finally:
            response.close()
    location = response.headers.get("location", "") if response.is_redirect else ""
    return PostedResponse(status=response.status_code, location=location, body_excerpt=excerpt)


def _excerpt(response: httpx.Response, size: int, *, until: float) -> bytes:
    """Up to `size` bytes of the body. The status is what counts: a body that trickles in
    (past `until` or the deadline) or breaks off is not waited for."""
    excerpt = b""
    with suppress(httpx.TransportError):
        for chunk in response.iter_bytes():
            excerpt += chunk
            if len(excerpt) >= size or time.monotonic() > until:
                break
    return excerpt[:size]


def _read_body(url: str, response: httpx.Response, limit: int) -> FetchedResponse:
    status = response.status_code
    if status >= 500 or status == 429:
        raise TransientError(f"{url} answered HTTP {status}")
    if status >= 400:
        raise PermanentError(f"{url} answered HTTP {status}")
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ResponseTooLargeError(f"{url} is {declared} bytes, over the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    with network_errors_are_transient(url):
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise ResponseTooLargeError(f"{url} is over the {limit}-byte limit")
            chunks.append(chunk)
    content_type = response.headers.get("content-type", "")
    return FetchedResponse(
        url=url,
        status=status,
        content=b"".join(chunks),
        content_type=content_type.split(";")[0].strip().lower(),
        charset=response.charset_encoding,
    )


def fetch_text(url: str) -> tuple[str, str]:
    """`fetch` and decode (declared charset, else detected): (text, URL after redirects)."""
    response = fetch(url)
    return decode_bytes(response.content, response.charset), response.url
