"""The SSRF-guarded client against a real local HTTP server (no outside network)."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.errors import PermanentError, TransientError
from core.http_client import (
    BlockedAddressError,
    DeadlineExceededError,
    ResponseTooLargeError,
    check_target,
    fetch,
    post,
    resolve_checked,
)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.5",
        "169.254.169.254",
        "::1",
        "0.0.0.0",  # noqa: S104
        "fc00::1",
        "::ffff:127.0.0.1",
        "localhost",
    ],
)
def test_guard_blocks_non_public_addresses(host, settings):
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []
    with pytest.raises(BlockedAddressError):
        resolve_checked(host, 80)


def test_guard_blocks_a_name_resolving_to_private(monkeypatch, settings):
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []

    def fake_getaddrinfo(host, port, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(BlockedAddressError, match="non-public"):
        resolve_checked("intranet.example.org", 443)


def test_guard_refuses_a_name_idna_cannot_encode():
    with pytest.raises(PermanentError, match="not a valid host name"):
        resolve_checked("ü" * 60 + ".example", 443)


def test_guard_allows_public_address(monkeypatch, settings):
    def fake_getaddrinfo(host, port, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    assert resolve_checked("example.org", 443) == "93.184.215.14"


def test_fetch_refuses_non_http_schemes():
    for url in ("file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)"):
        with pytest.raises(PermanentError):
            fetch(url)


def test_fetch_refuses_a_port_out_of_range():
    """urlsplit's ValueError went through as a 500 (the sources API fetches in the request)."""
    with pytest.raises(PermanentError, match="invalid port"):
        fetch("http://example.org:99999/x")


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://[::1]:8080/x", BlockedAddressError),
        ("http://[2001:db8::1]/news", BlockedAddressError),
        ("http://example.org:99999/x", PermanentError),
        ("ftp://example.org/x", PermanentError),
    ],
)
def test_check_target_gives_the_guards_verdict_without_a_request(settings, url, error):
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = []
    with pytest.raises(error):
        check_target(url)


def test_an_allowed_ipv6_literal_is_fetched_with_its_brackets_in_the_host_header(settings):
    """The Host header was built from the bare address: "::1:8080", which is no host."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = self.headers["Host"].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    class IPv6Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6

    try:
        server = IPv6Server(("::1", 0), Handler)
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = ["::1"]
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        response = fetch(f"http://[::1]:{port}/")
    finally:
        server.shutdown()
        server.server_close()
    assert response.content.decode() == f"[::1]:{port}"


def test_fetch_reads_allowed_local_page(local_server):
    local_server.routes["/a"] = (
        200,
        {"Content-Type": "text/html; charset=iso-8859-1"},
        "Café".encode("latin-1"),
    )
    response = fetch(local_server.url("/a"))
    assert response.status == 200
    assert response.charset == "iso-8859-1"
    assert response.content.decode("latin-1") == "Café"
    assert response.content_type == "text/html"


def test_redirect_to_private_address_is_blocked(local_server):
    local_server.routes["/r"] = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    with pytest.raises(BlockedAddressError):
        fetch(local_server.url("/r"))
    # A redirect to loopback under another name is blocked too: only "127.0.0.1" is allowed.
    local_server.routes["/r2"] = (301, {"Location": f"http://localhost:{local_server.port}/a"}, b"")
    with pytest.raises(BlockedAddressError):
        fetch(local_server.url("/r2"))


def test_redirects_are_followed_and_limited(local_server, settings):
    local_server.routes["/a"] = (200, {"Content-Type": "text/plain"}, b"done")
    local_server.routes["/start"] = (302, {"Location": "/a"}, b"")
    assert fetch(local_server.url("/start")).url == local_server.url("/a")
    local_server.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(PermanentError, match="Too many redirects"):
        fetch(local_server.url("/loop"))


def test_size_cap_by_header_and_by_stream(local_server):
    local_server.routes["/big"] = (200, {}, b"x" * 2000)
    with pytest.raises(ResponseTooLargeError):
        fetch(local_server.url("/big"), max_bytes=1000)
    # A server that does not say its length is cut off while streaming.
    local_server.routes["/stream"] = (200, {"X-Omit-Length": "1"}, b"y" * 5000)
    with pytest.raises(ResponseTooLargeError):
        fetch(local_server.url("/stream"), max_bytes=1000)
    local_server.routes["/small"] = (200, {"X-Omit-Length": "1"}, b"y" * 10)
    assert fetch(local_server.url("/small"), max_bytes=1000).content == b"y" * 10


def test_status_codes_map_to_transient_or_permanent(local_server):
    local_server.routes["/e500"] = (503, {}, b"down")
    local_server.routes["/e429"] = (429, {}, b"slow down")
    with pytest.raises(TransientError):
        fetch(local_server.url("/e500"))
    with pytest.raises(TransientError):
        fetch(local_server.url("/e429"))
    with pytest.raises(PermanentError, match="404"):
        fetch(local_server.url("/missing"))


def test_unreachable_port_is_transient(settings):
    settings.CLAIMDESK_FETCH_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TransientError, match="connect"):
        fetch(f"http://127.0.0.1:{port}/", timeout=2)


def test_post_sends_the_body_once_and_keeps_an_excerpt(local_server):
    local_server.routes["/in"] = (201, {"Content-Type": "text/plain"}, b"x" * 5000)
    response = post(
        local_server.url("/in"),
        content=b'{"a":1}',
        headers={"Content-Type": "application/json"},
        timeout=2,
        excerpt_bytes=100,
    )
    assert (response.status, response.body_excerpt, response.location) == (201, b"x" * 100, "")
    [request] = local_server.received
    assert (request.method, request.body) == ("POST", b'{"a":1}')


def test_post_does_not_follow_redirects(local_server):
    local_server.routes["/in"] = (307, {"Location": "http://169.254.169.254/"}, b"")
    response = post(local_server.url("/in"), content=b"{}", headers={}, timeout=2, excerpt_bytes=10)
    assert (response.status, response.location) == (307, "http://169.254.169.254/")
    assert local_server.requests == ["/in"]


# The whole-request deadline (CLAIMDESK_FETCH_DEADLINE_S): servers that send one byte a second,
# which the per-read timeout (15 s by default) never catches.
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n"


def _gives_up_at_the_deadline(call, deadline_s: float = 2.0) -> str:
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError) as caught:
        call()
    elapsed = time.monotonic() - started
    assert deadline_s <= elapsed < deadline_s + 1.5
    assert f"within the {deadline_s:g} s deadline" in str(caught.value)
    return str(caught.value)


def test_a_body_that_trickles_in_fails_at_the_deadline(drip_server, settings):
    settings.CLAIMDESK_FETCH_DEADLINE_S = 2
    server = drip_server(HEAD + b"x" * 100, prompt=len(HEAD))
    message = _gives_up_at_the_deadline(lambda: fetch(server.url("/slow")))
    assert server.url("/slow") in message
    assert issubclass(DeadlineExceededError, TransientError)  # retried like any timeout


def test_headers_that_trickle_in_fail_at_the_deadline(drip_server, settings):
    settings.CLAIMDESK_FETCH_DEADLINE_S = 2
    server = drip_server(HEAD + b"x" * 100)
    _gives_up_at_the_deadline(lambda: fetch(server.url("/")))
    _gives_up_at_the_deadline(
        lambda: post(server.url("/"), content=b"{}", headers={}, timeout=5, excerpt_bytes=10)
    )


def test_a_post_whose_status_arrived_keeps_it_when_the_body_trickles(drip_server, settings):
    settings.CLAIMDESK_FETCH_DEADLINE_S = 2
    server = drip_server(HEAD + b"x" * 100, prompt=len(HEAD) + 3)
    started = time.monotonic()
    response = post(server.url("/"), content=b"{}", headers={}, timeout=5, excerpt_bytes=50)
    assert time.monotonic() - started < 3.5
    assert response.status == 200
    assert response.body_excerpt.startswith(b"xxx")


def test_a_fast_answer_is_unaffected_by_a_short_deadline(local_server, settings):
    settings.CLAIMDESK_FETCH_DEADLINE_S = 0.5
    local_server.routes["/a"] = (200, {"Content-Type": "text/plain"}, b"y" * 100_000)
    assert fetch(local_server.url("/a")).content == b"y" * 100_000
